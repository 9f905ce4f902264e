"""The assessment report of a round's result version, in Word, Excel and HTML.

Everything a report states comes from the stored result version (its inputs and rows), so that
regenerating the same version reproduces the same numbers. The unit's own figures are scored from
the stored inputs with the same pure rules as its subordinates'.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from accountability.models import AdminLevel
from accountability.platform import xlsx
from assessment import rules
from assessment.charts import WEB_FONTS, Chart, png
from assessment.models import AssessmentResult, Dimension, SampleHousehold, SampleRate
from assessment.services import Params

LEVEL_NAMES = {AdminLevel.COUNTY: "县（区）", AdminLevel.TOWNSHIP: "乡镇", AdminLevel.VILLAGE: "村"}
DIMENSIONS = [(str(v), str(label)) for v, label in Dimension.choices]
RATE_LABELS = [(str(v), str(label)) for v, label in SampleRate.choices]
SECTIONS = ["一、基本情况", "二、指标分析", "三、存在问题", "四、综合评价", "五、处理建议"]


@dataclass(frozen=True)
class ReportData:
    result: AssessmentResult
    title: str
    unit_name: str
    year: int
    version: int
    subject_level: str
    indicators: list[dict]
    rows: list[dict]  # subjects, ranked
    own: dict  # the unit's own figures: total, dimensions, indicators, rates
    system: Params
    paragraphs: dict[str, list[str]]  # section → paragraphs
    helping: list[dict]  # the helping units' rows, ranked (C3-24)
    helping_indicators: list[dict]

    @property
    def dimension_labels(self) -> list[tuple[str, str]]:
        return DIMENSIONS


def _own_score(result: AssessmentResult, system: Params) -> dict:
    inputs = result.inputs
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
    values = {
        code: (state, None if v is None else Decimal(v))
        for code, (state, v) in inputs["own"]["values"].items()
    }
    score = rules.score_subject(inputs["unit"], specs, values, no_source_rule=system.no_source_rule)
    return {
        "code": inputs["unit"],
        "name": inputs["own"]["name"],
        "total": str(score.total),
        "dimensions": {d: str(v) for d, v in score.by_dimension.items()},
        "indicators": {
            s.code: {
                "value": None if s.value is None else str(s.value),
                "state": s.state,
                "score": None if s.score is None else str(s.score),
            }
            for s in score.indicators
        },
        "rates": inputs["own"]["rates"],
        "sampled": inputs["own"]["sampled"],
        "checked": inputs["own"]["checked"],
    }


def _rate_text(rate: dict) -> str:
    if rate["percent"] is None:
        return "无样本"
    interval = f"95% 置信区间 {rate['low']}%–{rate['high']}%"
    return f"{rate['percent']}%（{interval}，{rate['successes']}/{rate['trials']}）"


def build(result: AssessmentResult) -> ReportData:
    round_ = result.round
    inputs = result.inputs
    system = Params.of(inputs)
    level_name = LEVEL_NAMES.get(inputs["subject_level"], "单位")
    own = _own_score(result, system)
    rows = result.rows
    indicators = inputs["indicators"]
    no_source = [i["label"] for i in indicators if own["indicators"][i["code"]]["state"] == rules.NO_SOURCE]
    grades: dict[str, int] = {}
    for row in rows:
        grades[row["grade"]] = grades.get(row["grade"], 0) + 1
    problems = [
        f"{row['name']}：{'；'.join(rules.TRIGGERS[p] for p in row['problems'])}。"
        for row in rows
        if row["problems"]
    ]
    vetoed = [
        f"{row['name']}：被一票否决（{row['veto']}），等次不高于“{system.veto_grade}”。"
        for row in rows
        if row["veto"]
    ]
    paragraphs = {
        SECTIONS[0]: [
            f"本次考核由{round_.unit.name}组织，"
            f"对所辖 {len(rows)} 个{level_name}的 {round_.year} 年度扶贫开发工作成效进行考核，"
            f"考核指标数据统计截止日期为 {round_.cutoff.year} 年 12 月 31 日。",
            f"考核采用“{system.name}”（{system.effective_from} 起施行），"
            f"设减贫成效、精准识别、精准帮扶、扶贫资金、"
            f"工作责任五个方面 {len(indicators)} 项指标，"
            f"满分 {sum(Decimal(i['points']) for i in indicators)} 分。"
            f"本报告依据第 {result.version} 版考核结果"
            f"（{timezone.localtime(result.computed_at):%Y-%m-%d %H:%M} 计算）。",
            f"抽查核查按村、"
            f"户状态和帮扶责任人分层随机抽取 {own['sampled']} 户（抽样比例 {system.sample_percent}%，"
            f"每层至少 {system.sample_minimum} 户，抽样种子 {inputs['seed']}，"
            f"同一种子抽出的户相同），已核查 {own['checked']} 户。",
            f"{round_.unit.name}本级：识别准确率 {_rate_text(own['rates']['identification_accuracy'])}；"
            f"退出准确率 {_rate_text(own['rates']['exit_accuracy'])}；"
            f"错退率 {_rate_text(own['rates']['wrong_exit_rate'])}；"
            f"漏评率 {_rate_text(own['rates']['omission_rate'])}。",
        ],
        SECTIONS[1]: [
            f"本级综合得分 {own['total']} 分。"
            f"各{level_name}得分、排名见表 1，分项得分见表 2，抽查结果见表 3。",
            *(
                [f"以下指标暂无数据来源，按“{system.no_source_label}”处理：{'、'.join(no_source)}。"]
                if no_source
                else []
            ),
            *(
                [f"同时考核本级包保单位 {len(result.helping_rows)} 个（按其包保村计），得分、排名见表 4。"]
                if result.helping_rows
                else []
            ),
        ],
        SECTIONS[2]: problems + vetoed or ["考核中未发现第八条所列问题。"],
        SECTIONS[3]: [
            "等次分布：" + "，".join(f"{g} {n} 个" for g, n in grades.items()) + "。"
            if grades
            else "无被考核单位。",
            *(
                [f"排名前列：{'、'.join(r['name'] for r in rows if r['rank'] <= 3 and not r['veto'])}。"]
                if rows
                else []
            ),
        ],
        SECTIONS[4]: [
            *(
                f"对{row['name']}党委和政府主要负责人进行约谈，提出限期整改要求，"
                f"整改期限 {system.rectification_months} 个月。"
                for row in rows
                if row["problems"] or row["veto"]
            ),
            "对完成年度减贫任务、成效显著的单位予以通报表扬；考核结果作为领导班子和主要负责人年度综合考核评价的重要依据。",
        ],
    }
    return ReportData(
        result=result,
        title=f"{round_.unit.name}{round_.year}年度扶贫开发工作成效考核报告",
        unit_name=round_.unit.name,
        year=round_.year,
        version=result.version,
        subject_level=level_name,
        indicators=indicators,
        rows=rows,
        own=own,
        system=system,
        paragraphs=paragraphs,
        helping=list(result.helping_rows or []),
        helping_indicators=list(inputs.get("helping_indicators", [])),
    )


# --- tables shared by the three formats ------------------------------------------------------


def _dimension(row: dict, code: str) -> Decimal | str:
    """A dimension's subtotal, or 不计分 when none of its indicators had a value (rule "exclude")."""
    value = row["dimensions"].get(code)
    return Decimal(value) if value is not None else "不计分"


