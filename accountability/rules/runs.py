"""Running the accountability rules: facts (registered metrics) → verdicts (pure) → one alert per rule,
subject and period, with evidence and named targets; digests to the people concerned.

Set-based throughout: each metric is computed once for the whole subtree (a few GROUP BY statements),
the targets are resolved in one query, the alerts are compared and written in bulk. Idempotent: the
alert's unique key makes re-runs and concurrent runs update instead of duplicate.
"""

from __future__ import annotations

import datetime as dt
import inspect
import json
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from accountability.access.roles import ROLE_BY_CODE
from accountability.hierarchy.models import code_prefix
from accountability.hierarchy.rules import level_of_code, parent_code
from accountability.models import (
    AdminUnit,
    Alert,
    AlertStatus,
    EscalationRule,
    Official,
    Organisation,
    RuleRun,
    SubjectLevel,
    User,
    alert_subject_key,
)
from accountability.platform.history import bind_context_to_transaction, history_context
from accountability.platform.notifications import notifications_send
from accountability.policy.profiles import ProfileArea, governs, profile_areas, versions_by_prefix
from accountability.policy.sources import lowest_level
from accountability.responsibility.selectors import holders_on
from accountability.rules.engine import parse_conditions, verdict
from accountability.rules.metrics import Fact, metric

#: who hears of a unit's alerts besides the officials named: the poverty office one level up
OFFICE_ROLES = tuple(ROLE_BY_CODE[code].name for code in ("township_staff", "county_office", "city_office"))
COMPARED = (
    "rule_label",
    "unit_id",
    "value",
    "threshold",
    "measure",
    "numerator",
    "denominator",
    "evidence",
    "targets",
    "action",
    "severity",
)


@dataclass
class Triggered:
    rule: EscalationRule
    rule_code: str
    subject_key: str
    unit_code: str
    period: str
    value: Decimal
    threshold: Decimal
    measure: str
    numerator: int | None
    denominator: int | None
    evidence: dict
    official_id: int | None = None
    organisation_id: int | None = None
    target_slots: list[tuple[str, str, tuple[str, ...], str]] = field(
        default_factory=list
    )  # unit, post, forms, to
    unit_targets: list[dict] = field(default_factory=list)  # consequences for the unit / helping unit


def period_end(year: int, as_of: dt.date) -> dt.date:
    return min(dt.date(year, 12, 31), as_of)


def _unit_rule(rule: EscalationRule, area: ProfileArea, facts_of, year: int) -> list[Triggered]:
    conditions = parse_conditions(rule.conditions)
    sources = tuple(sorted(rule.finding_sources or ()))
    by_metric = {c.metric: facts_of(c.metric, rule.level, sources) for c in conditions}
    subjects = sorted({key for facts in by_metric.values() for key in facts})
    found = []
    for subject in subjects:
        facts = {name: values[subject] for name, values in by_metric.items() if subject in values}
        result = verdict(conditions, facts)
        if result is None:
            continue
        villages = result.fact.evidence.get("villages", [])
        subject_key = None
        if subject.startswith("org:"):
            unit_code, organisation_id = villages[0], int(subject[4:])
        elif ":" in subject:
            # a subject an app names itself (``project:<id>``): its unit is in the evidence
            unit_code, organisation_id, subject_key = result.fact.evidence["unit"], None, subject
        else:
            unit_code, organisation_id = subject.ljust(12, "0"), None
        if not governs(area, unit_code):
            continue
        evidence = {
            **result.fact.evidence,
            "conditions": result.checked,
            "situation": rule.situation,
            # False for a rule that leaves the consequence to the deciding authority (Art. 40, 视情追究)
            "proposes_consequence": bool(rule.forms or any(t.get("forms") for t in rule.targets)),
        }
        if sources:
            evidence["finding_sources"] = list(sources)
            evidence["source_level"] = lowest_level(sources)  # read by the one-vote veto (Art. 41)
        found.append(
            Triggered(
                rule=rule,
                rule_code=rule.code,
                subject_key=subject_key or alert_subject_key(unit=unit_code, organisation=organisation_id),
                unit_code=unit_code,
                period=str(year),
                value=result.fact.value,
                threshold=result.condition.threshold,
                measure=result.condition.measure,
                numerator=result.fact.numerator,
                denominator=result.fact.denominator,
                evidence=evidence,
                organisation_id=organisation_id,
                target_slots=_slots(rule, unit_code, villages),
                unit_targets=_unit_targets(rule, unit_code, organisation_id),
            )
        )
    return found


def target_forms(rule: EscalationRule, target: dict) -> tuple[str, ...]:
    """The consequence the rule names for this target (Art. 39), or the rule's forms as a fallback."""
    return tuple(target.get("forms") or rule.forms or ())


