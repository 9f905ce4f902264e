"""The import framework through its first kind, ``units``."""

from __future__ import annotations

import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accountability.importing.services import run_import
from accountability.models import AdminUnit, ImportStatus

GOOD = [
    ["349900000000", "示范市", "市", "", "", "", ""],
    ["349901000000", "东山县", "县", "349900000000", "", "", ""],
    ["349901101000", "青石镇", "乡", "", "", "", ""],
    ["349901101201", "青石东村", "村", "349901101000", "是", 2019, 2019],
    ["349901101202", "青石西村", "村", "", "否", "", ""],
]


def errors_by_row(job):
    result: dict[int, list[tuple[str, str]]] = {}
    for error in job.errors:
        result.setdefault(error["row"], []).append((error["column"], error["message"]))
    return result


@pytest.mark.django_db
def test_good_file_is_written_parents_first(xlsx, superuser):
    rows = list(reversed(GOOD))  # children before parents in the file
    job = run_import(kind="units", path=xlsx(rows), actor=superuser)
    assert job.status == ImportStatus.DONE, job.message
    assert (job.new_rows, job.changed_rows, job.invalid_rows, job.written_rows) == (5, 0, 0, 5)
    village = AdminUnit.objects.get(code="349901101201")
    assert village.parent_id == "349901101000"
    assert village.is_poor_village and village.planned_exit_year == 2019
    assert AdminUnit.objects.get(code="349901000000").parent_id == "349900000000"


@pytest.mark.django_db
def test_reimporting_the_same_file_changes_nothing(xlsx, superuser):
    path = xlsx(GOOD)
    run_import(kind="units", path=path, actor=superuser)
    event_model = AdminUnit._meta.apps.get_model("accountability", "AdminUnitEvent")
    count_before = event_model.objects.count()
    again = run_import(kind="units", path=path, actor=superuser)
    assert (again.new_rows, again.changed_rows, again.unchanged_rows, again.written_rows) == (0, 0, 5, 0)
    assert event_model.objects.count() == count_before


@pytest.mark.django_db
def test_a_changed_row_is_updated_and_the_rest_skipped(xlsx, superuser):
    run_import(kind="units", path=xlsx(GOOD), actor=superuser)
    changed = [row[:] for row in GOOD]
    changed[4][1] = "青石新村"
    job = run_import(kind="units", path=xlsx(changed), actor=superuser)
    assert (job.new_rows, job.changed_rows, job.unchanged_rows) == (0, 1, 4)
    assert AdminUnit.objects.get(code="349901101202").name == "青石新村"


BAD = [
    *GOOD,
    ["34990110120", "短代码村", "村", "", "", "", ""],  # row 7: 11 digits
    ["3499011012AB", "字母村", "村", "", "", "", ""],  # row 8: letters
    ["349901102000", "错层镇", "村", "", "", "", ""],  # row 9: village level, township code
    ["349901199201", "孤儿村", "村", "", "", "", ""],  # row 10: parent 349901199000 does not exist
    ["349901101202", "重复村", "村", "", "", "", ""],  # row 11: duplicate of row 6
    ["349901101203", "错上级村", "村", "349901102000", "", "", ""],  # row 12: parent not matching code
    ["349901103000", "贫困镇", "乡", "", "是", "", ""],  # row 13: poor flag on a township
    ["349901101204", "", "某级", "", "也许", "二〇二〇", ""],  # row 14: name, level, yes/no, year
]


