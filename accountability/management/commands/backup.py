from __future__ import annotations

import logging
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from accountability.platform.backup import BackupError, backup, remove_partial

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "备份数据库（pg_dump 自定义格式）与上传文件（MEDIA_ROOT），并写出含各表行数、迁移状态、"
        "文件 SHA-256 的清单 manifest.json。Back up the database and the uploaded files."
    )

    def add_arguments(self, parser):
        parser.add_argument("--to", dest="target", required=True, help="备份目录（新的或空的目录）")

    def handle(self, *args, target: str, **options):
        directory = Path(target)
        existed = directory.exists()
        # only a directory that held nothing before may be cleaned up after a failure
        ours = not existed or (directory.is_dir() and not any(directory.iterdir()))
        try:
            manifest = backup(directory)
        except BackupError as error:
            if ours:
                remove_partial(directory, keep_directory=existed)
            raise CommandError(str(error)) from error
        except Exception as error:  # no traceback reaches the operator; the log keeps it
            logger.exception("backup to %s failed", directory)
            if ours:
                remove_partial(directory, keep_directory=existed)
            raise CommandError(
                _("备份失败（意外错误：%(error)s），详情见日志。备份目录中的文件不可用。")
                % {"error": type(error).__name__}
            ) from error
        rows = sum(manifest["row_counts"].values())
        self.stdout.write(
            _("备份完成：%(path)s（%(tables)s 张表，共 %(rows)s 行；%(files)s 个文件）。")
            % {
                "path": directory,
                "tables": len(manifest["row_counts"]),
                "rows": rows,
                "files": len(manifest["files"]),
            }
        )