def _slots(rule: EscalationRule, unit_code: str, villages: list[str]) -> list[tuple[str, str, tuple, str]]:
    slots = []
    for target in rule.targets:
        if "unit" in target or target.get("enabled", True) is False:
            continue
        post, forms, to = target["post"], target_forms(rule, target), target.get("to", "")
        at = target.get("at", "subject")
        if at == "subject":
            slots.append((unit_code, post, forms, to))
        elif at == "evidence_village":
            slots += [(village, post, forms, to) for village in villages]
        elif at == "evidence_township":
            slots += [(code_prefix(v, "township").ljust(12, "0"), post, forms, to) for v in villages]
        elif at == "evidence_county":
            slots.append((code_prefix(unit_code, "county").ljust(12, "0"), post, forms, to))
    return list(dict.fromkeys(slots))


def _unit_targets(rule: EscalationRule, unit_code: str, organisation_id: int | None) -> list[dict]:
    """Consequences for the unit itself: the subject unit (the one-vote veto of a failed annual task)
    or the helping unit (E-10: 取消该单位年度绩效考评评优资格)."""
    found = []
    for target in rule.targets:
        if "unit" not in target or target.get("enabled", True) is False:
            continue
        forms = list(target_forms(rule, target))
        if target["unit"] == "organisation":
            if organisation_id is not None:
                found.append({"organisation": organisation_id, "forms": forms})
        else:
            found.append({"unit": unit_code, "forms": forms})
    return found


def _quota_rule(rule: EscalationRule, area: ProfileArea, year: int, as_of: dt.date) -> list[Triggered]:
    found = []
    for row in metric("quota_missed")(year=year, as_of=as_of, root=area.area):
        if not governs(area, row.unit_code):
            continue
        found.append(
            Triggered(
                rule=rule,
                rule_code=row.quota_code,
                subject_key=alert_subject_key(official=row.official_id),
                unit_code=row.unit_code,
                period=row.period_key,
                value=Decimal(row.done),
                threshold=Decimal(row.required),
                measure="count",
                numerator=row.done,
                denominator=row.required,
                evidence={
                    "quota": row.quota_code,
                    "quota_label": row.quota_label,
                    "post": row.post,
                    "held": [row.held_from.isoformat(), row.held_to.isoformat()],
                    "per_household": row.per_household,
                    "situation": rule.situation,
                },
                official_id=row.official_id,
            )
        )
    return found


def evaluate(*, year: int, as_of: dt.date, root: str = "") -> list[Triggered]:
    """Every rule of every profile version governing ``root`` in ``year`` (the version in force on
    1 January), for every subject: what triggers."""
    versions = versions_by_prefix("rules")
    cache: dict[tuple, dict[str, Fact]] = {}
    found: list[Triggered] = []
    for area in profile_areas(root, dt.date(year, 1, 1), versions):
        denominator = area.profile.denominator

        def facts_of(name: str, level: str, sources: tuple = (), denominator=denominator) -> dict[str, Fact]:
            key = (name, level, denominator, sources)
            if key not in cache:
                function = metric(name)
                extra = {"as_of": as_of} if "as_of" in inspect.signature(function).parameters else {}
                cache[key] = function(
                    year=year, level=level, root=root, denominator=denominator, sources=sources, **extra
                )
            return cache[key]

        for rule in area.profile.rules.all():
            if rule.level == SubjectLevel.OFFICIAL:
                found += _quota_rule(rule, area, year, as_of)
            else:
                found += _unit_rule(rule, area, facts_of, year)
    _resolve_targets(found, period_end(year, as_of), root)
    return found