def ranking_table(data: ReportData) -> tuple[list[str], list[list]]:
    header = [
        "排名",
        "单位",
        "行政区划代码",
        "总分",
        *[label for _c, label in DIMENSIONS],
        "等次",
        "一票否决",
    ]
    body = []
    for row in data.rows:
        body.append(
            [
                row["rank"],
                row["name"],
                row["code"],
                Decimal(row["total"]),
                *[_dimension(row, code) for code, _l in DIMENSIONS],
                row["grade"],
                row["veto"] or "",
            ]
        )
    own = data.own
    body.append(
        [
            "—",
            f"{own['name']}（本级）",
            own["code"],
            Decimal(own["total"]),
            *[_dimension(own, code) for code, _l in DIMENSIONS],
            "",
            "",
        ]
    )
    return header, body


def dimension_table(data: ReportData, dimension: str) -> tuple[list[str], list[list]]:
    indicators = [i for i in data.indicators if i["dimension"] == dimension]
    header = ["单位"]
    for i in indicators:
        header += [f"{i['code']} {i['label']}", f"{i['code']} 得分（满分 {i['points']}）"]
    body = []
    for row in [*data.rows, {**data.own, "name": f"{data.own['name']}（本级）"}]:
        line: list = [row["name"]]
        for i in indicators:
            cell = row["indicators"][i["code"]]
            line.append(
                Decimal(cell["value"]) if cell["value"] is not None else rules.STATE_LABELS[cell["state"]]
            )
            line.append(Decimal(cell["score"]) if cell["score"] is not None else "不计分")
        body.append(line)
    return header, body


