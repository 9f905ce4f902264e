"""The second factor (django-otp): who must have one, enrolment, verification, backup codes and
the reset by a jurisdiction administrator (docs/decisions/0028, docs/operations.md).

A login is complete for a privileged user only once the session holds a verified device
(django-otp's session key, set by ``django_otp.login``). ``SecondFactorMiddleware`` keeps such a
user, until then, on the enrolment, verification and logout pages; the API's authentication
classes below refuse an unverified session and any token of a privileged user.

Devices: one TOTP device (an authenticator app, enrolled from a QR code drawn offline as inline
SVG) and one static device holding ten one-time backup codes. Every enrolment, verification,
failure, new set of backup codes and reset is an audit event (accountability/access/audit.py).
"""

from __future__ import annotations

import io
import unicodedata
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from drf_spectacular.authentication import SessionScheme
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication, TokenAuthentication

from accountability.access.audit import audit_record
from accountability.models import AuditKind

#: holding any of these makes an account privileged: unmasked personal data (offices, jurisdiction
#: administrators, discipline), the audit records (audit and discipline roles), user administration
#: (jurisdiction administrators), deciding cases (discipline). Superusers and staff (the admin
#: site) are privileged too.
PRIVILEGED_PERMISSIONS = (
    "accountability.view_personal_data",
    "accountability.view_auditevent",
    "accountability.change_user",
    "accountability.decide_case",
)
BACKUP_CODE_COUNT = 10
TOTP_NAME = "身份验证器"
BACKUP_NAME = "备用验证码"
#: the pages an unverified privileged user may still open (URL names)
OPEN_URL_NAMES = ("otp-setup", "otp-verify", "logout", "set_language", "login")


def second_factor_required(user) -> bool:
    """Whether ``user`` must verify a second factor before his login counts."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    if user.is_superuser or user.is_staff:
        return True
    return any(user.has_perm(permission) for permission in PRIVILEGED_PERMISSIONS)


def is_verified(user) -> bool:
    """The session (or request) of ``user`` carries a device verified by the second factor."""
    return getattr(user, "otp_device", None) is not None


def has_device(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def backup_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def normalise_code(value: str) -> str:
    """What the user typed, as the devices compare it: full-width digits and letters (a Chinese
    input method) folded by NFKC, spaces and hyphens dropped, lower case (backup codes)."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", value or "") if ch not in " -\t").lower()


# --- enrolment ------------------------------------------------------------------------------


def pending_device(user) -> TOTPDevice:
    """The unconfirmed TOTP device ``user`` is enrolling (created on first call, kept until
    confirmed so that a reload shows the same QR code)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)


def qr_svg(device: TOTPDevice) -> str:
    """The device's otpauth:// address as a QR code, inline SVG drawn here (no CDN, no script)."""
    import segno

    buffer = io.BytesIO()
    segno.make(device.config_url, error="m").save(
        buffer, kind="svg", xmldecl=False, svgns=True, scale=4, border=2, svgclass="otp-qr", omitsize=True
    )
    return buffer.getvalue().decode()


def secret_text(device: TOTPDevice) -> str:
    """The secret in base32, in groups of four, for typing into an app by hand."""
    from base64 import b32encode

    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _new_backup_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=BACKUP_NAME, confirmed=True)
    codes = []
    while len(codes) < BACKUP_CODE_COUNT:
        code = StaticToken.random_token()
        if code not in codes:
            codes.append(code)
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def second_factor_enrol(*, actor, request, code: str) -> list[str]:
    """Confirm ``actor``'s pending TOTP device with a code from his app, verify the session with
    it and return his new backup codes (shown once). Refused (ValidationError) with a wrong code —
    the failure and the device's throttling are kept — and (PermissionDenied) while he has a
    confirmed device but the session is not verified: a password alone never replaces a device."""
    if has_device(actor) and not is_verified(actor):
        raise PermissionDenied(_("已登记两步验证，请先用验证码完成验证"))
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update().filter(user=actor, confirmed=False).order_by("pk").first()
        )
        accepted = device is not None and device.verify_token(normalise_code(code))
    if not accepted:
        audit_record(kind=AuditKind.OTP_FAILED, user=actor, request=request, subject="enrol")
        raise ValidationError(
            _("验证码不正确，请核对手机上的验证器应用显示的 6 位数字（注意手机时间须准确）")
        )
    with transaction.atomic():
        TOTPDevice.objects.filter(user=actor, confirmed=True).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _new_backup_codes(actor)
        otp_login(request, device)
        audit_record(kind=AuditKind.OTP_ENROL, user=actor, request=request, subject=device.name)
    return codes


