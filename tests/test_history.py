"""Every change is in an append-only history with its actor — bulk writes and COPY included."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import DatabaseError, connection, transaction

from accountability.models import AdminLevel, AdminUnit
from accountability.platform.history import bind_context_to_transaction, events_for, history_context

AdminUnitEvent = apps.get_model("accountability", "AdminUnitEvent")

#: Models that are logs themselves, not domain data (each says why).
NOT_TRACKED = {
    "accountability.ImportJob": "the import log itself; the rows it writes are tracked",
    "accountability.ExportRecord": "the export log itself, insert-only",
    "accountability.AuditEvent": "the audit log itself, insert-only",
    "accountability.Notification": "a message to one user: sending it is the record; read marks only",
    "accountability.RuleRun": "the log of rule runs; the alerts they write are tracked",
    "funds.LedgerEntry": "posted entries are append-only (a trigger refuses UPDATE/DELETE) and hash-chained",
    "funds.LedgerExport": "the export log itself (each export is also an ExportRecord and an audit event)",
}
DOMAIN_APPS = ["accountability", "households", "visits", "funds", "inspections"]


def context_of(event):
    return event.pgh_context.metadata if event.pgh_context else {}


@pytest.mark.django_db
def test_bulk_insert_is_in_history_with_the_actor(superuser):
    with transaction.atomic(), history_context(actor=superuser, reason="批量新增"):
        AdminUnit.objects.bulk_create(
            [
                AdminUnit(code="349900000000", name="示范市", level=AdminLevel.CITY),
                AdminUnit(
                    code="349901000000", name="东山县", level=AdminLevel.COUNTY, parent_id="349900000000"
                ),
            ]
        )
    events = AdminUnitEvent.objects.filter(pgh_label="insert").select_related("pgh_context")
    assert sorted(e.code for e in events) == ["349900000000", "349901000000"]
    for event in events:
        assert context_of(event)["user"] == superuser.pk
        assert context_of(event)["reason"] == "批量新增"


@pytest.mark.django_db
def test_queryset_update_is_in_history_with_before_and_after(demo_city, superuser):
    with transaction.atomic(), history_context(actor=superuser, reason="更名"):
        updated = AdminUnit.objects.filter(code__startswith="349901101").update(name="改名")
    assert updated == 5
    events = AdminUnitEvent.objects.filter(pgh_label="update").select_related("pgh_context")
    assert events.count() == 5
    assert {context_of(e)["username"] for e in events} == {superuser.username}
    unit = AdminUnit.objects.get(code="349901101201")
    newest = events_for(unit).first()
    assert newest.pgh_diff["name"] == ["青石东村", "改名"]
    assert newest.pgh_context["reason"] == "更名"


@pytest.mark.django_db
def test_copy_is_in_history_with_the_actor(demo_city, superuser):
    with transaction.atomic(), history_context(actor=superuser, reason="COPY 导入"):
        bind_context_to_transaction()
        with connection.cursor() as cursor:
            raw = cursor.cursor  # the psycopg cursor
            with raw.copy(
                "COPY accountability_adminunit (code, name, level, parent_id, is_poor_village) FROM STDIN"
            ) as copy:
                copy.write_row(("349901101299", "拷贝村", "village", "349901101000", False))
    event = AdminUnitEvent.objects.select_related("pgh_context").get(code="349901101299")
    assert event.pgh_label == "insert"
    assert context_of(event)["user"] == superuser.pk
    assert context_of(event)["reason"] == "COPY 导入"


@pytest.mark.django_db
def test_deletes_are_in_history(demo_city, superuser):
    with transaction.atomic(), history_context(actor=superuser, reason="撤并"):
        AdminUnit.objects.filter(code="349901101204").delete()
    event = AdminUnitEvent.objects.get(pgh_label="delete")
    assert event.code == "349901101204"


@pytest.mark.django_db
def test_history_is_append_only(demo_city):
    event = AdminUnitEvent.objects.first()
    with pytest.raises(DatabaseError), transaction.atomic():
        AdminUnitEvent.objects.filter(pk=event.pk).update(name="篡改")
    with pytest.raises(DatabaseError), transaction.atomic():
        AdminUnitEvent.objects.filter(pk=event.pk).delete()


def test_every_domain_model_is_tracked():
    tracked_models = {
        f"{model._meta.app_label}.{model.pgh_tracked_model.__name__}"
        for model in apps.get_models()
        if hasattr(model, "pgh_tracked_model")
    }
    missing = []
    for app_label in DOMAIN_APPS:
        for model in apps.get_app_config(app_label).get_models():
            label = f"{app_label}.{model.__name__}"
            if hasattr(model, "pgh_tracked_model") or label in NOT_TRACKED:
                continue
            if label not in tracked_models:
                missing.append(label)
    assert not missing, f"models without history (decorate with @tracked()): {missing}"


@pytest.mark.django_db
def test_a_web_request_records_user_and_request_id(client, demo_city, xlsx, superuser):
    client.force_login(superuser)
    path = xlsx([["349901101201", "新名字村", "村", "", "是", 2019, 2019]])
    with path.open("rb") as handle:
        response = client.post(
            "/imports/", {"kind": "units", "file": handle}, HTTP_X_REQUEST_ID="req-12345678"
        )
    job_url = response["Location"]
    response = client.post(job_url + "confirm/", HTTP_X_REQUEST_ID="req-abcdefgh")
    assert response.status_code == 302
    event = AdminUnitEvent.objects.select_related("pgh_context").get(code="349901101201", pgh_label="update")
    metadata = context_of(event)
    assert metadata["user"] == superuser.pk
    assert metadata["request_id"] == "req-abcdefgh"
    assert metadata["import_kind"] == "units"
    assert metadata["url"] == job_url + "confirm/"
