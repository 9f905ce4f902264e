from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction

from accountability.demo.hierarchy import load_hierarchy
from accountability.demo.users import DEMO_PASSWORD, load_users
from accountability.history import history_context


class Command(BaseCommand):
    help = (
        "载入演示数据（虚构的示范市及各角色登录账号）；可重复运行。Load the fictional demo city (idempotent)."
    )

    def handle(self, *args, **options):
        with transaction.atomic(), history_context(reason="载入演示数据"):
            changed = load_hierarchy()
            logins = load_users()
        self.stdout.write(f"演示数据已就绪（行政区划变更 {changed} 行）。")
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        for login in logins:
            self.stdout.write(f"  {login.username:<18} {login.description}")
