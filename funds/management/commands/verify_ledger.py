"""python manage.py verify_ledger [--unit CODE]: recompute the ledger's hash chains."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError

from accountability.models import AdminUnit
from funds.ledger.chain import verify_chains


class Command(BaseCommand):
    help = "校验资金台账的哈希链：完好时退出码 0，发现篡改时非 0 并列出每个账户第一笔断链的凭证号。"

    def add_arguments(self, parser):
        parser.add_argument("--unit", help="只校验该行政区划（12 位代码）及其下级的账户")

    def handle(self, *args, unit=None, **options):
        prefix = ""
        if unit:
            found = AdminUnit.objects.filter(code=unit.strip()).first()
            if found is None:
                raise CommandError(f"行政区划代码 {unit} 不存在")
            prefix = found.prefix
        result = verify_chains(prefix)
        if result.holds:
            self.stdout.write(f"哈希链校验通过：{result.accounts} 个账户，{result.entries} 笔分录。")
            return
        self.stderr.write(
            f"哈希链校验未通过：{len(result.breaks)} 个账户断链（共 {result.accounts} 个账户）。"
        )
        for found in result.breaks:
            self.stderr.write(f"  第一处断链：{found.describe()}")
        sys.exit(1)
