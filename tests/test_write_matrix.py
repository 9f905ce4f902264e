"""Who may write, and who reads personal data: every demo role (and a sibling county's office)
against every import kind, the admin's user and group forms, and every history page.

Writes are asserted on the database: every tracked table has PostgreSQL history triggers, so the
number of history events (plus import jobs, user groups and group permissions, which have none)
is unchanged by a refused request. Personal data is asserted on the response bodies: no full ID
number and no full mobile number of the records shown reaches a role without the personal-data
right (docs/roles.md has the table these tests pin).
"""

from __future__ import annotations

import io

import pghistory.models
import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from accountability.access.roles import role_group
from accountability.demo.people import People
from accountability.importing import services as import_services
from accountability.importing.kinds import REGISTRY
from accountability.models import AdminUnit, ImportJob, ImportStatus, Official, User
from accountability.platform.history import HISTORY_PAGES, history_context
from accountability.platform.idnumbers import check_character
from households.models import Household, Member
from tests.conftest import write_xlsx, xlsx_bytes
from tests.demo_data import demo_db  # noqa: F401
from tests.test_households_import import HEADERS as HOUSEHOLD_HEADERS
from tests.test_households_import import member

UserRoleEvent = apps.get_model("accountability", "UserRoleEvent")  # roles given or taken

pytestmark = [pytest.mark.usefixtures("demo_db"), pytest.mark.django_db]

COUNTY, VILLAGE, TOWNSHIP = "349901000000", "349901101201", "349901101000"
ROLES = [
    "admin",
    "city_office",
    "county_office",
    "county2_office",  # the sibling county's office
    "county_admin",
    "township_staff",
    "village_official",
    "auditor",
    "inspector",
    "discipline",
    "county_discipline",
]
ALL_KINDS = set(REGISTRY)
#: which demo login may import which kind (docs/roles.md)
MAY_IMPORT = {
    "admin": ALL_KINDS,
    "city_office": ALL_KINDS - {"fund_entries"},  # the county posts its ledger (issue 15)
    "county_office": ALL_KINDS - {"units"},
    "county2_office": ALL_KINDS - {"units"},
    "county_admin": {"officials"},
}
#: logins with the personal-data right
PERSONAL = {
    "admin",
    "city_office",
    "county_office",
    "county2_office",
    "county_admin",
    "discipline",
    "county_discipline",
}
#: logins whose jurisdiction contains 东山县 (the county of the records under test)
COVERS_COUNTY = {
    "admin",
    "city_office",
    "county_office",
    "county_admin",
    "auditor",
    "inspector",
    "discipline",
    "county_discipline",
}
COVERS_VILLAGE = COVERS_COUNTY | {"township_staff", "village_official"}
PEOPLE = People(seed=4711)


def login(client, username: str) -> User:
    user = User.objects.get(username=username)
    client.force_login(user)
    return user


def write_marks() -> dict:
    """A fingerprint of every write: history events per tracked table, import jobs, user groups and
    group permissions (the three have no history triggers)."""
    marks = {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if issubclass(model, pghistory.models.Event) and not model._meta.proxy and model._meta.managed
    }
    marks["import jobs"] = sorted(ImportJob.objects.values_list("pk", "status"))
    marks["user groups"] = sorted(User.groups.through.objects.values_list("user_id", "group_id"))
    marks["group permissions"] = Group.permissions.through.objects.count()
    marks["users"] = sorted(User.objects.values_list("pk", "is_staff", "is_superuser", "jurisdiction_id"))
    return marks


_ID = PEOPLE.id_number(VILLAGE)
BAD_ID = _ID[:17] + ("0" if _ID[17] != "0" else "1")  # a mistyped check character


def sample_row(kind: str) -> dict[str, str]:
    """One row for ``kind`` quoting a full (mistyped) ID number and a mobile in 青石东村."""
    bad_id = BAD_ID
    values = {
        "行政区划代码": VILLAGE,
        "责任范围代码": VILLAGE,
        "证件号码": bad_id,
        "手机号码": "13912345670",
        "联系电话": "13912345670",
        "姓名": "探针",
        "名称": "探针村",
        "层级": "村",
        "上级代码": TOWNSHIP,
    }
    return values


