"""An import never ends in a traceback: an unexpected error marks the job failed, writes nothing,
is logged with the job id, and the CLI prints the Chinese message and exits non-zero."""

from __future__ import annotations

import logging

import pytest
from django.core.management import CommandError, call_command

from accountability.demo.people import People
from accountability.importing.kinds import REGISTRY
from accountability.importing.services import run_import
from accountability.models import ImportJob, ImportStatus
from households.importers.households import HouseholdsImport
from households.models import Household, Member
from tests.test_households_import import HEADERS, V1, member


class BreaksAfterWriting(HouseholdsImport):
    """The households kind, failing after it has written (a bug or a lost connection mid-write)."""

    name = "households_breaking"

    def write(self, new, changed):
        super().write(new, changed)
        assert Household.objects.exists()  # the rows are in the transaction
        raise RuntimeError("boom after writing")


class BreaksWhileChecking(HouseholdsImport):
    name = "households_breaking_check"

    def check(self, rows):
        raise KeyError("boom while checking")


@pytest.fixture
def people():
    return People(seed=12)


@pytest.fixture
def breaking_kinds(monkeypatch):
    monkeypatch.setitem(REGISTRY, BreaksAfterWriting.name, BreaksAfterWriting)
    monkeypatch.setitem(REGISTRY, BreaksWhileChecking.name, BreaksWhileChecking)


def rows(people):
    return [
        member(V1, "X1", "张大", people.id_number(V1)),
        member(V1, "X1", "李二", people.id_number(V1), relation="配偶"),
    ]


@pytest.mark.django_db
def test_an_error_while_writing_fails_the_job_and_writes_nothing(
    xlsx,
    county_user,
    people,
    breaking_kinds,
    caplog,
):
    with caplog.at_level(logging.ERROR, logger="accountability.importing.services"):
        job = run_import(
            kind=BreaksAfterWriting.name, path=xlsx(rows(people), headers=HEADERS), actor=county_user
        )
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert (
        job.message == f"导入过程中发生意外错误，未写入任何数据。请将导入记录编号 #{job.pk} 告知系统管理员。"
    )
    assert job.written_rows == 0 and job.finished_at is not None
    assert (Household.objects.count(), Member.objects.count()) == (0, 0)  # rolled back
    logged = [r for r in caplog.records if f"import job {job.pk} " in r.getMessage()]
    assert logged and logged[0].exc_info is not None  # the traceback is in the log, not on the screen


@pytest.mark.django_db
def test_an_error_while_validating_never_leaves_the_job_validating(
    xlsx,
    county_user,
    people,
    breaking_kinds,
):
    path = xlsx(rows(people), headers=HEADERS)
    job = run_import(kind=BreaksWhileChecking.name, path=path, actor=county_user, dry_run=True)
    assert ImportJob.objects.get(pk=job.pk).status == ImportStatus.FAILED
    job = run_import(kind=BreaksWhileChecking.name, path=path, actor=county_user)
    assert ImportJob.objects.get(pk=job.pk).status == ImportStatus.FAILED
    assert not ImportJob.objects.filter(status__in=[ImportStatus.VALIDATING, ImportStatus.WRITING]).exists()


@pytest.mark.django_db
def test_the_cli_prints_the_chinese_message_and_exits_non_zero(
    xlsx,
    county_user,
    people,
    breaking_kinds,
    capsys,
):
    path = xlsx(rows(people), headers=HEADERS)
    with pytest.raises(CommandError, match="导入过程中发生意外错误，未写入任何数据"):
        call_command("import_xlsx", BreaksAfterWriting.name, str(path), "--as", county_user.username)
    assert "状态：失败" in capsys.readouterr().out
    assert Household.objects.count() == 0