@pytest.mark.django_db
def test_every_bad_row_is_reported_with_its_header(xlsx, superuser):
    job = run_import(kind="units", path=xlsx(BAD), actor=superuser, dry_run=True)
    assert job.status == ImportStatus.VALIDATED
    found = errors_by_row(job)
    assert sorted(found) == [7, 8, 9, 10, 11, 12, 13, 14]
    assert found[7] == [("行政区划代码", "行政区划代码应为 12 位数字，而“34990110120”为 11 位")]
    assert found[8][0][0] == "行政区划代码" and "只能包含数字" in found[8][0][1]
    assert found[9][0][0] == "层级" and "与层级“村”不符" in found[9][0][1]
    assert found[10] == [("上级代码", "上级单位 349901199000 不存在（系统和本文件中都没有）")]
    assert found[11] == [("行政区划代码", "代码 349901101202 与第 6 行重复")]
    assert found[12] == [("上级代码", "上级代码 349901102000 与行政区划代码不一致，应为 349901101000")]
    assert found[13] == [("是否贫困村", "只有村级单位可以填写此项")]
    assert {column for column, _ in found[14]} == {"名称", "层级", "是否贫困村", "计划出列年度"}
    assert (job.new_rows, job.invalid_rows) == (5, 8)
    assert AdminUnit.objects.count() == 0  # a dry run writes nothing


@pytest.mark.django_db
def test_strict_mode_writes_nothing_when_any_row_fails(xlsx, superuser):
    job = run_import(kind="units", path=xlsx(BAD), actor=superuser, strict=True)
    assert job.status == ImportStatus.DONE
    assert job.written_rows == 0
    assert "未写入任何数据" in job.message
    assert AdminUnit.objects.count() == 0


@pytest.mark.django_db
def test_lenient_mode_writes_only_the_good_rows(xlsx, superuser):
    job = run_import(kind="units", path=xlsx(BAD), actor=superuser)
    assert job.written_rows == 5
    assert set(AdminUnit.objects.values_list("code", flat=True)) == {row[0] for row in GOOD}


@pytest.mark.django_db
def test_a_child_of_an_invalid_row_is_invalid_too(xlsx, superuser):
    rows = [
        ["349900000000", "示范市", "市", "", "", "", ""],
        ["349901000000", "", "县", "", "", "", ""],  # row 3: no name
        ["349901101000", "青石镇", "乡", "", "", "", ""],  # row 4: parent is row 3
    ]
    job = run_import(kind="units", path=xlsx(rows), actor=superuser, dry_run=True)
    assert errors_by_row(job)[4] == [("上级代码", "上级单位 349901000000（第 3 行）有错误，本行无法导入")]


@pytest.mark.django_db
def test_units_outside_the_importers_jurisdiction_are_refused(xlsx, demo_city, user_in):
    county_user = user_in("349901000000")
    rows = [
        ["349901101209", "新村", "村", "", "否", "", ""],
        ["349902101209", "外县新村", "村", "", "否", "", ""],
    ]
    job = run_import(kind="units", path=xlsx(rows), actor=county_user)
    assert errors_by_row(job) == {3: [("行政区划代码", "代码 349902101209 不在您的管辖范围内")]}
    assert AdminUnit.objects.filter(code="349901101209").exists()
    assert not AdminUnit.objects.filter(code="349902101209").exists()


@pytest.mark.django_db
def test_an_existing_unit_of_another_county_is_not_changed(xlsx, demo_city, user_in):
    """The row's code is the matched record's place: another county's village is refused (issue 11 §2).
    (Held before the change too: a guard, not a fix.)"""
    west_village = AdminUnit.objects.filter(code__startswith="349902", level="village").first()
    job = run_import(
        kind="units",
        path=xlsx([[west_village.code, "改名村", "村", "", "是", "", ""]]),
        actor=user_in("349901000000"),
    )
    assert errors_by_row(job) == {2: [("行政区划代码", f"代码 {west_village.code} 不在您的管辖范围内")]}
    assert AdminUnit.objects.get(code=west_village.code).name == west_village.name


@pytest.mark.django_db
def test_missing_required_headers_reject_the_file(xlsx, superuser):
    job = run_import(
        kind="units", path=xlsx([["349900000000", "示范市"]], headers=["代码", "单位名称"]), actor=superuser
    )
    assert job.status == ImportStatus.REJECTED
    assert job.message == "缺少必需的列：层级。请使用“行政区划”导入模板，第一行为列标题。"


