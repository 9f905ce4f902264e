"""Issue 18: no file the project writes turns user text into a live formula."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from accountability.demo.people import People
from accountability.importing.services import run_import
from accountability.importing.workbooks import error_workbook, template_workbook
from accountability.models import ImportJob
from accountability.platform import xlsx as core_xlsx
from households.exporters import households_workbook
from households.models import Household, Member
from tests.factories import UserFactory
from tests.test_households_import import HEADERS, V1, member

PAYLOADS = ['=HYPERLINK("http://x","y")', "=1+1", "+cmd|' /C calc'!A0", "@SUM(1)", "-2+3", "\t=1+1"]


def formula_cells(content: bytes) -> list[str]:
    workbook = load_workbook(io.BytesIO(content))
    return [
        f"{sheet.title}!{cell.coordinate}={cell.value!r}"
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]


def all_values(content: bytes) -> set[object]:
    workbook = load_workbook(io.BytesIO(content))
    return {cell.value for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row}


@pytest.fixture
def county(db):
    from accountability.demo.hierarchy import load_hierarchy

    load_hierarchy()
    return UserFactory(username="county", jurisdiction_id="349901000000", is_superuser=True)


@pytest.mark.django_db
def test_households_export_keeps_formula_text_as_text(xlsx, county):
    people = People(seed=3)
    rows = [member(V1, f"F{i}", f"人{i}", people.id_number(V1)) for i in range(len(PAYLOADS))]
    job = run_import(kind="households", path=xlsx(rows, headers=HEADERS), actor=county)
    assert job.written_rows == len(PAYLOADS), job.errors
    for payload, m in zip(PAYLOADS, Member.objects.order_by("household__number"), strict=True):
        m.name = m.education = m.employment = payload
        m.save()
    content, count = households_workbook(Household.objects.all(), county)
    assert count == len(PAYLOADS)
    assert formula_cells(content) == []
    values = all_values(content)
    assert set(PAYLOADS) - {"\t=1+1"} <= values  # the text comes back unchanged
    sheet = load_workbook(io.BytesIO(content)).active
    risky = [
        c
        for row in sheet.iter_rows(min_row=2)
        for c in row
        if isinstance(c.value, str) and c.value[:1] in "=+-@"
    ]
    assert risky and all(c.quotePrefix for c in risky)


@pytest.mark.django_db
def test_error_workbook_keeps_formulas_of_the_upload_as_text(tmp_path, county):
    path = tmp_path / "f.xlsx"
    workbook = core_xlsx.new_workbook()  # text cells holding formula text, as a user's file may
    core_xlsx.append_row(workbook.active, ["=1+1", *HEADERS[1:]])  # even a header
    core_xlsx.append_row(workbook.active, member(V1, "=1+1", '=HYPERLINK("http://x","y")', "@SUM(1)"))
    workbook.save(path)
    job = run_import(kind="households", path=path, actor=county, dry_run=True)
    job = ImportJob.objects.get(pk=job.pk)
    content = error_workbook(job)
    assert formula_cells(content) == []


@pytest.mark.django_db
def test_templates_have_no_formula_cells():
    import accountability.importing  # noqa: F401  (registers the kinds)
    from accountability.importing.kinds import REGISTRY

    assert REGISTRY
    for kind in REGISTRY.values():
        assert formula_cells(template_workbook(kind)) == []


def test_core_writer_and_csv_helper():
    workbook = core_xlsx.new_workbook(write_only=True)
    sheet = workbook.create_sheet("x")
    core_xlsx.append_row(sheet, ["=1+1", "a\x00b", 5, None])
    normal = core_xlsx.new_workbook()
    core_xlsx.append_row(normal.active, ["=1+1"])
    core_xlsx.append_row(normal.active, ["@SUM(1)", "ok"])
    streamed = core_xlsx.to_bytes(workbook)
    for content in (streamed, core_xlsx.to_bytes(normal)):
        assert formula_cells(content) == []
    assert load_workbook(io.BytesIO(streamed)).active["B1"].value == "ab"
    assert core_xlsx.csv_text("=1+1") == "'=1+1"
    assert core_xlsx.csv_text("-3") == "'-3"
    assert core_xlsx.csv_text("张三") == "张三"


@pytest.mark.django_db
def test_compliance_export_keeps_names_as_text():
    from types import SimpleNamespace

    from visits.exporters import compliance_workbook

    row = SimpleNamespace(
        quota_code="=1+1",
        quota_label="@SUM(1)",
        post_label="-1",
        period="2020",
        held="2020",
        required=2,
        done=1,
        percent=50,
        status_label="+x",
    )
    view = SimpleNamespace(
        row=row,
        official=SimpleNamespace(name='=HYPERLINK("http://x","y")'),
        unit=SimpleNamespace(name="=1+1"),
    )
    user = UserFactory(username="c")
    content = compliance_workbook([view], user=user, filters={})
    assert formula_cells(content) == []
    assert '=HYPERLINK("http://x","y")' in all_values(content)