def _resolve_targets(found: list[Triggered], on: dt.date, root: str) -> None:
    """Name the officials who held the target posts at the period's end (one query), each with the
    consequence the rule names for the post; name the helping units of unit consequences."""
    posts = {slot[1] for t in found for slot in t.target_slots}
    held = holders_on(on, posts=posts, within=root) if posts else {}
    officials = {t.official_id for t in found if t.official_id}
    names = dict(Official.objects.filter(pk__in=officials).values_list("pk", "name")) if officials else {}
    organisations = {u["organisation"] for t in found for u in t.unit_targets if "organisation" in u}
    org_names = (
        dict(Organisation.objects.filter(pk__in=organisations).values_list("pk", "name"))
        if organisations
        else {}
    )
    units = {u["unit"] for t in found for u in t.unit_targets if "unit" in u}
    unit_names = dict(AdminUnit.objects.filter(pk__in=units).values_list("pk", "name")) if units else {}
    for t in found:
        if t.unit_targets:
            t.evidence["unit_targets"] = [
                {**u, "name": org_names.get(u["organisation"], "")}
                if "organisation" in u
                else {**u, "name": unit_names.get(u["unit"], "")}
                for u in t.unit_targets
            ]
        if t.official_id:
            t.evidence["targets"] = [
                {
                    "official": t.official_id,
                    "name": names.get(t.official_id, ""),
                    "post": t.evidence["post"],
                    "forms": list(t.rule.forms),
                }
            ]
            continue
        # persons the facts name themselves (a fund project's person responsible), before the posts
        named = [{"official": None, **person} for person in t.evidence.get("named_persons", [])]
        for unit, post, forms, to in t.target_slots:
            extra = {"forms": list(forms), **({"to": to} if to else {})}
            holders = held.get((unit, post), [])
            if not holders:
                named.append({"official": None, "name": "（空缺）", "post": post, "unit": unit, **extra})
            named += [
                {"official": h.official_id, "name": h.name, "post": post, "unit": unit, **extra}
                for h in holders
            ]
        t.evidence["targets"] = named


@dataclass
class RunResult:
    run: RuleRun
    triggered: list[Triggered]
    statuses: dict[tuple[str, str, str], str]  # (rule, subject, period) → the alert's status after the run


@transaction.atomic
def run_rules(
    *, year: int, as_of: dt.date | None = None, triggered_by: str = "manual", actor=None, root: str = ""
) -> RunResult:
    """Evaluate and record: new alerts created, changed ones updated (history shows how), alerts whose
    condition no longer holds marked so — never deleted; one digest per recipient."""
    as_of = as_of or timezone.localdate()
    run = RuleRun.objects.create(year=year, as_of=as_of, triggered_by=triggered_by, actor=actor)
    found = evaluate(year=year, as_of=as_of, root=root)
    with history_context(actor=actor, reason=f"运行问责规则（{year} 年，{triggered_by}）", rule_run=run.pk):
        statuses, fresh = _record(run, found, year, root)
        run.messages = _send_digests(
            run, [t for t in found if (t.rule_code, t.subject_key, t.period) in fresh]
        )
    run.finished_at = timezone.now()
    run.save()
    return RunResult(run, found, statuses)


def _fields(t: Triggered) -> dict:
    return {
        "rule_label": t.rule.label,
        "unit_id": t.unit_code,
        "value": t.value,
        "threshold": t.threshold,
        "measure": t.measure,
        "numerator": t.numerator,
        "denominator": t.denominator,
        "evidence": {k: v for k, v in t.evidence.items() if k != "targets"},
        "targets": t.evidence["targets"],
        "action": t.rule.action,
        "severity": t.rule.severity,
    }


COLUMNS = """rule_label text, unit_id text, value numeric, threshold numeric, measure text, numerator int,
    denominator int, evidence jsonb, targets jsonb, action text, severity text"""
INSERT_SQL = f"""
INSERT INTO accountability_alert (rule_code, subject_key, official_id, organisation_id, period, year, status,
    first_run_id, last_run_id, created_at, updated_at, rule_label, unit_id, value, threshold, measure,
    numerator, denominator, evidence, targets, action, severity)
SELECT r.rule_code, r.subject_key, r.official_id, r.organisation_id, r.period, %(year)s, 'open',
       %(run)s, %(run)s, now(), now(), r.rule_label, r.unit_id, r.value, r.threshold, r.measure,
       r.numerator, r.denominator, r.evidence, r.targets, r.action, r.severity
  FROM jsonb_to_recordset(%(rows)s::jsonb) AS r(rule_code text, subject_key text, official_id bigint,
       organisation_id bigint, period text, {COLUMNS})
ON CONFLICT (rule_code, subject_key, period) DO NOTHING
"""
UPDATE_SQL = f"""
UPDATE accountability_alert a
   SET rule_label = r.rule_label, unit_id = r.unit_id, value = r.value, threshold = r.threshold,
       measure = r.measure, numerator = r.numerator, denominator = r.denominator, evidence = r.evidence,
       targets = r.targets, action = r.action, severity = r.severity, status = r.status,
       last_run_id = %(run)s, updated_at = now()
  FROM jsonb_to_recordset(%(rows)s::jsonb) AS r(id bigint, status text, {COLUMNS})
 WHERE a.id = r.id
"""
GONE_SQL = f"""
UPDATE accountability_alert
   SET status = '{AlertStatus.NO_LONGER_HOLDS.value}', last_run_id = %(run)s, updated_at = now()
 WHERE id = ANY(%(ids)s)
"""


