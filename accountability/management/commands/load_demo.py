from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction

from accountability.access.roles import sync_roles
from accountability.demo.accountability import load_accountability
from accountability.demo.hierarchy import load_hierarchy
from accountability.demo.registry import DEMO_LOADERS
from accountability.demo.responsibility import load_responsibility
from accountability.demo.users import (
    DEMO_OTP_SECRET,
    DEMO_PASSWORD,
    demo_privileged_logins,
    enrol_demo_second_factor,
    load_users,
)
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
            enrolled = enrol_demo_second_factor()
            privileged = demo_privileged_logins()
        self.stdout.write(f"演示数据已就绪（行政区划变更 {changed} 行）。")
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        for login in logins:
            mark = " *" if login in privileged else ""
            self.stdout.write(f"  {login.username:<18} {login.description}{mark}")
        if enrolled:
            self.stdout.write(
                f"* 须两步验证：已用演示密钥 {DEMO_OTP_SECRET} 登记（仅演示环境）。把密钥加入手机验证器应用，"
                "或运行 `python manage.py demo_otp_code 用户名` 显示当前 6 位验证码。"
            )
        elif privileged:
            self.stdout.write(
                "* 须两步验证：首次用密码登录后，在「两步验证」页面用手机验证器应用扫描二维码登记，"
                "并保存显示的备用验证码。"
            )
