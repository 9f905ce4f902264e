from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from visits.synthetic import create_posts_and_visits


class Command(BaseCommand):
    help = "为合成市（generate_synthetic 生成）补充各级岗位干部及一年的走访、驻村、调研记录。"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, default=2020)
        parser.add_argument("--prefix", default="3498", help="合成市的代码前缀")
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, year, prefix, seed, **options):
        started = time.monotonic()
        result = create_posts_and_visits(prefix=prefix, year=year, seed=seed)
        seconds = time.monotonic() - started
        self.stdout.write(f"岗位干部 {result['officials']} 名，{year} 年走访等记录已生成（{seconds:.1f} 秒）")
