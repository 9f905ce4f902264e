from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction

from accountability.access.roles import sync_roles
from accountability.demo.accountability import load_accountability
from accountability.demo.hierarchy import load_hierarchy
from accountability.demo.registry import DEMO_LOADERS
from accountability.demo.responsibility import load_responsibility
from accountability.demo.users import DEMO_PASSWORD, load_users
from accountability.platform.history import history_context
from accountability.policy.presets import ensure_default_profile


class Command(BaseCommand):
    help = "载入演示数据（虚构的示范市、各岗位干部及各角色登录账号）；可重复运行。Load the demo city."

    def handle(self, *args, **options):
        with transaction.atomic(), history_context(reason="载入演示数据"):
            sync_roles()
            ensure_default_profile()
            changed = load_hierarchy()
            officials = load_responsibility()
            logins = load_users(officials)
            for loader in DEMO_LOADERS:
                loader()
            load_accountability()  # last: the rules read the facts the other apps loaded
        self.stdout.write(f"演示数据已就绪（行政区划变更 {changed} 行）。")
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        for login in logins:
            self.stdout.write(f"  {login.username:<18} {login.description}")