def kind_file(kind: str) -> bytes:
    headers = [column.header for column in REGISTRY[kind].columns]
    values = sample_row(kind)
    return xlsx_bytes(headers, [[values.get(header, "") for header in headers]])


def upload(client, kind: str, content: bytes, name: str = "probe.xlsx"):
    return client.post("/imports/", {"kind": kind, "file": SimpleUploadedFile(name, content), "strict": ""})


# --- 1. imports check the role -----------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(ALL_KINDS))
def test_every_import_kind_declares_existing_permissions(kind):
    from django.contrib.auth.models import Permission

    declared = REGISTRY[kind].permissions
    assert declared and all(name.split(".")[1].startswith(("add_", "change_")) for name in declared)
    found = {
        f"{app}.{codename}"
        for app, codename in Permission.objects.values_list("content_type__app_label", "codename")
    }
    assert set(declared) <= found


@pytest.mark.parametrize("kind", sorted(ALL_KINDS))
@pytest.mark.parametrize("role", ROLES)
def test_upload_and_template_only_for_roles_that_may_import_the_kind(client, role, kind):
    user = login(client, role)
    allowed = kind in MAY_IMPORT.get(role, set())
    before = write_marks()
    response = upload(client, kind, kind_file(kind))
    template = client.get(f"/imports/templates/{kind}.xlsx")
    page = client.get("/imports/")
    offered = {value for value, _label in page.context["form"].fields["kind"].choices}
    if allowed:
        assert response.status_code == 302, response.content.decode()[:500]
        job = ImportJob.objects.get(created_by=user, kind=kind)
        assert job.status == ImportStatus.VALIDATED and job.written_rows == 0
        assert template.status_code == 200 and kind in offered
    else:
        assert response.status_code == 403
        assert template.status_code == 403 and kind not in offered
        assert write_marks() == before


def job_rows(kind: str) -> tuple[list[str], list[list[object]]]:
    """A file that writes for real: units renames 青石东村, households adds two households,
    officials adds one official, all in 东山县."""
    if kind == "units":
        return (
            ["行政区划代码", "名称", "层级", "上级代码", "是否贫困村", "计划出列年度", "出列年度"],
            [[VILLAGE, "改名村", "村", TOWNSHIP, "是", 2019, 2019]],
        )
    if kind == "households":
        return HOUSEHOLD_HEADERS, [
            member(VILLAGE, "P901", "探甲", PEOPLE.id_number(VILLAGE), 联系电话="13912345671"),
            member(VILLAGE, "P902", "探乙", PEOPLE.id_number(VILLAGE), 联系电话="13912345672"),
        ]
    headers = ["姓名", "证件号码", "手机号码", "单位", "职务", "岗位", "责任范围代码", "起始日期", "终止日期"]
    return headers, [
        [
            "探丙",
            PEOPLE.id_number(VILLAGE),
            "13912345673",
            "青石镇新设办公室",
            "主任",
            "包村干部",
            VILLAGE,
            "2026-02-01",
            "",
        ]
    ]


OWNERS = {"units": "city_office", "households": "county_office", "officials": "county_office"}
#: besides the owner and the system administrator, who may confirm another's job
CONFIRMERS = {"units": set(), "households": set(), "officials": {"county_admin"}}


def validated_job(tmp_path, kind: str) -> ImportJob:
    headers, rows = job_rows(kind)
    path = write_xlsx(tmp_path / f"{kind}.xlsx", headers, rows)
    owner = User.objects.get(username=OWNERS[kind])
    job = import_services.create_job(kind=kind, path=path, file_name=path.name, actor=owner)
    import_services.validate_job(job)
    assert job.can_confirm, job.errors
    return job


@pytest.mark.parametrize("kind", sorted(OWNERS))
@pytest.mark.parametrize("role", ROLES)
def test_confirm_only_by_the_owner_or_an_office_of_the_same_jurisdiction(client, tmp_path, role, kind):
    job = validated_job(tmp_path, kind)
    login(client, role)
    before = write_marks()
    response = client.post(f"/imports/{job.pk}/confirm/")
    job.refresh_from_db()
    if role in {"admin", OWNERS[kind]} | CONFIRMERS[kind]:
        assert response.status_code == 302 and job.status == ImportStatus.DONE and job.written_rows > 0
    else:
        assert response.status_code in (403, 404)
        assert job.status == ImportStatus.VALIDATED
        assert write_marks() == before