def _record(run: RuleRun, found: list[Triggered], year: int, root: str):
    """Compare with the year's alerts and write in three statements, whatever the number of alerts
    (rows travel as one JSON parameter). Returns every alert's status and the keys new or changed."""
    existing = {
        (a["rule_code"], a["subject_key"], a["period"]): a
        for a in Alert.objects.select_for_update()
        .filter(year=year, unit__code__startswith=root)
        .values("id", "rule_code", "subject_key", "period", "status", *COMPARED)
    }
    new, changed, seen = [], [], set()
    for t in found:
        key = (t.rule_code, t.subject_key, t.period)
        seen.add(key)
        values = _fields(t)
        alert = existing.get(key)
        if alert is None:
            new.append(
                {
                    "rule_code": t.rule_code,
                    "subject_key": t.subject_key,
                    "official_id": t.official_id,
                    "organisation_id": t.organisation_id,
                    "period": t.period,
                    **values,
                }
            )
        elif alert["status"] == AlertStatus.NO_LONGER_HOLDS or any(
            _normal(alert[name]) != _normal(values[name]) for name in COMPARED
        ):
            status = AlertStatus.OPEN if alert["status"] == AlertStatus.NO_LONGER_HOLDS else alert["status"]
            changed.append({"id": alert["id"], "status": status, **values})
            alert["status"] = status
    gone = [a["id"] for key, a in existing.items() if key not in seen and a["status"] == AlertStatus.OPEN]
    bind_context_to_transaction()
    with connection.cursor() as cursor:
        if new:
            cursor.execute(INSERT_SQL, {"year": year, "run": run.pk, "rows": _json(new)})
        if changed:
            cursor.execute(UPDATE_SQL, {"run": run.pk, "rows": _json(changed)})
        if gone:
            cursor.execute(GONE_SQL, {"run": run.pk, "ids": gone})
    run.created, run.updated, run.no_longer = len(new), len(changed), len(gone)
    run.unchanged = len(found) - len(new) - len(changed)
    statuses = {key: a["status"] for key, a in existing.items()}
    statuses.update({key: AlertStatus.NO_LONGER_HOLDS for key, a in existing.items() if a["id"] in set(gone)})
    statuses.update({(r["rule_code"], r["subject_key"], r["period"]): AlertStatus.OPEN for r in new})
    fresh = {(r["rule_code"], r["subject_key"], r["period"]) for r in new}
    fresh |= {key for key, a in existing.items() if a["id"] in {c["id"] for c in changed}}
    return statuses, fresh


def _json(rows: list[dict]) -> str:
    return json.dumps(rows, cls=DjangoJSONEncoder, ensure_ascii=False)


def _normal(value):
    if isinstance(value, Decimal):
        return value.normalize()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return Decimal(value).normalize()
    return value


def _send_digests(run: RuleRun, alerts: list[Triggered]) -> int:
    """One message per recipient per run: the targeted officials with a login, and the poverty office
    one level up from the alert's unit."""
    if not alerts:
        return 0
    official_ids = {x["official"] for t in alerts for x in t.evidence["targets"] if x.get("official")}
    users_of = dict(
        Official.objects.filter(pk__in=official_ids, user__is_active=True).values_list("pk", "user")
    )
    parents = {t.unit_code: _parent_code(t.unit_code) for t in alerts}
    offices = defaultdict(list)
    for user_id, code in User.objects.filter(
        is_active=True, jurisdiction_id__in=set(parents.values()), groups__name__in=OFFICE_ROLES
    ).values_list("pk", "jurisdiction_id"):
        offices[code].append(user_id)
    # units by name (issue 18 §6: a 12-digit code tells a reader nothing)
    names = dict(AdminUnit.objects.filter(code__in=set(parents)).values_list("code", "name"))
    lines_for: dict[int, list[str]] = defaultdict(list)
    for t in alerts:
        unit = names.get(t.unit_code, t.unit_code)
        line = f"· {t.rule_code} {t.rule.label}（{t.period}，{unit}）：{t.rule.action}"
        recipients = {users_of[x["official"]] for x in t.evidence["targets"] if x.get("official") in users_of}
        recipients |= set(offices.get(parents[t.unit_code], []))
        for user_id in recipients:
            lines_for[user_id].append(line)
    return notifications_send(
        recipients=User.objects.filter(pk__in=list(lines_for)).only("pk", "email"),
        kind="rule_digest",
        dedupe_key=f"rule-run:{run.pk}",
        link="/alerts/",
        messages={
            user_id: (
                f"问责预警：{len(lines)} 项（{run.year} 年度）",
                "本次规则运行新增或变化的预警：\n" + "\n".join(lines),
            )
            for user_id, lines in lines_for.items()
        },
    )


def _parent_code(code: str) -> str:
    return parent_code(code, level_of_code(code)) or code