@pytest.mark.django_db
def test_header_aliases_are_accepted(xlsx, superuser):
    job = run_import(
        kind="units",
        path=xlsx([["349900000000", "示范市", "市"]], headers=["区划代码", "单位名称", "层级"]),
        actor=superuser,
    )
    assert job.status == ImportStatus.DONE and job.written_rows == 1


@pytest.mark.django_db
def test_a_file_that_is_not_xlsx_is_rejected(tmp_path, superuser):
    path = tmp_path / "units.xlsx"
    path.write_text("行政区划代码,名称,层级\n349900000000,示范市,市\n", encoding="utf-8")
    job = run_import(kind="units", path=path, actor=superuser)
    assert job.status == ImportStatus.REJECTED
    assert job.message == "文件不是有效的 Excel (.xlsx) 文件，请确认文件格式。"
    assert AdminUnit.objects.count() == 0


@pytest.mark.django_db
def test_a_legacy_xls_is_rejected_with_advice(tmp_path, superuser):
    path = tmp_path / "units.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    job = run_import(kind="units", path=path, actor=superuser)
    assert job.status == ImportStatus.REJECTED
    assert "另存为” .xlsx" in job.message


@pytest.mark.django_db
def test_a_zip_bomb_is_rejected_before_it_is_inflated(tmp_path, superuser, settings):
    settings.IMPORT_MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as entry:
            block = b"\0" * (1024 * 1024)
            for _ in range(200):  # 200 MB of zeros, about 200 KB on disk
                entry.write(block)
    assert path.stat().st_size < 1024 * 1024
    job = run_import(kind="units", path=path, actor=superuser)
    assert job.status == ImportStatus.REJECTED
    assert "疑似压缩炸弹" in job.message


@pytest.mark.django_db
def test_a_high_compression_ratio_alone_is_rejected(tmp_path, superuser):
    path = tmp_path / "ratio.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (20 * 1024 * 1024))
    job = run_import(kind="units", path=path, actor=superuser)
    assert job.status == ImportStatus.REJECTED
    assert "压缩比异常" in job.message


@pytest.mark.django_db
def test_too_many_zip_entries_are_rejected(tmp_path, superuser, settings):
    settings.IMPORT_MAX_ZIP_ENTRIES = 10
    path = tmp_path / "many.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        for i in range(20):
            archive.writestr(f"xl/media/{i}.bin", b"x")
    job = run_import(kind="units", path=path, actor=superuser)
    assert job.status == ImportStatus.REJECTED and "条目过多" in job.message


@pytest.mark.django_db
def test_an_oversized_file_is_rejected(xlsx, superuser, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 1000
    job = run_import(kind="units", path=xlsx(GOOD), actor=superuser)
    assert job.status == ImportStatus.REJECTED and job.message.startswith("文件过大")


@pytest.mark.django_db
def test_cli_prints_the_same_report(xlsx, superuser, capsys):
    call_command("import_xlsx", "units", str(xlsx(BAD)), "--dry-run", "--as", superuser.username)
    out = capsys.readouterr().out
    assert "新增 5" in out and "有错误 8" in out
    assert "第 7 行  【行政区划代码】 行政区划代码应为 12 位数字" in out
    assert "（预览：未写入任何数据）" in out
    assert AdminUnit.objects.count() == 0


@pytest.mark.django_db
def test_cli_strict_fails_and_writes_nothing(xlsx, superuser):
    with pytest.raises(CommandError, match="严格模式"):
        call_command("import_xlsx", "units", str(xlsx(BAD)), "--strict", "--as", superuser.username)
    assert AdminUnit.objects.count() == 0


@pytest.mark.django_db
def test_every_import_is_recorded_with_file_hash(xlsx, superuser):
    import hashlib

    path = xlsx(GOOD)
    job = run_import(kind="units", path=path, actor=superuser)
    assert job.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert job.created_by == superuser and job.file_name == path.name and job.finished_at
