"""Writes of the assessment: rounds and their steps, the sample, results in versions, reports."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.db.models.functions import Substr

from accountability.access.guards import require_in_jurisdiction, require_permission
from accountability.cases.selectors import veto_for
from accountability.hierarchy.models import LEVEL_ORDER, SIGNIFICANT_DIGITS
from accountability.models import AccountabilityCase, AdminLevel, AdminUnit
from accountability.rules.frames import frame_provider
from accountability.rules.metrics import METRICS
from accountability.rules.problems import RaisedProblem, problems_receivable, raise_problems
from assessment import rules
from assessment.models import (
    AssessmentReport,
    AssessmentResult,
    AssessmentRound,
    Dimension,
    EnteredValue,
    Indicator,
    IndicatorSystem,
    OmittedFamily,
    ReportStatus,
    ReportTemplate,
    RoundStep,
    SampleHousehold,
    SourceKind,
)
from assessment.presets import HELPING_INDICATORS, ensure_default_system


def _guard(actor, permission: str, code: str) -> None:
    """The actor's permission and jurisdiction (accountability/access/guards.py); ``None`` is the
    command line, run by the operator."""
    if actor is None:
        return
    require_permission(actor, permission)
    require_in_jurisdiction(actor, code)


#: facts the core itself owns (the assessment may read the core, not the apps)
CORE_METRICS = ("accountability_cases",)


# --- the indicator system in force ------------------------------------------------------------


def system_for(unit: AdminUnit, day: dt.date) -> IndicatorSystem:
    """The version governing ``unit`` on ``day``: the most specific jurisdiction's latest version
    in force (as accountability/profiles.py decides for policy profiles); the shipped default is
    installed when there is none."""
    best: tuple[int, dt.date, IndicatorSystem] | None = None
    for system in IndicatorSystem.objects.select_related("jurisdiction").filter(effective_from__lte=day):
        prefix = system.jurisdiction.prefix if system.jurisdiction_id else ""
        if not unit.code.startswith(prefix):
            continue
        key = (len(prefix), system.effective_from)
        if best is None or key > best[:2]:
            best = (*key, system)
    return best[2] if best else ensure_default_system()


def subject_level(unit: AdminUnit) -> str:
    """下考一级: the level a unit assesses (the city its counties, a county its townships …)."""
    if unit.level == AdminLevel.VILLAGE:
        raise ValidationError("村不组织成效考核（下考一级：乡镇考核村）")
    return LEVEL_ORDER[LEVEL_ORDER.index(AdminLevel(unit.level)) + 1]


# --- rounds and steps ------------------------------------------------------------------------


@transaction.atomic
def round_open(*, unit: AdminUnit, year: int, actor, seed: str = "") -> AssessmentRound:
    """The round of ``unit`` for ``year``, created with the system in force on the cut-off day
    (31 December), a recorded random seed and the dated steps when it does not exist yet."""
    _guard(actor, "assessment.view_assessmentround", unit.code)
    subject_level(unit)
    existing = AssessmentRound.objects.filter(unit=unit, year=year).first()
    if existing:
        return existing
    _guard(actor, "assessment.add_assessmentround", unit.code)
    cutoff = dt.date(year, 12, 31)
    system = system_for(unit, cutoff)
    round_ = AssessmentRound.objects.create(
        unit=unit,
        year=year,
        system=system,
        cutoff=cutoff,
        seed=seed or secrets.token_hex(16),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    RoundStep.objects.bulk_create(
        RoundStep(round=round_, order=i, code=plan.code, label=plan.label, due=plan.due)
        for i, plan in enumerate(rules.step_plan(system.steps, year), start=1)
    )
    return round_


@transaction.atomic
def round_step_complete(*, step: RoundStep, done_on: dt.date, actor, note: str = "") -> RoundStep:
    """Record a step as done on ``done_on``; the steps go in order (003 Art. 7)."""
    step = RoundStep.objects.select_for_update().select_related("round").get(pk=step.pk)
    _guard(actor, "assessment.change_roundstep", step.round.unit_id)
    if step.done_on:
        raise ValidationError(f"“{step.label}”已于 {step.done_on} 完成")
    earlier = RoundStep.objects.filter(round_id=step.round_id, order__lt=step.order, done_on=None)
    if earlier.exists():
        raise ValidationError(f"须先完成“{earlier.order_by('order').first().label}”")
    if done_on < dt.date(step.round.year, 1, 1):
        raise ValidationError("完成日期早于考核年度")
    step.done_on = done_on
    step.note = note
    step.save(update_fields=["done_on", "note"])
    return step


def problems_of(result: AssessmentResult, *, fed_back_on: dt.date, actor=None) -> list[RaisedProblem]:
    """Art. 9: each Art. 8 problem of a unit as a talk with its principal leaders and a rectification
    deadline (the system's months after the feedback)."""
    round_ = result.round
    deadline = rules.months_after(fed_back_on, Params.of(result.inputs).rectification_months)
    problems = []
    for row in result.rows:
        for trigger in row["problems"]:
            problems.append(
                RaisedProblem(
                    key=f"assessment:{round_.pk}:{row['code']}:{trigger}",
                    source="assessment",
                    unit_code=row["code"],
                    year=round_.year,
                    category=trigger,
                    title=rules.TRIGGERS[trigger],
                    detail=f"{round_.year} 年度成效考核（第 {result.version} 版结果）：{row['name']}"
                    f"总分 {row['total']}，等次 {row['grade']}",
                    talk=True,
                    rectify_by=deadline,
                    raised_on=fed_back_on,
                    raised_by=round_.unit_id,
                    actor_id=getattr(actor, "pk", None),
                )
            )
    return problems


@transaction.atomic
def round_feedback(*, round_: AssessmentRound, done_on: dt.date, actor, note: str = "") -> tuple[int, bool]:
    """结果反馈 (Art. 7 (六), Art. 9): complete the feedback step and hand the latest result's problems
    to the follow-up contract of the core (accountability/rules/problems.py). Returns how many were recorded
    and whether any app receives them."""
    _guard(actor, "assessment.change_roundstep", round_.unit_id)
    step = RoundStep.objects.filter(round=round_, code="feedback").first()
    result = AssessmentResult.objects.filter(round=round_).order_by("-version").first()
    if result is None:
        raise ValidationError("尚未计算考核结果，不能反馈")
    if step is not None:
        round_step_complete(step=step, done_on=done_on, actor=actor, note=note)
    return raise_problems(problems_of(result, fed_back_on=done_on, actor=actor)), problems_receivable()


# --- sample ------------------------------------------------------------------------------------


@transaction.atomic
def sample_draw(*, round_: AssessmentRound, actor) -> int:
    """Draw the round's verification sample from the registry's frame (accountability/rules/frames.py)
    with the round's recorded seed and the system's rate and strata; the draw is reproducible. Refused
    once results have been imported into it (a new draw would discard them)."""
    round_ = AssessmentRound.objects.select_for_update().select_related("system", "unit").get(pk=round_.pk)
    _guard(actor, "assessment.add_samplehousehold", round_.unit_id)
    provider = frame_provider("households")
    if provider is None:
        raise ValidationError("没有可用的抽样框（建档立卡模块未安装），无法抽样")
    existing = SampleHousehold.objects.filter(round=round_)
    if existing.exclude(verdict="").exists() or OmittedFamily.objects.filter(round=round_).exists():
        raise ValidationError("已导入核查结果，不能重新抽样")
    system = round_.system
    frame = provider.function(year=round_.year, root=round_.unit.prefix)
    drawn = rules.draw_sample(
        frame,
        seed=round_.seed,
        percent=system.sample_percent,
        minimum=system.sample_minimum,
        dimensions=system.strata or ["village", "status"],
    )
    existing.delete()
    SampleHousehold.objects.bulk_create(
        SampleHousehold(
            round=round_,
            household_key=d.household.key,
            number=d.household.number,
            village_id=d.household.village,
            head_name=d.household.head_name,
            members=d.household.members,
            status=d.household.status,
            status_label=d.household.status_label,
            exited=d.household.exit_year == round_.year and d.household.status == "exited",
            cadre_name=d.household.cadre_name,
            stratum=d.stratum,
            stratum_size=d.stratum_size,
            draw_rank=d.rank,
        )
        for d in drawn
    )
    return len(drawn)


def sample_rates_by_subject(round_: AssessmentRound, prefixes: list[str]) -> dict[str, rules.SampleRates]:
    """The sample's rates for each subtree prefix (two queries)."""
    checked = list(
        SampleHousehold.objects.filter(round=round_).values_list(
            "village_id", "exited", "verdict", "satisfaction"
        )
    )
    omitted = list(OmittedFamily.objects.filter(round=round_).values_list("village_id", flat=True))
    result = {}
    for prefix in prefixes:
        rows = [rules.Checked(e, v, s) for village, e, v, s in checked if village.startswith(prefix)]
        result[prefix] = rules.sample_rates(rows, sum(1 for v in omitted if v.startswith(prefix)))
    return result


# --- results -----------------------------------------------------------------------------------


def _core_metric(name: str, *, year: int, level: str, root: str) -> dict[str, Decimal]:
    if name == "accountability_cases":  # cases decided about the units of the subtree for the year
        digits = SIGNIFICANT_DIGITS[level]
        return {
            head: Decimal(n)
            for head, n in AccountabilityCase.objects.filter(unit__code__startswith=root, year=year)
            .annotate(head=Substr("unit_id", 1, digits))
            .order_by()
            .values("head")
            .annotate(n=Count("pk"))
            .values_list("head", "n")
        }
    raise LookupError(name)


def metric_values(name: str, *, year: int, level: str, root: str) -> dict[str, Decimal] | None:
    """A registered metric's values by subject prefix, or None when no app registered it."""
    if name in CORE_METRICS:
        return _core_metric(name, year=year, level=level, root=root)
    registered = METRICS.get(name)
    if registered is None:
        return None
    return {
        subject: fact.value
        for subject, fact in registered.function(year=year, level=level, root=root).items()
    }


def _percent(rate: rules.Rate) -> Decimal | None:
    return rate.percent() if rate.trials else None


def _rate_json(rate: rules.Rate) -> dict:
    return {
        "successes": rate.successes,
        "trials": rate.trials,
        "percent": None if not rate.trials else str(rate.percent()),
        "low": None if not rate.trials else str(rate.percent("low")),
        "high": None if not rate.trials else str(rate.percent("high")),
    }


@dataclass(frozen=True)
class Params:
    """The indicator system's parameters as stored with a result version (the system may be edited
    later; a version is scored and reported with the parameters it was computed with)."""

    name: str
    effective_from: str
    no_source_rule: str
    no_source_label: str
    grade_bands: list
    veto_grade: str
    accuracy_floor: Decimal
    satisfaction_floor: Decimal
    sample_percent: Decimal
    sample_minimum: int
    rectification_months: int

    @classmethod
    def of(cls, inputs: dict) -> Params:
        p = inputs["params"]
        return cls(
            p["name"],
            p["effective_from"],
            p["no_source_rule"],
            p["no_source_label"],
            p["grade_bands"],
            p["veto_grade"],
            Decimal(p["accuracy_floor"]),
            Decimal(p["satisfaction_floor"]),
            Decimal(p["sample_percent"]),
            p["sample_minimum"],
            p["rectification_months"],
        )


def params_of(system: IndicatorSystem) -> dict:
    return {
        "name": system.name,
        "effective_from": str(system.effective_from),
        "no_source_rule": system.no_source_rule,
        "no_source_label": str(system.get_no_source_rule_display()),
        "grade_bands": system.grade_bands,
        "veto_grade": system.veto_grade,
        "accuracy_floor": str(system.accuracy_floor_percent),
        "satisfaction_floor": str(system.satisfaction_floor_percent),
        "sample_percent": str(system.sample_percent),
        "sample_minimum": system.sample_minimum,
        "rectification_months": system.rectification_months,
    }


def gather_inputs(round_: AssessmentRound) -> dict:
    """Every value the scores are computed from, as JSON-able data (stored with each version)."""
    unit, year = round_.unit, round_.year
    level = subject_level(unit)
    digits = SIGNIFICANT_DIGITS[level]
    subjects = list(AdminUnit.objects.filter(parent=unit).order_by("code").values_list("code", "name"))
    prefixes = {code: code[:digits] for code, _name in subjects}
    own = unit.prefix
    indicators = list(Indicator.objects.filter(system=round_.system).order_by("order", "code"))
    entered = {
        (subject, code): value
        for subject, code, value in EnteredValue.objects.filter(round=round_).values_list(
            "subject_id", "indicator_code", "value"
        )
    }
    rates = sample_rates_by_subject(round_, [*prefixes.values(), own])
    cache: dict[tuple[str, str], dict[str, Decimal] | None] = {}

    def metric_for(name: str, for_level: str) -> dict[str, Decimal] | None:
        if (name, for_level) not in cache:
            try:
                cache[(name, for_level)] = metric_values(name, year=year, level=for_level, root=own)
            except KeyError:  # a metric computed for some levels only (the city's own figures)
                cache[(name, for_level)] = {}
        return cache[(name, for_level)]

    def values_of(code: str, prefix: str, for_level: str) -> dict[str, list]:
        out = {}
        for ind in indicators:
            state, value = rules.NO_SOURCE, None
            if ind.source == SourceKind.ENTERED:
                value = entered.get((code, ind.code))
                state = rules.SCORED if value is not None else rules.NO_DATA
            elif ind.source == SourceKind.SAMPLE:
                rate = getattr(rates[prefix], ind.metric, None)
                value = _percent(rate) if rate is not None else None
                state = rules.SCORED if value is not None else rules.NO_DATA
            else:
                found = metric_for(ind.metric, for_level)
                if found is not None:
                    value = found.get(prefix, ind.missing_value)
                    state = rules.SCORED if value is not None else rules.NO_DATA
            out[ind.code] = [state, None if value is None else str(value)]
        return out

    subject_rows = {}
    for code, name in subjects:
        prefix = prefixes[code]
        subject_rows[code] = {
            "name": name,
            "values": values_of(code, prefix, level),
            "rates": {k: _rate_json(v) for k, v in rates[prefix].as_dict().items()},
            "sampled": rates[prefix].sampled,
            "checked": rates[prefix].checked,
            "veto": None,
            "exit_task": None,
        }
        subject_unit = AdminUnit(code=code, name=name, level=level)
        veto = veto_for(subject_unit, year)
        if veto is not None:
            subject_rows[code]["veto"] = veto.get_ground_display() or "一票否决"
    progress = metric_values("persons_exited_progress", year=year, level=level, root=own) or {}
    for code in subject_rows:
        value = progress.get(prefixes[code])
        subject_rows[code]["exit_task"] = None if value is None else str(value)
    own_row = {
        "name": unit.name,
        "values": values_of(unit.code, own, unit.level),
        "rates": {k: _rate_json(v) for k, v in rates[own].as_dict().items()},
        "sampled": rates[own].sampled,
        "checked": rates[own].checked,
    }
    inputs = {
        "round": round_.pk,
        "year": year,
        "unit": unit.code,
        "system": round_.system_id,
        "params": params_of(round_.system),
        "seed": round_.seed,
        "subject_level": level,
        "subjects": subject_rows,
        "own": own_row,
        "indicators": [
            {
                "code": i.code,
                "dimension": i.dimension,
                "label": i.label,
                "points": str(i.points),
                "source": i.source,
                "metric": i.metric,
                "full_at": str(i.full_at),
                "zero_at": str(i.zero_at),
            }
            for i in indicators
        ],
    }
    helping = gather_helping(round_, metric_for)
    if helping:  # only then: the inputs (and their digest) of rounds without helping units are unchanged
        inputs.update(helping)
    return inputs


# --- helping units (帮扶单位, C3-24; E-10) ---------------------------------------------------------


def helping_indicators_of(system: IndicatorSystem) -> list[dict]:
    return list(system.helping_indicators or HELPING_INDICATORS)


def gather_helping(round_: AssessmentRound, metric_for) -> dict:
    """The helping units the round's unit assesses — the organisations of kind 包保单位 attached to
    the unit itself (the city's units for the city, a county's for the county) that paired a village
    during the year — with their indicator values over those villages. ``{}`` when there are none."""
    from accountability.models import HelpingUnitPairing, Organisation

    unit, year = round_.unit, round_.year
    if unit.level not in (AdminLevel.CITY, AdminLevel.COUNTY):
        return {}
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    pairings = (
        HelpingUnitPairing.objects.overlapping(start, end)
        .filter(organisation__unit=unit, organisation__kind="helping_unit")
        .values_list("organisation_id", "village_id")
    )
    villages: dict[int, set[str]] = {}
    for organisation, village in pairings:
        villages.setdefault(organisation, set()).add(village)
    if not villages:
        return {}
    names = dict(Organisation.objects.filter(pk__in=villages).values_list("pk", "name"))
    indicators = helping_indicators_of(round_.system)
    checked = list(
        SampleHousehold.objects.filter(round=round_).values_list(
            "village_id", "exited", "verdict", "satisfaction"
        )
    )
    omitted = list(OmittedFamily.objects.filter(round=round_).values_list("village_id", flat=True))
    subjects = {}
    for organisation in sorted(villages):
        paired = villages[organisation]
        rates = rules.sample_rates(
            [rules.Checked(e, v, s) for village, e, v, s in checked if village in paired],
            sum(1 for v in omitted if v in paired),
        )
        values = {}
        for ind in indicators:
            state, value = rules.NO_SOURCE, None
            if ind["source"] == "sample":
                rate = getattr(rates, ind["metric"], None)
                value = _percent(rate) if rate is not None else None
                state = rules.SCORED if value is not None else rules.NO_DATA
            else:
                found = metric_for(ind["metric"], AdminLevel.VILLAGE)
                if found is not None:
                    missing = ind.get("missing_value")
                    parts = [
                        found.get(v, None if missing is None else Decimal(missing)) for v in sorted(paired)
                    ]
                    known = [p for p in parts if p is not None]
                    value = sum(known, Decimal(0)) if known else None
                    state = rules.SCORED if value is not None else rules.NO_DATA
            values[ind["code"]] = [state, None if value is None else str(value)]
        subjects[str(organisation)] = {
            "name": names[organisation],
            "villages": sorted(paired),
            "values": values,
            "sampled": rates.sampled,
            "checked": rates.checked,
        }
    return {"helping": subjects, "helping_indicators": indicators}


def score_helping(inputs: dict) -> list[dict]:
    """The helping units' rows from the stored inputs (pure), ranked among themselves."""
    if not inputs.get("helping"):
        return []
    params = Params.of(inputs)
    specs = [
        rules.IndicatorSpec(
            i["code"],
            Dimension.ASSISTANCE,
            i["label"],
            Decimal(i["points"]),
            Decimal(i["full_at"]),
            Decimal(i["zero_at"]),
        )
        for i in inputs["helping_indicators"]
    ]
    scores = {
        key: rules.score_subject(
            key,
            specs,
            {c: (state, None if v is None else Decimal(v)) for c, (state, v) in row["values"].items()},
            no_source_rule=params.no_source_rule,
        )
        for key, row in inputs["helping"].items()
    }
    ranks = rules.rank({key: s.total for key, s in scores.items()})
    rows = [
        {
            "organisation": key,
            "name": row["name"],
            "villages": row["villages"],
            "total": str(scores[key].total),
            "grade": rules.grade_for(
                scores[key].total, params.grade_bands, vetoed=False, veto_grade=params.veto_grade
            ),
            "rank": ranks[key],
            "indicators": {
                s.code: {
                    "value": None if s.value is None else str(s.value),
                    "state": s.state,
                    "score": None if s.score is None else str(s.score),
                }
                for s in scores[key].indicators
            },
        }
        for key, row in inputs["helping"].items()
    ]
    rows.sort(key=lambda r: (r["rank"], r["name"]))
    return rows


def score_inputs(inputs: dict) -> list[dict]:
    """The result rows from the stored inputs (pure: the same inputs give the same rows)."""
    params = Params.of(inputs)
    specs = [
        rules.IndicatorSpec(
            i["code"],
            i["dimension"],
            i["label"],
            Decimal(i["points"]),
            Decimal(i["full_at"]),
            Decimal(i["zero_at"]),
        )
        for i in inputs["indicators"]
    ]

    def parsed(values: dict) -> dict:
        return {code: (state, None if v is None else Decimal(v)) for code, (state, v) in values.items()}

    scores = {
        code: rules.score_subject(code, specs, parsed(row["values"]), no_source_rule=params.no_source_rule)
        for code, row in inputs["subjects"].items()
    }
    vetoed = [code for code, row in inputs["subjects"].items() if row["veto"]]
    ranks = rules.rank({code: s.total for code, s in scores.items()}, vetoed)
    rows = []
    for code, row in inputs["subjects"].items():
        score = scores[code]
        rates = row["rates"]

        def pct(name: str, rates: dict = rates) -> Decimal | None:
            return None if rates[name]["percent"] is None else Decimal(rates[name]["percent"])

        found = rules.problems(
            rules.TriggerFacts(
                exit_task_done_percent=None if row["exit_task"] is None else Decimal(row["exit_task"]),
                identification_accuracy=pct("identification_accuracy"),
                exit_accuracy=pct("exit_accuracy"),
                satisfaction=pct("satisfaction"),
                wrong_exits=rates["wrong_exit_rate"]["successes"],
            ),
            accuracy_floor=params.accuracy_floor,
            satisfaction_floor=params.satisfaction_floor,
        )
        rows.append(
            {
                "code": code,
                "name": row["name"],
                "total": str(score.total),
                "grade": rules.grade_for(
                    score.total, params.grade_bands, vetoed=bool(row["veto"]), veto_grade=params.veto_grade
                ),
                "rank": ranks[code],
                "veto": row["veto"],
                "dimensions": {d: str(v) for d, v in score.by_dimension.items()},
                "indicators": {
                    s.code: {
                        "value": None if s.value is None else str(s.value),
                        "state": s.state,
                        "score": None if s.score is None else str(s.score),
                    }
                    for s in score.indicators
                },
                "rates": rates,
                "problems": found,
            }
        )
    rows.sort(key=lambda r: (r["rank"], r["code"]))
    return rows


def digest_of(inputs: dict) -> str:
    return hashlib.sha256(json.dumps(inputs, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def differences(previous: list[dict], current: list[dict]) -> list[dict]:
    """What changed from one version to the next, per unit: total, grade, rank, indicator values."""
    before = {r["code"]: r for r in previous}
    changes = []
    for row in current:
        old = before.get(row["code"])
        if old is None:
            changes.append(
                {"code": row["code"], "name": row["name"], "field": "新增单位", "from": "", "to": ""}
            )
            continue
        for field, label in (("total", "总分"), ("grade", "等次"), ("rank", "排名")):
            if old[field] != row[field]:
                changes.append(
                    {
                        "code": row["code"],
                        "name": row["name"],
                        "field": label,
                        "from": old[field],
                        "to": row[field],
                    }
                )
        for code, ind in row["indicators"].items():
            was = old["indicators"].get(code, {}).get("value")
            if was != ind["value"]:
                changes.append(
                    {"code": row["code"], "name": row["name"], "field": code, "from": was, "to": ind["value"]}
                )
    return changes


@transaction.atomic
def result_compute(*, round_: AssessmentRound, actor) -> tuple[AssessmentResult, bool]:
    """Compute the round's results. When the inputs are those of the latest version, that version
    is returned unchanged (False); otherwise the next version is stored with its differences (True).
    Results are never overwritten."""
    round_ = AssessmentRound.objects.select_for_update().select_related("unit", "system").get(pk=round_.pk)
    _guard(actor, "assessment.add_assessmentresult", round_.unit_id)
    inputs = gather_inputs(round_)
    digest = digest_of(inputs)
    latest = AssessmentResult.objects.filter(round=round_).order_by("-version").first()
    if latest is not None and latest.inputs_digest == digest:
        return latest, False
    rows = score_inputs(inputs)
    result = AssessmentResult.objects.create(
        round=round_,
        version=(latest.version + 1) if latest else 1,
        inputs_digest=digest,
        inputs=inputs,
        rows=rows,
        helping_rows=score_helping(inputs),
        changes=differences(latest.rows, rows) if latest else [],
        computed_by=actor if getattr(actor, "pk", None) else None,
    )
    return result, True


# --- reports -----------------------------------------------------------------------------------


@transaction.atomic
def report_request(*, result: AssessmentResult, unit: AdminUnit, format: str, actor) -> AssessmentReport:
    """Queue a report of ``result`` (generated by a Celery task after the commit)."""
    from assessment.tasks import generate_report

    _guard(actor, "assessment.add_assessmentreport", unit.code)
    report = AssessmentReport.objects.create(
        result=result,
        unit=unit,
        format=format,
        template=report_template_for(unit) if format == "docx" else None,
        generated_by=actor if getattr(actor, "pk", None) else None,
    )
    transaction.on_commit(lambda: generate_report.delay(report.pk))
    return report


def report_generate(report_id: int) -> AssessmentReport:
    """Render a queued report (idempotent: a report already generated is left as it is)."""
    from assessment import reports

    report = AssessmentReport.objects.select_related("result__round__unit", "unit", "template").get(
        pk=report_id
    )
    if report.status == ReportStatus.DONE:
        return report

    def progress(percent: int) -> None:
        AssessmentReport.objects.filter(pk=report.pk).update(status=ReportStatus.RUNNING, progress=percent)

    try:
        template = bytes(report.template.content) if report.template else None
        content = reports.render(report.result, report.format, progress=progress, template=template)
    except Exception as error:  # the user sees that it failed, the log has the traceback
        AssessmentReport.objects.filter(pk=report.pk).update(
            status=ReportStatus.FAILED, error=f"生成失败：{type(error).__name__}"
        )
        raise
    AssessmentReport.objects.filter(pk=report.pk).update(
        status=ReportStatus.DONE, progress=100, content=content
    )
    report.refresh_from_db()
    return report


# --- the office's Word template ----------------------------------------------------------------

#: an upload larger than this is refused (a letterhead with a logo stays well below)
TEMPLATE_MAX_BYTES = 5 * 1024 * 1024


def report_template_for(unit: AdminUnit) -> ReportTemplate | None:
    """The Word template governing ``unit``'s reports: the latest one uploaded for the unit or, failing
    that, for its nearest ancestor; None is the built-in template."""
    codes = [unit.code, *reversed(unit.ancestor_codes())]  # nearest first
    latest: dict[str, ReportTemplate] = {}
    for template in ReportTemplate.objects.filter(unit_id__in=codes).order_by("uploaded_at", "pk"):
        latest[template.unit_id] = template  # the later upload wins
    return next((latest[code] for code in codes if code in latest), None)


@transaction.atomic
def report_template_upload(
    *, unit: AdminUnit, name: str, content: bytes, actor, note: str = ""
) -> ReportTemplate:
    """Store an office's Word template for ``unit`` after checking that it renders (sandboxed)."""
    from accountability.platform.documents import TemplateProblem
    from assessment import reports

    _guard(actor, "assessment.add_reporttemplate", unit.code)
    if not content:
        raise ValidationError("请选择模板文件")
    if len(content) > TEMPLATE_MAX_BYTES:
        raise ValidationError(f"模板文件不能超过 {TEMPLATE_MAX_BYTES // (1024 * 1024)} MB")
    if not name.lower().endswith(".docx"):
        raise ValidationError("模板须为 Word 文件（.docx）")
    try:
        reports.template_check(content)
    except TemplateProblem as problem:
        raise ValidationError(str(problem)) from None
    return ReportTemplate.objects.create(
        unit=unit,
        name=name[-200:],
        content=content,
        note=note[:300],
        uploaded_by=actor if getattr(actor, "pk", None) else None,
    )


# --- the dashboard's figures, computed ahead by the worker ----------------------------------------


def dashboard_warm(*, year: int | None = None) -> int:
    """Compute every dashboard metric for every unit of every level below the city, once per level
    (set-based: one call of the metric over the whole city), and keep them in the cache for
    ``DASHBOARD_WARM_SECONDS`` — the dashboard then reads them instead of computing on a visit
    (a million persons: a minute of work for the worker, not for the first visitor). Returns the
    number of (metric, level) snapshots written. Run by beat (``assessment.warm_dashboard``)."""
    from django.conf import settings
    from django.core.cache import cache
    from django.utils import timezone

    from assessment.selectors import METRIC_TILES, warm_key

    seconds = settings.DASHBOARD_WARM_SECONDS
    if not seconds:
        return 0
    year = year or timezone.localdate().year
    roots = [city.prefix for city in AdminUnit.objects.filter(level=AdminLevel.CITY).only("code", "level")]
    written = 0
    for _code, _label, name in METRIC_TILES:
        if name not in METRICS:
            continue
        for level in LEVEL_ORDER[1:]:
            values: dict[str, str] = {}
            for root in roots:
                try:
                    facts = METRICS[name].function(year=year, level=level, root=root)
                except KeyError:  # a metric computed for some levels only
                    facts = {}
                values.update({subject: str(fact.value) for subject, fact in facts.items()})
            cache.set(warm_key(name, year, level), {"values": values}, seconds)
            written += 1
    cache.set(f"assessment:dashboard:warm:{year}:at", timezone.now().isoformat(), seconds)
    return written