def helping_table(data: ReportData) -> tuple[list[str], list[list]]:
    """The helping units: rank, name, paired villages, each indicator's value and score, total, grade."""
    header = ["排名", "包保单位", "包保村数"]
    for i in data.helping_indicators:
        header += [f"{i['code']} {i['label']}", f"{i['code']} 得分（满分 {i['points']}）"]
    header += ["总分", "等次"]
    body = []
    for row in data.helping:
        line: list = [row["rank"], row["name"], len(row["villages"])]
        for i in data.helping_indicators:
            cell = row["indicators"][i["code"]]
            line.append(
                Decimal(cell["value"]) if cell["value"] is not None else rules.STATE_LABELS[cell["state"]]
            )
            line.append(Decimal(cell["score"]) if cell["score"] is not None else "不计分")
        line += [Decimal(row["total"]), row["grade"]]
        body.append(line)
    return header, body


def rates_table(data: ReportData) -> tuple[list[str], list[list]]:
    header = ["单位", "抽查户数", "已核查户数"]
    for _code, label in RATE_LABELS:
        header += [f"{label}（%）", "95% 置信下限（%）", "95% 置信上限（%）"]
    body = []
    for row in [*data.rows, {**data.own, "name": f"{data.own['name']}（本级）"}]:
        rates = row["rates"]
        line: list = [
            row["name"],
            data.result.inputs["subjects"].get(row["code"], data.own).get("sampled", 0),
            data.result.inputs["subjects"].get(row["code"], data.own).get("checked", 0),
        ]
        for code, _label in RATE_LABELS:
            rate = rates[code]
            for key in ("percent", "low", "high"):
                line.append(Decimal(rate[key]) if rate[key] is not None else "无样本")
        body.append(line)
    return header, body


def _text(value) -> str:
    return "" if value is None else str(value)


# --- xlsx --------------------------------------------------------------------------------------


def render_xlsx(data: ReportData) -> bytes:
    workbook = xlsx.new_workbook()
    sheet = workbook.active
    sheet.title = "得分与排名"
    xlsx.append_row(sheet, [data.title])
    xlsx.append_row(sheet, [f"第 {data.version} 版结果"])
    header, body = ranking_table(data)
    xlsx.append_row(sheet, header)
    for line in body:
        xlsx.append_row(sheet, line)
    for code, label in DIMENSIONS:
        dim_sheet = workbook.create_sheet(label)
        header, body = dimension_table(data, code)
        xlsx.append_row(dim_sheet, header)
        for line in body:
            xlsx.append_row(dim_sheet, line)
    rates = workbook.create_sheet("抽查结果")
    header, body = rates_table(data)
    xlsx.append_row(rates, header)
    for line in body:
        xlsx.append_row(rates, line)
    if data.helping:
        helping = workbook.create_sheet("帮扶单位")
        header, body = helping_table(data)
        xlsx.append_row(helping, header)
        for line in body:
            xlsx.append_row(helping, line)
    households = workbook.create_sheet("抽查户")
    xlsx.append_row(
        households, ["户编号", "村", "户状态", "抽样层", "层内户数", "核查结论", "满意度", "核查日期"]
    )
    for s in SampleHousehold.objects.filter(round_id=data.result.round_id).order_by("stratum", "draw_rank"):
        xlsx.append_row(
            households,
            [
                s.number,
                s.village_id,
                s.status_label,
                s.stratum,
                s.stratum_size,
                s.get_verdict_display() if s.verdict else "未核查",
                s.get_satisfaction_display() if s.satisfaction else "",
                _text(s.checked_on),
            ],
        )
    return xlsx.to_bytes(workbook)


#: the scripts of the web report, inlined in the standalone file (the application loads them)
INLINED_SCRIPTS = ("vendor/chart.js/chart.umd.min.js", "js/report-charts.js")

# --- html --------------------------------------------------------------------------------------


