from __future__ import annotations

import pytest
import yaml

from accountability.models import User
from tests.demo_data import demo_db  # noqa: F401

pytestmark = pytest.mark.usefixtures("demo_db")


@pytest.mark.django_db
def test_every_api_endpoint_is_in_the_openapi_schema(client):
    client.force_login(User.objects.get(username="city_office"))
    schema = yaml.safe_load(client.get("/api/schema/").content)
    paths = set(schema["paths"])
    for path in [
        "/api/units/",
        "/api/units/{code}/",
        "/api/units/{code}/children/",
        "/api/units/gaps/",
        "/api/organisations/",
        "/api/officials/",
        "/api/officials/{id}/",
        "/api/assignments/",
        "/api/assignments/handover/",
        "/api/pairings/",
        "/api/imports/",
        "/api/health/",
    ]:
        assert path in paths, path


@pytest.mark.django_db
def test_a_jurisdiction_admin_manages_only_the_users_of_the_subtree(client):
    admin_user = User.objects.get(username="county_admin")
    client.force_login(admin_user)
    page = client.get("/admin/accountability/user/")
    names = {user.username for user in page.context["cl"].result_list}
    assert "county_office" in names and "village_official" in names
    assert "county2_office" not in names and "city_office" not in names and "admin" not in names
    other = User.objects.get(username="county2_office")
    assert (
        client.get(f"/admin/accountability/user/{other.pk}/change/").status_code == 302
    )  # not found → index


@pytest.mark.django_db
def test_a_jurisdiction_admin_cannot_make_a_superuser(client):
    client.force_login(User.objects.get(username="county_admin"))
    target = User.objects.get(username="township_staff")
    form = client.get(f"/admin/accountability/user/{target.pk}/change/").context["adminform"].form
    assert "is_superuser" not in form.fields and "user_permissions" not in form.fields
