from __future__ import annotations

import json as json_module

from django.core.management.base import BaseCommand, CommandError

from accountability.cases.situations import AccountabilityForm
from accountability.models import User
from accountability.platform.dates import parse_day
from accountability.rules.runs import run_rules

FORM_WORDS = dict(AccountabilityForm.choices)
MEASURE_SIGN = {"count": "count", "permille": "‰", "percent": "%"}


class Command(BaseCommand):
    help = "运行问责规则（E-1…E-10 及走访考核），记录预警并发送汇总消息。Run the accountability rules."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="考核年度")
        parser.add_argument("--as-of", help="截至日期 YYYY-MM-DD（默认今天）")
        parser.add_argument("--json", action="store_true", help="输出 JSON 数组：每条触发的规则与对象一项")
        parser.add_argument("--as", dest="username", help="以该用户的名义运行（记入历史）")

    def handle(self, *args, year, as_of, json: bool, username, **options):
        day = parse_day(as_of) if as_of else None
        if as_of and day is None:
            raise CommandError(f"日期格式应为 YYYY-MM-DD：{as_of}")
        actor = User.objects.filter(username=username).first() if username else None
        if username and actor is None:
            raise CommandError(f"没有用户 {username}")
        result = run_rules(year=year, as_of=day, triggered_by="command", actor=actor)
        status = result.statuses
        if json:
            self.stdout.write(dumps([self.item(t, status) for t in result.triggered]))
            return
        run = result.run
        self.stdout.write(
            f"{year} 年度：触发 {len(result.triggered)} 项；新增 {run.created}，更新 {run.updated}，"
            f"未变 {run.unchanged}，不再成立 {run.no_longer}；发出消息 {run.messages} 条。"
        )

    @staticmethod
    def item(t, status) -> dict:
        subject = {"official": t.official_id} if t.official_id else {"unit": t.unit_code}
        if t.organisation_id:
            subject["organisation"] = t.organisation_id
        if t.evidence.get("project"):
            subject["project"] = t.evidence["project"]  # a fund project's number (funds/metrics.py)
        # an inspection finding's or petition's number (inspections/metrics.py)
        for key in ("finding", "petition"):
            if t.evidence.get(key):
                subject[key] = t.evidence[key]
        return {
            "rule": t.rule_code,
            **subject,
            "period": t.period,
            "value": float(t.value),
            "threshold": float(t.threshold),
            "measure": MEASURE_SIGN[t.measure],
            "numerator": t.numerator,
            "denominator": t.denominator,
            "targets": [
                {"name": x["name"], "post": x["post"], "forms": form_words(x.get("forms", []))}
                for x in t.evidence["targets"]
            ],
            "units": [
                {
                    **({"organisation": u["organisation"]} if "organisation" in u else {"unit": u["unit"]}),
                    "name": u.get("name", ""),
                    "forms": form_words(u["forms"]),
                }
                for u in t.evidence.get("unit_targets", [])
            ],
            "action": t.rule.action,
            "status": status.get((t.rule_code, t.subject_key, t.period), "open"),
        }


def form_words(codes: list[str]) -> list[str]:
    """Consequences in the seed's words (免职, 党纪政纪处分, 写出检查, 引咎辞职 …)."""
    return [str(FORM_WORDS.get(code, code)) for code in codes]


def dumps(value) -> str:
    return json_module.dumps(value, ensure_ascii=False, indent=2)
