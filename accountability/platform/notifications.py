"""Sending in-app messages (and email) idempotently: one per recipient and key."""

from __future__ import annotations

import logging
import smtplib

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from accountability.models import Notification

logger = logging.getLogger(__name__)


def notification_send(
    *, recipient, kind: str, title: str, body: str, dedupe_key: str, link: str = ""
) -> Notification | None:
    """Create the message unless this recipient already has one with ``dedupe_key``; the email goes
    out after the transaction commits. Returns the new message, or None when it existed."""
    message, created = Notification.objects.get_or_create(
        recipient=recipient,
        dedupe_key=dedupe_key,
        defaults={"kind": kind, "title": title, "body": body, "link": link},
    )
    if not created:
        return None
    if recipient.email:
        transaction.on_commit(lambda: _email(message.pk))
    return message


def notifications_send(*, recipients, kind: str, dedupe_key: str, link: str = "", messages: dict) -> int:
    """``notification_send`` for many recipients at once, with one key: ``messages`` maps a recipient's id to
    its (title, body). One statement reads the recipients that already have the key, one writes the
    others' messages, whatever their number; emails go out after the commit. Returns how many were new."""
    users = {user.pk: user for user in recipients}
    existing = set(
        Notification.objects.filter(dedupe_key=dedupe_key, recipient_id__in=list(messages)).values_list(
            "recipient_id", flat=True
        )
    )
    created = Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=user_id, kind=kind, title=title, body=body, link=link, dedupe_key=dedupe_key
            )
            for user_id, (title, body) in messages.items()
            if user_id not in existing
        ]
    )
    for message in created:
        if users[message.recipient_id].email:
            transaction.on_commit(lambda pk=message.pk: _email(pk))
    return len(created)


def _email(message_id: int) -> None:
    message = Notification.objects.select_related("recipient").get(pk=message_id)
    link = (
        f"\n\n{settings.SITE_URL}{message.link}" if message.link and getattr(settings, "SITE_URL", "") else ""
    )
    try:
        send_mail(message.title, message.body + link, None, [message.recipient.email])
    except (OSError, smtplib.SMTPException):  # the in-app message stands; emailed_at stays empty
        logger.warning(
            "email of notification %s to %s failed", message_id, message.recipient.email, exc_info=True
        )
        return
    Notification.objects.filter(pk=message_id).update(emailed_at=timezone.now())


def notifications_for(user):
    return Notification.objects.filter(recipient=user)


def notifications_mark_read(user, ids: list[int] | None = None) -> int:
    messages = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        messages = messages.filter(pk__in=ids)
    return messages.update(read_at=timezone.now())