@transaction.atomic
def backup_codes_renew(*, actor, request) -> list[str]:
    """A new set of backup codes for a verified session (the old set stops working)."""
    if not is_verified(actor):
        raise PermissionDenied(_("请先完成两步验证"))
    codes = _new_backup_codes(actor)
    audit_record(kind=AuditKind.OTP_CODES, user=actor, request=request)
    return codes


# --- verification ---------------------------------------------------------------------------


def second_factor_verify(*, actor, request, code: str) -> bool:
    """Check a code typed after the password: six digits against the TOTP device, anything else
    against the backup codes (each works once). On success the session is verified."""
    code = normalise_code(code)
    model = TOTPDevice if code.isdigit() and len(code) == 6 else StaticDevice
    device = None
    if code:
        with transaction.atomic():
            for candidate in model.objects.filter(user=actor, confirmed=True).select_for_update():
                if candidate.verify_token(code):
                    device = candidate
                    break
    if device is None:
        audit_record(kind=AuditKind.OTP_FAILED, user=actor, request=request, subject="verify")
        return False
    otp_login(request, device)
    audit_record(
        kind=AuditKind.OTP_VERIFIED,
        user=actor,
        request=request,
        subject=BACKUP_NAME if model is StaticDevice else TOTP_NAME,
    )
    return True


# --- reset by a jurisdiction administrator --------------------------------------------------


class ResetRefused(LookupError):
    """The user is not one the actor manages (answered as unknown: 404)."""


@transaction.atomic
def second_factor_reset(*, actor, user, request=None) -> int:
    """Remove every device of ``user`` (a lost phone): he enrols again at his next login. Only for
    the users ``actor`` manages (his jurisdiction; all for a system administrator), never himself;
    recorded as an audit event."""
    from accountability.access.user_roles import users_managed_by

    if not users_managed_by(actor).filter(pk=user.pk).exists():
        raise ResetRefused(_("用户不存在"))
    if user.pk == actor.pk:
        raise PermissionDenied(_("不能重置自己的两步验证，请由上级管理员办理"))
    removed = 0
    for model in (TOTPDevice, StaticDevice):
        removed += model.objects.filter(user=user).delete()[1].get(model._meta.label, 0)
    audit_record(
        kind=AuditKind.OTP_RESET,
        user=actor,
        request=request,
        subject=user.get_username(),
        detail={"reset_user": user.pk, "devices_removed": removed},
    )
    return removed


# --- the doors: pages and API ---------------------------------------------------------------


def _open_paths() -> tuple[str, ...]:
    return tuple(reverse(name) for name in OPEN_URL_NAMES)


class SecondFactorMiddleware:
    """After django-otp's OTPMiddleware: a privileged user without a verified device reaches only
    the enrolment, verification, logout and language pages; other pages redirect to verification
    (or enrolment when he has no device yet), API calls answer 403 in Chinese."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and request.path not in _open_paths()
            and not is_verified(user)  # first: a verified session needs no permission query
            and second_factor_required(user)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": _("该账号须先完成两步验证")}, status=403)
            target = "otp-verify" if has_device(user) else "otp-setup"
            query = urlencode({"next": request.get_full_path()}) if request.method == "GET" else ""
            return redirect(reverse(target) + (f"?{query}" if query else ""))
        return self.get_response(request)


class VerifiedSessionAuthentication(SessionAuthentication):
    """DRF's session authentication, refusing a privileged user's session not yet verified."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None:
            user = result[0]
            if not is_verified(user) and second_factor_required(user):
                raise exceptions.PermissionDenied(_("该账号须先完成两步验证"))
        return result


class UnprivilegedTokenAuthentication(TokenAuthentication):
    """DRF's token authentication for accounts that need no second factor. A token is a bearer
    secret that no second factor guards, so a privileged user's token is refused: privileged work
    goes through the browser session (docs/decisions/0028)."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if second_factor_required(user):
            raise exceptions.AuthenticationFailed(
                _("该账号须使用两步验证登录网页，不能使用 API 令牌（请使用不含特权角色的专用账号）")
            )
        return user, token


def demo_second_factor_enabled() -> bool:
    return bool(getattr(settings, "DEMO_SECOND_FACTOR", False))


class VerifiedSessionScheme(SessionScheme):
    """The OpenAPI schema describes the verified session as the session cookie it is."""

    target_class = "accountability.access.second_factor.VerifiedSessionAuthentication"
    description = "浏览器会话；须两步验证的账号须先完成验证"

    def get_security_definition(self, auto_schema):
        return {**super().get_security_definition(auto_schema), "description": self.description}
