"""The OpenAPI schema documents every answer the API gives (issue 18): the error answers of each
operation (accountability/api/schema.py), blanks and nulls of read-only fields as the columns allow
them, and no pagination on an action that answers the whole list."""

from __future__ import annotations

import pytest
from drf_spectacular.generators import SchemaGenerator

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in {"get", "post", "put", "patch", "delete"}:
                yield path, method, operation


def test_every_operation_documents_its_error_answers(schema):
    assert schema["components"]["schemas"]["Error"]["type"] == "object"
    missing = []
    for path, method, operation in operations(schema):
        expected = {"403"}
        if "{" in path or operation.get("parameters") or "requestBody" in operation:
            expected |= {"400", "404"}
        if "requestBody" in operation:
            expected.add("415")
        if not expected <= set(operation["responses"]):
            missing.append((method, path, sorted(expected - set(operation["responses"]))))
    assert missing == []


def test_an_operation_without_input_documents_no_400(schema):
    health = schema["paths"]["/api/health/"]["get"]
    assert "400" not in health["responses"] and "404" not in health["responses"]


def test_read_only_fields_document_the_blank_and_null_they_can_hold(schema):
    components = schema["components"]["schemas"]
    # a read-only URL column with blank=True: "" is allowed beside a uri
    guide_url = components["FundPlan"]["properties"]["guide_url"]
    assert {"type": "string", "maxLength": 0} in guide_url["oneOf"]
    # read through a nullable relation (an allocation account has no project)
    assert components["LedgerAccount"]["properties"]["project_number"].get("nullable") is True
    # a field on a required relation stays non-nullable
    assert not components["LedgerEntry"]["properties"]["sequence"].get("nullable")


def test_the_gaps_action_answers_a_plain_list(schema):
    answer = schema["paths"]["/api/units/gaps/"]["get"]["responses"]["200"]["content"]["application/json"]
    assert answer["schema"]["type"] == "array"