@pytest.mark.parametrize("kind", sorted(OWNERS))
@pytest.mark.parametrize("role", ROLES)
def test_job_page_and_error_report_only_for_importers_or_personal_data_readers(client, role, kind):
    owner = User.objects.get(username=OWNERS[kind])
    client.force_login(owner)
    # a file with a mistyped full ID number and a mobile in the cells and the messages
    assert upload(client, kind, kind_file(kind)).status_code == 302
    job = ImportJob.objects.get(created_by=owner, kind=kind)
    secrets = {sample_row(kind)["证件号码"], "13912345670"}
    assert job.errors or kind == "units"  # a units row holds no personal data
    login(client, role)
    detail = client.get(f"/imports/{job.pk}/")
    report = client.get(f"/imports/{job.pk}/errors.xlsx" if job.errors else f"/imports/{job.pk}/")
    api = client.get(f"/api/imports/{job.pk}/")
    job_in_reach = (
        role in COVERS_COUNTY
        if OWNERS[kind] != "city_office"
        else role in {"admin", "city_office", "auditor", "inspector", "discipline"}
    )
    may_read = role == OWNERS[kind] or (
        job_in_reach and (role in PERSONAL or kind in MAY_IMPORT.get(role, set()))
    )
    if not may_read:
        assert (detail.status_code, report.status_code, api.status_code) == (404, 404, 404)
        listed = {j.pk for j in client.get("/imports/").context["jobs"]}
        assert job.pk not in listed
        return
    assert (detail.status_code, report.status_code, api.status_code) == (200, 200, 200)
    cells = ""
    if job.errors:
        sheet = load_workbook(io.BytesIO(report.content)).active
        cells = " ".join(str(cell.value) for row in sheet.iter_rows() for cell in row)
    bodies = detail.content.decode() + api.content.decode() + cells
    if role not in PERSONAL:
        assert not any(secret in bodies for secret in secrets)


def test_an_importer_without_the_personal_data_right_reads_masked_messages(client):
    """A custom role may import households without reading personal data: the job's messages, the
    error report's cells and the API's messages mask ID numbers and mobiles."""
    group = Group.objects.create(name="导入员（测试）")
    group.permissions.set(role_group("county_office").permissions.exclude(codename="view_personal_data"))
    clerk = User.objects.create_user(username="clerk", password="x-test-pass-2026", jurisdiction_id=COUNTY)
    clerk.groups.set([group])
    client.force_login(clerk)
    assert upload(client, "households", kind_file("households")).status_code == 302
    job = ImportJob.objects.get(created_by=clerk)
    full = sample_row("households")["证件号码"]
    assert any(full in error["message"] for error in job.errors)  # the stored message quotes it
    detail = client.get(f"/imports/{job.pk}/").content.decode()
    report = load_workbook(io.BytesIO(client.get(f"/imports/{job.pk}/errors.xlsx").content)).active
    cells = " ".join(str(cell.value) for row in report.iter_rows() for cell in row)
    api = client.get(f"/api/imports/{job.pk}/").content.decode()
    masked = full[:6] + "********" + full[-4:]
    assert masked in detail and full not in detail
    assert masked in cells and full not in cells and "13912345670" not in cells
    assert full not in api


# --- the observations of issue 11, each a test that failed before ------------------------------


@pytest.mark.parametrize("role", ["auditor", "inspector", "village_official"])
def test_read_only_roles_cannot_import_households(client, role):
    login(client, role)
    headers, rows = job_rows("households")
    before = Household.objects.count(), Member.objects.count()
    assert upload(client, "households", xlsx_bytes(headers, rows)).status_code == 403
    assert (Household.objects.count(), Member.objects.count()) == before
    assert not ImportJob.objects.filter(created_by__username=role).exists()


