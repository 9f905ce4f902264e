"""The registry of metrics the accountability rules read.

The core never imports the apps that own the facts: each app registers its metrics here in
``AppConfig.ready()`` (visits: missed quotas; households: confirmed findings by unit and year), and
the rule engine asks for them by name. A metric is a function of keyword arguments returning
plain dataclasses, computed set-based over the whole hierarchy.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

METRICS: dict[str, Callable[..., Any]] = {}


def register_metric(name: str, function: Callable[..., Any]) -> None:
    METRICS[name] = function


def metric(name: str) -> Callable[..., Any]:
    try:
        return METRICS[name]
    except KeyError:
        raise LookupError(f"no metric named {name!r}; registered: {sorted(METRICS)}") from None
