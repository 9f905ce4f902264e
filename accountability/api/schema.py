"""The OpenAPI schema's error answers, documented once for every operation.

Every endpoint can answer 403 (not signed in, a privileged user's session without the second
factor — the first authentication class is the session's, so DRF answers 403 rather than 401 —,
or signed in without the right); an endpoint that takes a
query, a body or a path parameter can answer 400 with the Chinese messages keyed by field (or
``detail``), and 404 when it names an object (in the path, a filter or the body) that does not
exist or lies outside the caller's jurisdiction — the same answer for both. drf-spectacular documents only the
success answers; this hook adds the others with the one error shape ``exception_handler`` in
``accountability.api.base`` produces, so that clients (and the schemathesis run in CI) can rely
on "every status documented".
"""

from __future__ import annotations

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from drf_spectacular import openapi

ERROR_SCHEMA_NAME = "Error"
ERROR_SCHEMA = {
    "type": "object",
    "description": "出错说明：`detail` 为总的说明，或以字段名为键、值为该字段的中文错误信息列表。",
    "properties": {"detail": {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}},
    "additionalProperties": {
        "oneOf": [
            {"type": "string"},
            {"type": "array", "items": {}},
            {"type": "object"},
        ]
    },
}

DESCRIPTIONS = {
    "400": "请求参数或内容不符合要求（逐字段说明）",
    "403": "未登录、特权账号未通过第二重验证，或无权进行此操作",
    "404": "对象不存在或不在您的管辖范围内",
    "415": "不支持的请求内容类型",
}
HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def error_answers(operation: dict, *, path_has_parameters: bool) -> list[str]:
    """The error statuses an operation can answer, by what it takes."""
    answers = ["403"]
    takes_input = bool(operation.get("parameters")) or "requestBody" in operation or path_has_parameters
    if takes_input:
        answers.append("400")
    if "requestBody" in operation:
        answers.append("415")  # a body in a content type the operation does not parse
    if takes_input:  # an id in the path, a filter or the body naming an object not in reach
        answers.append("404")
    return answers


def document_error_responses(result, generator, request, public):
    """drf-spectacular postprocessing hook (SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"])."""
    result.setdefault("components", {}).setdefault("schemas", {})[ERROR_SCHEMA_NAME] = ERROR_SCHEMA
    content = {"application/json": {"schema": {"$ref": f"#/components/schemas/{ERROR_SCHEMA_NAME}"}}}
    for path, item in result.get("paths", {}).items():
        path_has_parameters = "{" in path
        for method, operation in item.items():
            if method not in HTTP_METHODS:
                continue
            responses = operation.setdefault("responses", {})
            for status in error_answers(operation, path_has_parameters=path_has_parameters):
                responses.setdefault(
                    status,
                    {"description": DESCRIPTIONS[status], "content": content},
                )
    return result


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's AutoSchema, true to what read-only fields hold.

    DRF drops ``allow_blank`` from read-only model fields (``include_extra_kwargs``), so a
    read-only choice or URL field of a model column that may be blank was documented as never
    blank while the API answers ``""`` for it; and a read-only field read through a relation
    that may be empty (``source="project.number"``) answers ``null``. Here such a field keeps the
    blank its column allows and the null its path allows.
    """

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        blank = field.read_only and not getattr(field, "allow_blank", False) and column_may_be_blank(field)
        if blank:
            field.allow_blank = True  # build_choice_field then lists "" among the choices
        if field.read_only and not field.allow_null and path_may_be_null(field):
            field.allow_null = True
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if blank and "format" in schema:  # "" is no uri, no e-mail address: say it may be empty
            schema = {"oneOf": [schema, {"type": "string", "maxLength": 0}]}
        return schema


def path_may_be_null(field) -> bool:
    """Whether a dotted source crosses a relation that may be empty (``project.number``)."""
    model = getattr(getattr(field.parent, "Meta", None), "model", None)
    source = getattr(field, "source", "")
    if model is None or "." not in source:
        return False
    for name in source.split(".")[:-1]:
        try:
            relation = model._meta.get_field(name)
        except FieldDoesNotExist:
            return False
        if not relation.is_relation or relation.related_model is None:
            return False
        if relation.null or not relation.concrete:  # a nullable or a reverse one-to-one relation
            return True
        model = relation.related_model
    return False


def column_may_be_blank(field) -> bool:
    """Whether the model column behind a serializer field is a text column with ``blank=True``."""
    model = getattr(getattr(field.parent, "Meta", None), "model", None)
    source = getattr(field, "source", "")
    if model is None or not source or "." in source or source == "*":
        return False
    try:
        column = model._meta.get_field(source)
    except FieldDoesNotExist:
        return False
    return isinstance(column, (models.CharField, models.TextField)) and column.blank