def test_a_village_official_cannot_rename_his_village_through_units(client):
    login(client, "village_official")
    headers, rows = job_rows("units")
    assert upload(client, "units", xlsx_bytes(headers, rows)).status_code == 403
    assert AdminUnit.objects.get(code=VILLAGE).name == "青石东村"


def test_the_auditor_cannot_create_a_village_through_units(client):
    login(client, "auditor")
    headers = ["行政区划代码", "名称", "层级", "上级代码", "是否贫困村", "计划出列年度", "出列年度"]
    rows = [["349901101299", "探针村", "村", TOWNSHIP, "否", "", ""]]
    assert upload(client, "units", xlsx_bytes(headers, rows)).status_code == 403
    assert not AdminUnit.objects.filter(name="探针村").exists()


def test_a_job_of_a_refused_user_cannot_be_confirmed_by_him(client, tmp_path):
    """A job an auditor managed to create before (or through another door) stays unwritten."""
    headers, rows = job_rows("units")
    path = write_xlsx(tmp_path / "units.xlsx", headers, rows)
    auditor = User.objects.get(username="auditor")
    job = import_services.create_job(kind="units", path=path, file_name=path.name, actor=auditor)
    import_services.validate_job(job)
    client.force_login(auditor)
    assert client.post(f"/imports/{job.pk}/confirm/").status_code in (403, 404)
    assert AdminUnit.objects.get(code=VILLAGE).name == "青石东村"


def test_a_queued_confirmation_checks_the_role_again(tmp_path):
    """A large file is written by a Celery task: the task asks the same question as the page."""
    from accountability import tasks

    job = validated_job(tmp_path, "units")
    job.status = ImportStatus.WRITING
    job.save(update_fields=["status"])
    assert tasks.confirm_import(job.pk, User.objects.get(username="auditor").pk) == ImportStatus.VALIDATED
    assert AdminUnit.objects.get(code=VILLAGE).name == "青石东村"
    assert tasks.confirm_import(job.pk, job.created_by_id) == ImportStatus.DONE
    assert AdminUnit.objects.get(code=VILLAGE).name == "改名村"


def test_the_command_as_a_user_checks_his_role(tmp_path):
    headers, rows = job_rows("units")
    path = write_xlsx(tmp_path / "units.xlsx", headers, rows)
    with pytest.raises(CommandError, match="无权导入"):
        call_command("import_xlsx", "units", str(path), "--as", "auditor", stdout=io.StringIO())
    assert AdminUnit.objects.get(code=VILLAGE).name == "青石东村"
    assert not ImportJob.objects.filter(created_by__username="auditor").exists()
    call_command("import_xlsx", "units", str(path), "--as", "city_office", stdout=io.StringIO())
    assert AdminUnit.objects.get(code=VILLAGE).name == "改名村"


# --- 3. the admin cannot raise anyone's rights -------------------------------------------------


def user_form(user: User, **changes) -> dict:
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on" if user.is_active else "",
        "is_staff": "on" if user.is_staff else "",
        "groups": [str(pk) for pk in user.groups.values_list("pk", flat=True)],
        "jurisdiction": user.jurisdiction_id or "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value != ""}


def group_pk(code: str) -> str:
    return str(role_group(code).pk)


def test_the_jurisdiction_admin_cannot_give_himself_the_system_administrator_group(client):
    admin = login(client, "county_admin")
    before = write_marks()
    client.post(
        f"/admin/accountability/user/{admin.pk}/change/",
        user_form(
            admin, groups=[group_pk("system_admin"), group_pk("jurisdiction_admin")], is_superuser="on"
        ),
    )
    admin.refresh_from_db()
    assert not admin.is_superuser
    assert list(admin.groups.values_list("name", flat=True)) == ["辖区管理员"]
    assert write_marks() == before


@pytest.mark.parametrize("code", ["system_admin", "city_office"])
def test_the_jurisdiction_admin_cannot_give_a_system_or_city_wide_role(client, code):
    login(client, "county_admin")
    target = User.objects.get(username="township_staff")
    before = write_marks()
    response = client.post(
        f"/admin/accountability/user/{target.pk}/change/", user_form(target, groups=[group_pk(code)])
    )
    assert response.status_code == 200  # the form again, with the reason
    assert list(target.groups.values_list("name", flat=True)) == ["乡镇工作人员"]
    assert write_marks() == before


