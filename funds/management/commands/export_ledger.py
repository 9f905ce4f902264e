"""python manage.py export_ledger --year YYYY [--unit CODE] --out FILE.xlsx"""

from __future__ import annotations

import logging
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accountability.models import AdminUnit, User
from accountability.platform.validators import FIRST_YEAR, LAST_YEAR
from funds.ledger.exports import ledger_export_to_path
from funds.ledger.selectors import LedgerFilters

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "导出资金台账（封面、汇总、明细三张表），与网页导出相同并同样记录。"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="年度（按分录日期）")
        parser.add_argument("--unit", help="县(区)或乡镇的 12 位行政区划代码；不填为全部")
        parser.add_argument("--out", type=Path, required=True, help="输出的 .xlsx 文件")
        parser.add_argument(
            "--as", dest="username", help="以哪个用户的身份导出（按其辖区与权限；默认第一个超级管理员）"
        )

    def handle(self, *args, year, unit, out, username, **options):
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise CommandError(f"年度应在 {FIRST_YEAR}–{LAST_YEAR} 之间")
        if out.suffix.lower() != ".xlsx":
            raise CommandError("输出文件应以 .xlsx 结尾")
        if not out.parent.exists():
            raise CommandError(f"目录不存在：{out.parent}")
        if unit and not AdminUnit.objects.filter(code=unit.strip()).exists():
            raise CommandError(f"行政区划代码 {unit} 不存在")
        actor = self._actor(username)
        if not actor.has_perm("funds.export_ledger"):
            raise CommandError(f"用户 {actor.get_username()} 无权导出资金台账")
        if (
            unit
            and not actor.is_superuser
            and not unit.startswith(actor.jurisdiction.prefix if actor.jurisdiction_id else "-")
        ):
            raise CommandError(f"行政区划代码 {unit} 不存在")  # outside the jurisdiction: as unknown
        filters = LedgerFilters(year=year, unit=(unit or "").strip())
        try:
            export = ledger_export_to_path(actor=actor, filters=filters, target=out)
        except Exception as error:
            logger.exception("export_ledger failed")
            raise CommandError("导出失败：发生意外错误，详情已记入日志。") from error
        self.stdout.write(f"已导出 {export.row_count} 笔分录到 {out}")
        self.stdout.write(f"SHA-256 {export.sha256}")

    def _actor(self, username: str | None) -> User:
        if username:
            user = (
                User.objects.filter(username=username, is_active=True).select_related("jurisdiction").first()
            )
            if user is None:
                raise CommandError(f"用户 {username} 不存在或已停用")
            return user
        user = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
        if user is None:
            raise CommandError("没有可用的超级管理员，请用 --as 指定导出用户")
        return user