def report_charts(data: ReportData) -> list[Chart]:
    """The charts of the report (the same in the Word images and the web page's Chart.js)."""
    rows = [*data.rows, {**data.own, "name": f"{data.own['name']}（本级）"}]
    total_points = sum(Decimal(i["points"]) for i in data.indicators)
    charts = [
        Chart(
            key="total",
            title="综合得分",
            labels=[r["name"] for r in rows],
            values=[Decimal(r["total"]) for r in rows],
            maximum=total_points,
            unit="分",
        )
    ]
    for code, title in (("identification_accuracy", "识别准确率"), ("exit_accuracy", "退出准确率")):
        rated = [r for r in rows if r["rates"][code]["percent"] is not None]
        if not rated:
            continue
        charts.append(
            Chart(
                key=code,
                title=f"{title}及其 95% 置信区间",
                labels=[r["name"] for r in rated],
                values=[Decimal(r["rates"][code]["percent"]) for r in rated],
                maximum=Decimal(100),
                unit="%",
                low=[Decimal(r["rates"][code]["low"]) for r in rated],
                high=[Decimal(r["rates"][code]["high"]) for r in rated],
            )
        )
    return charts


def html_context(data: ReportData) -> dict:
    ranking_header, ranking_body = ranking_table(data)
    charts = [chart.as_json() for chart in report_charts(data)]
    chart_data = {"fonts": WEB_FONTS, "charts": charts}
    dimension_tables = []
    for code, label in DIMENSIONS:
        header, body = dimension_table(data, code)
        dimension_tables.append((label, header, body))
    rates_header, rates_body = rates_table(data)
    return {
        "helping": helping_table(data) if data.helping else None,
        "data": data,
        "sections": [(title, data.paragraphs[title]) for title in SECTIONS],
        "ranking": (ranking_header, ranking_body),
        "dimension_tables": dimension_tables,
        "rates": (rates_header, rates_body),
        "charts": charts,
        "chart_data": chart_data,
    }


def render_html(data: ReportData, *, standalone: bool = True) -> bytes:
    """The report page; ``standalone`` inlines the stylesheet and the scripts (Chart.js and the
    chart drawing) so that the file opens from disk or an e-mail and loads nothing."""
    css = scripts = ""
    if standalone:
        static = Path(settings.BASE_DIR) / "static"
        css = (static / "css" / "assessment-report.css").read_text(encoding="utf-8")
        scripts = [(static / name).read_text(encoding="utf-8") for name in INLINED_SCRIPTS]
        # a script's text ends at the first "</script" whatever its context: none may contain one
        scripts = [text.replace("</script", "<\\/script") for text in scripts]
    context = {**html_context(data), "inline_css": css, "inline_scripts": scripts, "standalone": standalone}
    return render_to_string("assessment/report_document.html", context).encode("utf-8")


# --- docx --------------------------------------------------------------------------------------


def docx_tables(data: ReportData) -> list[tuple[str, list[str], list[list[str]]]]:
    """The tables of the Word report, narrowed to fit the portrait type area (156 mm at 4号)."""
    tables = []
    header, body = ranking_table(data)
    keep = [i for i, h in enumerate(header) if h not in ("行政区划代码", "一票否决")]
    tables.append(
        ("表 1  得分与排名", [header[i] for i in keep], [[_text(line[i]) for i in keep] for line in body])
    )
    for number, (code, label) in enumerate(DIMENSIONS, start=1):
        indicators = [i for i in data.indicators if i["dimension"] == code]
        rows = []
        for row in [*data.rows, {**data.own, "name": f"{data.own['name']}（本级）"}]:
            line = [row["name"]]
            for i in indicators:
                cell = row["indicators"][i["code"]]
                value = cell["value"] if cell["value"] is not None else rules.STATE_LABELS[cell["state"]]
                line.append(f"{value} / {cell['score'] if cell['score'] is not None else '不计分'}")
            rows.append(line)
        tables.append(
            (
                f"表 2-{number}  {label}（指标值 / 得分）",
                ["单位", *[f"{i['code']}（{i['points']}分）" for i in indicators]],
                rows,
            )
        )
    rates_header = ["单位", "抽查/核查户数", *[label for _c, label in RATE_LABELS]]
    rates_rows = []
    for row in [*data.rows, {**data.own, "name": f"{data.own['name']}（本级）"}]:
        counts = data.result.inputs["subjects"].get(row["code"], data.own)
        line = [row["name"], f"{counts.get('sampled', 0)}/{counts.get('checked', 0)}"]
        for code, _label in RATE_LABELS:
            rate = row["rates"][code]
            line.append(
                "无样本" if rate["percent"] is None else f"{rate['percent']}%（{rate['low']}–{rate['high']}）"
            )
        rates_rows.append(line)
    tables.append(("表 3  抽查核查结果（%，括号内为 Wilson 95% 置信区间）", rates_header, rates_rows))
    if data.helping:
        helping_rows = [
            [
                str(row["rank"]),
                row["name"],
                str(len(row["villages"])),
                *[
                    f"{_text(row['indicators'][i['code']]['value']) or '无数据'} / "
                    f"{row['indicators'][i['code']]['score'] or '不计分'}"
                    for i in data.helping_indicators
                ],
                row["total"],
                row["grade"],
            ]
            for row in data.helping
        ]
        tables.append(
            (
                "表 4  帮扶单位考核（指标值 / 得分）",
                [
                    "排名",
                    "包保单位",
                    "包保村数",
                    *[f"{i['code']}（{i['points']}分）" for i in data.helping_indicators],
                    "总分",
                    "等次",
                ],
                helping_rows,
            )
        )
    return tables


