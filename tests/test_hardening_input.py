"""Issue 18: what users type (full width, formulas, odd phones, absurd numbers) is read as meant
or refused with a message, in imports, forms and models alike."""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook

from accountability.demo.people import People
from accountability.importing.services import run_import
from accountability.platform.idnumbers import PATTERN, id_number_problem
from households.forms import MeasureForm
from households.models import Household, Member
from tests.test_households_import import HEADERS, V1, errors_by_row, member
from visits.forms import VisitForm

FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


def test_id_pattern_matches_ascii_digits_only():
    arabic_indic = "".join(chr(0x0660 + int(d)) for d in "35010219900101001") + "X"
    assert PATTERN.match(arabic_indic) is None
    assert "格式不对" in id_number_problem(arabic_indic)


@pytest.mark.django_db
def test_full_width_id_numbers_and_phones_are_read_as_typed(xlsx, county_user):
    people = People(seed=5)
    id_number = people.id_number(V1)
    assert id_number_problem(id_number.translate(FULL_WIDTH)) is None
    rows = [
        member(
            V1,
            "Ｈ１",
            "张大",
            id_number.translate(FULL_WIDTH),
            **{"联系电话": "１３９１２３４５６７８", "人均纯收入": "３２００.５０", "识别年度": "２０１６"},
        )
    ]
    job = run_import(kind="households", path=xlsx(rows, headers=HEADERS), actor=county_user)
    assert job.written_rows == 1, job.errors
    household = Household.objects.get()
    assert (household.number, household.phone) == ("H1", "13912345678")
    assert household.income_per_capita == Decimal("3200.50") and household.identified_year == 2016
    assert Member.objects.get().id_number == id_number


@pytest.mark.django_db
def test_phone_and_income_are_checked_on_import(xlsx, county_user):
    people = People(seed=6)
    rows = [
        member(V1, "P1", "甲", people.id_number(V1), **{"联系电话": "javascript:alert(1)"}),
        member(V1, "P2", "乙", people.id_number(V1), **{"联系电话": "😀"}),
        member(V1, "P3", "丙", people.id_number(V1), **{"人均纯收入": "-5"}),
        member(V1, "P4", "丁", people.id_number(V1), **{"联系电话": "0591-12345678"}),
    ]
    job = run_import(kind="households", path=xlsx(rows, headers=HEADERS), actor=county_user, dry_run=True)
    found = errors_by_row(job)
    assert found[2][0][0] == "联系电话" and found[3][0][0] == "联系电话"
    assert found[4][0][0] == "人均纯收入" and "负数" in found[4][0][1]
    assert 5 not in found


@pytest.mark.django_db
def test_formula_cells_are_read_as_their_text_in_seconds(tmp_path, county_user):
    people = People(seed=7)
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    for i in range(200):
        sheet.append(member(V1, f"F{i}", f"人{i}", people.id_number(V1), **{"人均纯收入": "=1+1"}))
    sheet.append(member(V1, "G1", '=HYPERLINK("http://x","y")', people.id_number(V1)))
    sheet.append(member(V1, "G2", "乙", people.id_number(V1), **{"联系电话": "+cmd|' /C calc'!A0"}))
    path = tmp_path / "formulas.xlsx"
    workbook.save(path)
    started = time.monotonic()
    job = run_import(kind="households", path=path, actor=county_user, dry_run=True)
    assert time.monotonic() - started < 20
    found = errors_by_row(job)
    assert found[2] == [("人均纯收入", "应为数字，而不是“=1+1”")]
    assert len(found) == 201 and found[203][0][0] == "联系电话"


def test_model_validators_refuse_odd_phones_negative_income_and_absurd_years():
    household = Household(phone="javascript:alert(1)", income_per_capita=Decimal("-1"))
    with pytest.raises(ValidationError) as error:
        household.clean_fields(exclude=["village"])
    assert {"phone", "income_per_capita"} <= set(error.value.message_dict)
    for good in ("13912345678", "0591-12345678", "+86 13912345678", "12345678"):
        Household._meta.get_field("phone").run_validators(good)


@pytest.mark.parametrize(
    "year,valid", [(0, False), (1900, False), (9999, False), (2012, False), (2013, True), (2030, True)]
)
def test_measure_years_have_a_sane_range(year, valid):
    form = MeasureForm(data={"kind": "industry", "description": "养殖", "year": year})
    assert ("year" not in form.errors) is valid


@pytest.mark.parametrize("due,valid", [("9999-12-31", False), ("1900-01-01", False), ("2024-05-01", True)])
def test_follow_up_date_has_a_sane_range(due, valid):
    form = VisitForm(
        data={"household": "", "on": dt.date.today().isoformat(), "kind": "home", "follow_up_due": due}
    )
    assert ("follow_up_due" not in form.errors) is valid
