from __future__ import annotations

import logging
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from accountability.access.imports import import_kind_allowed
from accountability.importing import services as import_services
from accountability.importing.kinds import REGISTRY
from accountability.models import ImportStatus, User

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "导入 Excel 文件（与网页导入相同的校验与写入）。Import an xlsx file of one import kind."

    def add_arguments(self, parser):
        parser.add_argument("kind", help=f"导入类型：{', '.join(sorted(REGISTRY))}")
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="只校验并预览，不写入")
        parser.add_argument("--strict", action="store_true", help="任何一行有错误时不写入任何数据")
        parser.add_argument(
            "--as",
            dest="username",
            help="以哪个用户的身份导入（按其角色检查导入权限；默认：第一个超级管理员）",
        )

    def handle(self, *args, kind, file, dry_run, strict, username, **options):
        if kind not in REGISTRY:
            raise CommandError(f"未知的导入类型：{kind}（可用：{', '.join(sorted(REGISTRY))}）")
        if not file.is_file():
            raise CommandError(f"找不到文件：{file}")
        actor = self._actor(username)
        if username and not import_kind_allowed(actor, kind):
            raise CommandError(f"用户 {username} 的角色无权导入“{REGISTRY[kind].label}”")
        try:
            job = import_services.run_import(
                kind=kind, path=file, actor=actor, strict=strict, dry_run=dry_run
            )
        except (
            Exception
        ) as error:  # the job itself ends failed; anything before it must not print a traceback
            logger.exception("import_xlsx %s %s failed", kind, file)
            raise CommandError(_("导入失败：发生意外错误，未写入任何数据。详情已记入日志。")) from error
        self.stdout.write(f"导入记录 #{job.pk}  文件 {job.file_name}  SHA-256 {job.sha256}")
        self.stdout.write(f"状态：{job.get_status_display()}")
        if job.message:
            self.stdout.write(job.message)
        for error in job.errors:
            self.stdout.write(f"  第 {error['row']} 行  【{error['column']}】 {error['message']}")
        if dry_run:
            self.stdout.write("（预览：未写入任何数据）")
        if job.status in {ImportStatus.REJECTED, ImportStatus.FAILED}:
            raise CommandError(job.message)
        if job.errors and strict:
            raise CommandError("严格模式：存在错误，未写入任何数据。")

    def _actor(self, username: str | None) -> User:
        if username:
            user = User.objects.filter(username=username, is_active=True).first()
            if user is None:
                raise CommandError(f"用户 {username} 不存在或已停用")
            return user
        user = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
        if user is None:
            raise CommandError("没有可用的超级管理员，请用 --as 指定导入用户")
        return user
