"""Demo logins, one for every role, each with a jurisdiction in the demo city."""

from __future__ import annotations

from dataclasses import dataclass

from accountability.access.roles import role_group
from accountability.models import Official, User

DEMO_PASSWORD = "demo-2026-pass"
#: the TOTP secret (base32) of every privileged demo account when settings.DEMO_SECOND_FACTOR is
#: on (never in production): add it to an authenticator app, or run `manage.py demo_otp_code`.
#: Published in docs/quickstart.*.md — a demo login, not a secret.
DEMO_OTP_SECRET = "FUPINDEMOFUPINDEMOFUPINDEMOFUPIN"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    full_name: str
    jurisdiction: str | None
    role: str
    description: str
    official_key: str = ""  # links the login to a demo official (see demo.responsibility)


DEMO_LOGINS = [
    DemoLogin("admin", "系统管理员", None, "system_admin", "系统管理员（全部数据）"),
    DemoLogin("city_office", "市扶贫办 王明", "349900000000", "city_office", "示范市扶贫办"),
    DemoLogin("county_office", "县扶贫办 李芳", "349901000000", "county_office", "东山县扶贫办"),
    DemoLogin("county2_office", "县扶贫办 赵强", "349902000000", "county_office", "西河县扶贫办"),
    DemoLogin("county_admin", "辖区管理员 孙丽", "349901000000", "jurisdiction_admin", "东山县辖区管理员"),
    DemoLogin("township_staff", "乡镇干部 张伟", "349901101000", "township_staff", "青石镇工作人员"),
    DemoLogin(
        "village_official",
        "",
        "349901101201",
        "village_official",
        "青石东村党组织书记",
        official_key="village_official",
    ),
    DemoLogin("auditor", "审计 周敏", "349900000000", "auditor", "示范市审计局"),
    DemoLogin("inspector", "督查 吴刚", "349900000000", "inspector", "示范市督查组"),
    DemoLogin("discipline", "纪检 郑洁", "349900000000", "discipline_officer", "示范市纪委监委"),
    DemoLogin("county_discipline", "纪检 钱亮", "349901000000", "discipline_officer", "东山县纪委监委"),
]


def load_users(officials: dict[str, Official]) -> list[DemoLogin]:
    for login in DEMO_LOGINS:
        official = officials.get(login.official_key) if login.official_key else None
        user, created = User.objects.get_or_create(username=login.username)
        wanted = {
            "first_name": official.name if official else login.full_name,
            "jurisdiction_id": login.jurisdiction,
            "is_superuser": login.role == "system_admin",
            "is_staff": login.role in {"system_admin", "jurisdiction_admin"},
            "is_active": True,
        }
        changed = created or any(getattr(user, f) != v for f, v in wanted.items())
        for field, value in wanted.items():
            setattr(user, field, value)
        if created:
            user.set_password(DEMO_PASSWORD)
        if changed:
            user.save()
        user.groups.set([role_group(login.role)])
        if official is not None and official.user_id != user.pk:
            Official.objects.filter(user=user).exclude(pk=official.pk).update(user=None)
            official.user = user
            official.save(update_fields=["user"])
    return DEMO_LOGINS


def demo_privileged_logins() -> list[DemoLogin]:
    """The demo logins that must verify a second factor."""
    from accountability.access.second_factor import second_factor_required

    users = {u.username: u for u in User.objects.filter(username__in=[x.username for x in DEMO_LOGINS])}
    return [x for x in DEMO_LOGINS if x.username in users and second_factor_required(users[x.username])]


def enrol_demo_second_factor() -> list[DemoLogin]:
    """Give each privileged demo login a confirmed TOTP device with ``DEMO_OTP_SECRET`` (only when
    settings.DEMO_SECOND_FACTOR; never in production). Returns the logins enrolled."""
    from base64 import b32decode

    from django.conf import settings
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if not getattr(settings, "DEMO_SECOND_FACTOR", False) or settings.PRODUCTION:
        return []
    key = b32decode(DEMO_OTP_SECRET).hex()
    logins = demo_privileged_logins()
    for login in logins:
        user = User.objects.get(username=login.username)
        TOTPDevice.objects.filter(user=user).exclude(key=key).delete()
        TOTPDevice.objects.get_or_create(
            user=user, key=key, defaults={"name": "演示验证器", "confirmed": True}
        )
    return logins


def demo_otp_code(user) -> str:
    """The code a demo account's authenticator would show now, or the next one when the current
    one was used already (a device accepts each time step once)."""
    import time

    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    if device is None:
        raise LookupError(f"{user.get_username()} has no TOTP device")
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if totp.t() <= device.last_t:  # used in this step: the next step is within the tolerance
        totp.time = (device.last_t + 1) * device.step + device.t0
    return f"{totp.token():0{device.digits}d}"
