from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accountability.demo.users import demo_otp_code, demo_privileged_logins
from accountability.models import User


class Command(BaseCommand):
    help = "显示演示账号当前的两步验证码（仅演示环境，DEMO_SECOND_FACTOR）。Show a demo account's TOTP code."

    def add_arguments(self, parser):
        parser.add_argument("username", nargs="?", help="演示账号；不给出时列出全部须两步验证的演示账号")

    def handle(self, *args, username=None, **options):
        if not getattr(settings, "DEMO_SECOND_FACTOR", False) or settings.PRODUCTION:
            raise CommandError("仅在演示环境（DEMO_SECOND_FACTOR=1，非生产环境）可用")
        names = [username] if username else [login.username for login in demo_privileged_logins()]
        for name in names:
            user = User.objects.filter(username=name).first()
            if user is None:
                raise CommandError(f"没有用户 {name}")
            try:
                code = demo_otp_code(user)
            except LookupError:
                raise CommandError(f"{name} 没有登记演示验证器（请先运行 load_demo）") from None
            self.stdout.write(f"{name:<18} {code}")
