"""Issue 18: random workbooks through preview and confirm of every import kind never end in an
exception or a job left in an intermediate state, and strict mode writes nothing when the preview
found an error. Bounded: a few dozen workbooks per kind."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections import Counter
from pathlib import Path

import pytest
from django.apps import apps
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

import accountability.importing  # noqa: F401  (registers the kinds)
import households.importers.households
import households.importers.register_matches
import households.importers.verifications  # noqa: F401
import visits.importers.visits  # noqa: F401
from accountability.demo.people import People
from accountability.importing import services as import_services
from accountability.importing.kinds import REGISTRY
from accountability.models import ImportJob, ImportStatus, User
from households.models import Member
from tests.demo_data import demo_db  # noqa: F401
from tests.test_households_import import HEADERS as HOUSEHOLD_HEADERS
from tests.test_households_import import V1, member

pytestmark = [pytest.mark.usefixtures("demo_db"), pytest.mark.django_db]

TERMINAL = {ImportStatus.VALIDATED, ImportStatus.DONE, ImportStatus.REJECTED, ImportStatus.FAILED}
ODD_TEXT = st.sampled_from(
    [
        "=1+1",
        '=HYPERLINK("http://x","y")',
        "+cmd|' /C calc'!A0",
        "@SUM(1)",
        "-1",
        "１２３４５６",
        "３４９９０１１０１２０１",
        "张\u200b三",
        "\ufeff户主",
        "是",
        "否",
        "户主",
        "未脱贫",
        "2020-01-01",
        "2020年３月５日",
        "9999-12-31",
        "NaN",
        "1e999",
        "x" * 10_000,
        "349901101201",
        "",
        " ",
    ]
)
CELL = st.one_of(
    st.none(),
    ODD_TEXT,
    st.text(max_size=30),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(9999, 12, 31)),
)
# what openpyxl refuses to write (its own limit, not the reader's)
ILLEGAL = str.maketrans(dict.fromkeys([*range(0, 9), 11, 12, *range(14, 32)]))


def clean(value):
    return value.translate(ILLEGAL) if isinstance(value, str) else value


@st.composite
def workbooks(draw, headers: list[str], names: list[str]):
    if draw(st.integers(0, 3)):
        columns = list(headers)  # the template's columns most of the time, sometimes shuffled
        if draw(st.booleans()):
            columns = draw(st.permutations(columns))
    else:  # any columns: aliases, repeats, missing ones
        columns = draw(st.lists(st.sampled_from(names), min_size=1, max_size=len(names) + 2))
    rows = draw(st.lists(st.lists(CELL, min_size=0, max_size=len(columns) + 1), max_size=6))
    if columns == HOUSEHOLD_HEADERS:  # plausible members with one odd cell each: the write path
        people = People(seed=draw(st.integers(0, 10**6)))
        for index in range(draw(st.integers(0, 4))):
            row = member(
                V1,
                f"Z{index // 2}",
                f"人{index}",
                people.id_number(V1),
                relation="户主" if index % 2 == 0 else "配偶",
            )
            row[draw(st.integers(0, len(row) - 1))] = draw(CELL)
            rows.append(row)
    return {
        "columns": columns,
        "rows": rows,
        "blank_rows": draw(st.integers(0, 2)),
        "merge": draw(st.booleans()),
        "hidden_first": draw(st.booleans()),
        "strict": draw(st.booleans()),
    }


def write(spec) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    if spec["hidden_first"]:
        hidden = sheet
        hidden.title = "隐藏"
        hidden.append(["垃圾", "=1/0"])
        hidden.sheet_state = "hidden"
        sheet = workbook.create_sheet("数据", 0)  # first in order, like a real user's file
    sheet.append(spec["columns"])
    for index, row in enumerate(spec["rows"]):
        if index == 1:
            for _blank in range(spec["blank_rows"]):
                sheet.append([])
        sheet.append([clean(v) for v in row])
    if spec["merge"] and sheet.max_row >= 3:
        sheet.merge_cells(start_row=2, start_column=1, end_row=3, end_column=1)
    with tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False) as handle:
        workbook.save(handle)
    return Path(handle.name)


def table_counts() -> dict[str, int]:
    models = [
        "households.Household",
        "households.Member",
        "accountability.AdminUnit",
        "accountability.Official",
    ]
    models += ["visits.Visit"]
    return {name: apps.get_model(name).objects.count() for name in models}


@pytest.mark.parametrize("kind", sorted(REGISTRY))
def test_random_workbooks_never_escape_or_stick(kind, capsys):
    seen: Counter[str] = Counter()
    user = User.objects.get(username="county_office")
    headers = [column.header for column in REGISTRY[kind].columns]
    names = [name for column in REGISTRY[kind].columns for name in column.names]

    @settings(
        max_examples=25,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(spec=workbooks(headers, names))
    def run(spec):
        path = write(spec)
        try:
            with transaction.atomic():  # every workbook against the same demo city
                check(spec, path)
                transaction.set_rollback(True)
        finally:
            path.unlink()

    def check(spec, path):
        job = import_services.create_job(
            kind=kind, path=path, file_name="f.xlsx", actor=user, strict=spec["strict"]
        )
        job = import_services.validate_job(job)
        seen[f"preview:{job.status}"] += 1
        seen["rows"] += job.total_rows
        seen["invalid rows"] += job.invalid_rows
        if job.status == ImportStatus.REJECTED:
            seen[f"rejected: {job.message[:12]}"] += 1
        assert job.status in {ImportStatus.VALIDATED, ImportStatus.REJECTED}, (job.status, job.message)
        if job.status == ImportStatus.VALIDATED:
            before = table_counts()
            job = import_services.confirm_job(ImportJob.objects.get(pk=job.pk), actor=user)
            job.refresh_from_db()
            assert job.status in TERMINAL, job.status
            seen[f"confirm:{job.status}"] += 1
            seen["written rows"] += job.written_rows
            if spec["strict"] and job.invalid_rows:
                assert table_counts() == before

    run()
    with capsys.disabled():
        print(f"\nfuzz {kind}: {dict(sorted(seen.items()))}")
    assert seen["preview:validated"] and seen["rows"]


def test_reimport_with_another_head_is_no_integrity_error(tmp_path):
    user = User.objects.get(username="county_office")
    people = People(seed=1)
    for index, name in enumerate(("甲", "乙")):
        workbook = Workbook()
        workbook.active.append(HOUSEHOLD_HEADERS)
        workbook.active.append(member(V1, "Z0", name, people.id_number(V1)))
        path = tmp_path / f"{index}.xlsx"
        workbook.save(path)
        job = import_services.run_import(kind="households", path=path, actor=user)
        assert job.status in TERMINAL
    # the second file names another head for the same household: a row error, never a database error
    assert job.errors and not Member.objects.filter(name="乙").exists()