#: the placeholders of the Word template (docs/assessment.md §5): texts …
TEMPLATE_TEXTS = ("标题", "发文机关", "成文日期", "考核年度", "单位名称", "结果版本", "抽样种子")
#: … lists of paragraphs, one per section of the report (003 Art. 7 (五)) …
TEMPLATE_SECTIONS = dict(
    zip(("基本情况", "指标分析", "存在问题", "综合评价", "处理建议"), SECTIONS, strict=True)
)
#: … and the block of tables and chart images written by the application ({{p 图表 }})
TEMPLATE_BLOCK = "图表"


def docx_context(data: ReportData) -> dict:
    from accountability.platform.documents import date_text

    return {
        "标题": data.title,
        "发文机关": data.unit_name,
        "成文日期": date_text(timezone.localtime(data.result.computed_at).date()),
        "考核年度": str(data.year),
        "单位名称": data.unit_name,
        "结果版本": str(data.version),
        "抽样种子": data.result.inputs["seed"],
        **{name: list(data.paragraphs[title]) for name, title in TEMPLATE_SECTIONS.items()},
    }


def docx_blocks(data: ReportData) -> list:
    """The tables and the charts (PNG, Chinese font) of the Word report."""
    from accountability.platform.documents import Image, Table

    blocks: list = [
        Image(png(chart), width_mm=150, caption=f"图 {number}  {chart.title}")
        for number, chart in enumerate(report_charts(data), start=1)
    ]
    blocks += [Table(header, rows, caption=caption) for caption, header, rows in docx_tables(data)]
    return blocks


def default_template() -> bytes:
    """The built-in Word template: the GB/T 9704 layout of the core's writer with the placeholders;
    offered for download so that the office starts its own from it."""
    from accountability.platform.documents import Heading, OfficialDocument, Paragraph
    from accountability.platform.documents import render_docx as official_docx

    blocks: list = []
    for name, title in TEMPLATE_SECTIONS.items():
        blocks += [
            Heading(title, level=1),
            Paragraph(f"{{%p for 段 in {name} %}}"),
            Paragraph("{{ 段 }}"),
            Paragraph("{%p endfor %}"),
        ]
        if name == "指标分析":
            blocks.append(Paragraph(f"{{{{p {TEMPLATE_BLOCK} }}}}"))
    document = OfficialDocument(
        title="{{ 标题 }}", issuer="{{ 发文机关 }}", date="{{ 成文日期 }}", blocks=blocks
    )
    return official_docx(document)


def render_docx(data: ReportData, template: bytes | None = None) -> bytes:
    """The Word report: ``template`` (an office's, see ``services.report_template_for``) or the
    built-in one, filled in Jinja's sandbox."""
    from accountability.platform.documents import render_template

    return render_template(
        template or default_template(), docx_context(data), {TEMPLATE_BLOCK: docx_blocks(data)}
    )


def template_check(template: bytes) -> None:
    """Raise ``TemplateProblem`` unless ``template`` renders with sample values (before it is stored)."""
    from accountability.platform.documents import Paragraph, render_template

    sample = {name: name for name in TEMPLATE_TEXTS}
    sample.update({name: [f"（{title}）"] for name, title in TEMPLATE_SECTIONS.items()})
    render_template(template, sample, {TEMPLATE_BLOCK: [Paragraph("（表格与图表）")]})


RENDERERS: dict[str, Callable[[ReportData], bytes]] = {
    "docx": render_docx,
    "xlsx": render_xlsx,
    "html": render_html,
}


def render(
    result: AssessmentResult,
    format: str,
    *,
    progress: Callable[[int], None] = lambda p: None,
    template: bytes | None = None,
) -> bytes:
    progress(10)
    data = build(result)
    progress(50)
    content = render_docx(data, template) if format == "docx" else RENDERERS[format](data)
    progress(90)
    return content
