from __future__ import annotations

import logging
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from accountability.platform.backup import BackupError, restore

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "把 backup 命令写出的备份恢复到一个空数据库和一个空的文件目录，并按清单核对各表行数与文件 "
        "SHA-256；不一致时以非零退出码结束。Restore a backup into an empty database and verify it."
    )

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="source", required=True, help="备份目录（含 manifest.json）")
        parser.add_argument(
            "--database-url",
            required=True,
            help="目标空数据库，如 postgres://用户:密码@主机:5432/新库名（须先 CREATE DATABASE）",
        )
        parser.add_argument(
            "--media-root",
            help="上传文件解包到的目录（新的或空的目录；默认为 MEDIA_ROOT 设置）",
        )

    def handle(self, *args, source: str, database_url: str, media_root: str | None, **options):
        media = Path(media_root) if media_root else Path(settings.MEDIA_ROOT)
        try:
            manifest = restore(Path(source), database_url, media)
        except BackupError as error:
            raise CommandError(str(error)) from error
        except Exception as error:  # no traceback reaches the operator; the log keeps it
            logger.exception("restore from %s failed", source)
            raise CommandError(
                _(
                    "恢复失败（意外错误：%(error)s），详情见日志。目标数据库可能只恢复了一部分，请删除后重建再试。"
                )
                % {"error": type(error).__name__}
            ) from error
        self.stdout.write(
            _(
                "恢复完成并已核对：%(tables)s 张表的行数、%(files)s 个文件的 SHA-256 "
                "均与 %(created)s 的备份一致。"
            )
            % {
                "tables": len(manifest["row_counts"]),
                "files": len(manifest["files"]),
                "created": manifest.get("created_at", "?"),
            }
        )