def test_the_jurisdiction_admin_gives_a_county_role_inside_his_county(client):
    """The control: the same form does write when the role is his to give."""
    login(client, "county_admin")
    target = User.objects.get(username="township_staff")
    response = client.post(
        f"/admin/accountability/user/{target.pk}/change/",
        user_form(target, groups=[group_pk("county_office")]),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert list(target.groups.values_list("name", flat=True)) == ["县扶贫办工作人员"]
    # who gave and who took which role, in the history
    events = UserRoleEvent.objects.filter(user_id=target.pk, pgh_context__metadata__username="county_admin")
    assert sorted(events.values_list("pgh_label", "group_id")) == [
        ("role.add", role_group("county_office").pk),
        ("role.remove", role_group("township_staff").pk),
    ]


def test_the_jurisdiction_admin_cannot_reach_users_of_the_sibling_county(client):
    login(client, "county_admin")
    target = User.objects.get(username="county2_office")
    before = write_marks()
    response = client.post(
        f"/admin/accountability/user/{target.pk}/change/",
        user_form(target, groups=[group_pk("system_admin")]),
    )
    assert response.status_code in (302, 403, 404)
    assert write_marks() == before


def test_the_jurisdiction_admin_cannot_edit_an_account_with_rights_he_cannot_give(client):
    """A county user made city office by the system administrator: the county admin could take
    the account over (password, flags) — he may not change it at all."""
    login(client, "county_admin")
    target = User.objects.get(username="township_staff")
    target.groups.set([role_group("city_office")])
    before = write_marks()
    response = client.post(f"/admin/accountability/user/{target.pk}/change/", user_form(target, groups=[]))
    assert response.status_code == 403
    assert write_marks() == before


def test_group_and_permission_pages_are_closed_to_the_jurisdiction_admin(client):
    login(client, "county_admin")
    group = role_group("jurisdiction_admin")
    before = write_marks()
    assert client.get("/admin/auth/group/").status_code == 403
    assert client.get(f"/admin/auth/group/{group.pk}/change/").status_code == 403
    client.post(f"/admin/auth/group/{group.pk}/change/", {"name": group.name, "permissions": []})
    client.post("/admin/auth/group/add/", {"name": "后门"})
    assert write_marks() == before


def test_every_admin_change_form_refuses_writes_outside_the_jurisdiction(client):
    """Every registered admin model: the county admin's GET and POST of a record of the sibling
    county (or, for unscoped models, any record) write nothing."""
    from django.contrib import admin as django_admin

    from accountability.access.scoping import is_scoped, jurisdiction_filter

    login(client, "county_admin")
    before = write_marks()
    tried = 0
    for model in django_admin.site._registry:
        queryset = model._default_manager.all()
        if is_scoped(model):
            queryset = queryset.filter(jurisdiction_filter(model, "349902"))
        obj = queryset.first()
        if obj is None:
            continue
        url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/{obj.pk}/change/"
        client.get(url)  # reads are the scoping matrix's; some (policy profiles) are meant
        client.post(url, {"name": "篡改"})
        tried += 1
    assert tried >= 8
    assert write_marks() == before


# --- 4. history masks what the pages mask ------------------------------------------------------


@pytest.fixture
def history_records():
    """A record of every history page in 青石东村 (or 东山县), with an update of the personal fields
    so that the change diffs hold them too; returns (page, pk) pairs and the full values."""
    official = Official.objects.filter(assignments__scope_unit_id=VILLAGE).first()
    household = Household.objects.filter(village_id=VILLAGE).first()
    new_id = official.id_number[:16] + "9"
    new_id += check_character(new_id)
    with history_context(reason="测试：改号"):
        Official.objects.filter(pk=official.pk).update(mobile="13700000017", id_number=new_id)
        Household.objects.filter(pk=household.pk).update(phone="13700000018")
    secrets = {official.id_number, new_id, official.mobile, "13700000017", household.phone, "13700000018"}
    secrets |= set(household.members.values_list("id_number", flat=True))
    pages = []
    for key, label in HISTORY_PAGES.items():
        model = apps.get_model(label)
        from accountability.access.scoping import jurisdiction_filter

        obj = model._default_manager.filter(jurisdiction_filter(model, VILLAGE)).first()
        obj = obj or model._default_manager.filter(jurisdiction_filter(model, COUNTY[:6])).first()
        if obj is not None:
            pages.append((key, obj.pk, obj))
    assert {"official", "household", "unit", "assignment", "pairing"} <= {key for key, _pk, _obj in pages}
    return pages, {s for s in secrets if s}


@pytest.mark.parametrize("role", ROLES)
def test_history_pages_mask_personal_data_for_roles_without_the_right(client, role, history_records):
    pages, secrets = history_records
    login(client, role)
    for key, pk, _obj in pages:
        response = client.get(f"/history/{key}/{pk}/")
        inside = role in COVERS_VILLAGE
        if role in {"county2_office"}:
            assert response.status_code == 404, key
            continue
        if response.status_code == 404:
            assert not inside or key not in {"official", "household", "unit", "assignment", "pairing"}, key
            continue
        assert response.status_code == 200, key
        body = response.content.decode()
        if role not in PERSONAL:
            leaked = [secret for secret in secrets if secret in body]
            assert not leaked, (key, leaked)
    if role in PERSONAL and role != "county2_office":
        body = client.get(
            f"/history/official/{pages[[k for k, _p, _o in pages].index('official')][1]}/"
        ).content
        assert "13700000017" in body.decode()  # the control: the right still shows it in full


# --- the project's own user-management page: the same service, the same answers ----------------


@pytest.mark.parametrize("role", ROLES)
def test_the_user_page_is_for_user_administrators_of_the_jurisdiction(client, role):
    login(client, role)
    response = client.get("/users/")
    if role not in {"admin", "county_admin"}:
        assert response.status_code == 403
        return
    listed = {user.username for user in response.context["users"]}
    if role == "county_admin":
        assert "township_staff" in listed and "county_office" in listed
        assert not listed & {"county2_office", "auditor", "admin", "city_office"}
    else:
        assert {"county2_office", "auditor", "admin"} <= listed


@pytest.mark.parametrize(
    ("target", "code", "status"),
    [
        # a role not offered is refused by the form (200, the form again), one offered by the service
        ("county_admin", "system_admin", {200, 403}),  # himself
        ("county_admin", "county_office", {403}),  # himself, even a lesser role
        ("township_staff", "system_admin", {200, 403}),
        ("township_staff", "city_office", {200, 403}),
        ("county2_office", "county_office", {404}),  # the sibling county's user
        ("township_staff", "county_office", {302}),  # the control: his to give
    ],
)
def test_the_user_page_gives_only_roles_the_actor_may_give(client, target, code, status):
    login(client, "county_admin")
    user = User.objects.get(username=target)
    before_groups = set(user.groups.values_list("name", flat=True))
    before = write_marks()
    response = client.post(f"/users/{user.pk}/roles/", {"groups": [group_pk(code)]})
    assert response.status_code in status
    groups = set(user.groups.values_list("name", flat=True))
    if status == {302}:
        assert groups == {role_group(code).name}
    else:
        assert groups == before_groups
        assert write_marks() == before


def test_a_role_carrying_a_system_right_is_the_system_administrators_to_give():
    """A county role to which the system administrator added a system right (the beat schedule)
    is no longer a jurisdiction administrator's to give."""
    from django.contrib.auth.models import Permission

    from accountability.access.user_roles import RoleAssignmentError, user_roles_set

    actor = User.objects.get(username="county_admin")
    target = User.objects.get(username="township_staff")
    office = role_group("county_office")
    office.permissions.add(Permission.objects.get(codename="change_periodictask"))
    with pytest.raises(RoleAssignmentError, match="县扶贫办工作人员"):
        user_roles_set(actor=actor, user=target, groups=[office])
    assert list(target.groups.values_list("name", flat=True)) == ["乡镇工作人员"]
    user_roles_set(actor=User.objects.get(username="admin"), user=target, groups=[office])
    assert list(target.groups.values_list("name", flat=True)) == ["县扶贫办工作人员"]
