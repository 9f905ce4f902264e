"""Demo logins, one per kind of user, each with a jurisdiction in the demo city."""

from __future__ import annotations

from dataclasses import dataclass

from accountability.models import User

DEMO_PASSWORD = "demo-2026-pass"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    full_name: str
    jurisdiction: str | None
    description: str
    superuser: bool = False


DEMO_LOGINS = [
    DemoLogin("admin", "系统管理员", None, "系统管理员（全部数据）", superuser=True),
    DemoLogin("city_office", "市扶贫办 王明", "349900000000", "示范市扶贫办"),
    DemoLogin("county_office", "县扶贫办 李芳", "349901000000", "东山县扶贫办"),
    DemoLogin("county2_office", "县扶贫办 赵强", "349902000000", "西河县扶贫办"),
    DemoLogin("township_staff", "乡镇干部 张伟", "349901101000", "青石镇"),
    DemoLogin("village_official", "村干部 刘洋", "349901101201", "青石东村"),
]


def load_users() -> list[DemoLogin]:
    for login in DEMO_LOGINS:
        user, created = User.objects.get_or_create(username=login.username)
        changed = created
        wanted = {
            "first_name": login.full_name,
            "jurisdiction_id": login.jurisdiction,
            "is_superuser": login.superuser,
            "is_staff": login.superuser,
            "is_active": True,
        }
        for field, value in wanted.items():
            if getattr(user, field) != value:
                setattr(user, field, value)
                changed = True
        if created:
            user.set_password(DEMO_PASSWORD)
        if changed:
            user.save()
    return DEMO_LOGINS
