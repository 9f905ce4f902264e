"""Logging in, in tests, as a user who has passed the second factor (docs/decisions/0028).

``client.force_login(user)`` (the ``client`` fixture of tests/conftest.py is a
``SecondFactorClient``) gives a privileged user a confirmed TOTP device and verifies the session
with it, as the verification page would; ``password_only_client`` is Django's plain client, for
tests of the second factor itself (a session that passed the password only).
"""

from __future__ import annotations

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accountability.access.second_factor import second_factor_required


def verified_device(user) -> TOTPDevice:
    """The user's confirmed TOTP device (created when he has none)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name="测试验证器", confirmed=True)


class SecondFactorClient(Client):
    """Django's test client whose ``force_login`` completes the second factor when the user must."""

    def force_login(self, user, backend=None):
        super().force_login(user, backend)
        fresh = type(user).objects.get(pk=user.pk)  # no permission cache left on the test's object
        if second_factor_required(fresh):
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = verified_device(fresh).persistent_id  # as django_otp.login
            session.save()
