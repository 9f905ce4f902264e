"""The synthetic city is deterministic, valid, and loads with its history."""

from __future__ import annotations

import io

import pytest
from django.apps import apps
from django.core.management import call_command
from openpyxl import load_workbook

from accountability.platform.idnumbers import id_facts, id_number_problem
from households.models import Household, Member, VerificationFinding
from households.synthetic import SyntheticCity


def test_the_same_seed_gives_the_same_people_and_valid_ids():
    first = [(m.number, m.id_number, m.name) for m in SyntheticCity(3000, 5).members()]
    assert first == [(m.number, m.id_number, m.name) for m in SyntheticCity(3000, 5).members()]
    assert first != [(m.number, m.id_number, m.name) for m in SyntheticCity(3000, 6).members()]
    members = list(SyntheticCity(3000, 5).members())
    assert len({m.id_number for m in members}) == len(members)
    for m in members:
        assert id_number_problem(m.id_number) is None
        assert id_facts(m.id_number).sex == ("male" if m.sex == "男" else "female")
    sizes = {}
    for m in members:
        sizes[m.number] = sizes.get(m.number, 0) + 1
    assert min(sizes.values()) >= 1 and max(sizes.values()) <= 8
    assert 2.8 <= len(members) / len(sizes) <= 4.2


@pytest.mark.django_db
def test_generate_synthetic_loads_households_with_history_and_writes_the_same_xlsx(tmp_path):
    path = tmp_path / "syn.xlsx"
    call_command(
        "generate_synthetic", "--persons", "2000", "--seed", "3", "--xlsx", str(path), stdout=io.StringIO()
    )
    members = Member.objects.filter(household__number__startswith="3498")
    sheet = load_workbook(path).active
    assert sheet.max_row - 1 == members.count()
    assert Household.objects.filter(number__startswith="3498").count() > 500
    assert VerificationFinding.objects.filter(status="confirmed").exists()
    event_model = apps.get_model("households", "MemberEvent")
    assert event_model.objects.count() == members.count()
