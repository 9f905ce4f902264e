"""Sections the apps add to a unit's page (a finding app's open problems, …): registered from
``AppConfig.ready()`` as a template and a function ``(user, unit) -> context``; the core names no app."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class UnitSection:
    template: str
    context: Callable[[Any, Any], dict]


UNIT_SECTIONS: list[UnitSection] = []


@dataclass(frozen=True)
class RenderedSection:
    template: str
    context: dict


def register_unit_section(template: str, context: Callable[[Any, Any], dict]) -> None:
    if not any(s.template == template for s in UNIT_SECTIONS):
        UNIT_SECTIONS.append(UnitSection(template, context))


def unit_sections(user, unit) -> list[RenderedSection]:
    """The registered sections for this unit and user (a section returning ``{}`` is left out)."""
    rendered = []
    for section in UNIT_SECTIONS:
        context = section.context(user, unit)
        if context:
            rendered.append(RenderedSection(section.template, context))
    return rendered
