"""Turning validation failures into the one Chinese message a page shows."""

from __future__ import annotations

from django.core.exceptions import ValidationError


def form_error(form) -> ValidationError:
    """An invalid form's errors as one error, each message prefixed with its field's label."""
    return ValidationError(
        [f"{form[name].label}：{e}" for name, errors in form.errors.items() for e in errors]
    )


def error_text(error: Exception) -> str:
    return "；".join(getattr(error, "messages", [str(error)]))
