"""Sections the apps add to a unit's page (a finding app's open problems, …) and to an official's page
(the assessment's quarterly village outcomes): registered from
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


# The same for an official's page (the assessment: the quarterly outcome of the villages the official
# held a post for): a template and a function ``(user, official) -> context``.

OFFICIAL_SECTIONS: list[UnitSection] = []


def register_official_section(template: str, context: Callable[[Any, Any], dict]) -> None:
    if not any(s.template == template for s in OFFICIAL_SECTIONS):
        OFFICIAL_SECTIONS.append(UnitSection(template, context))


def official_sections(user, official) -> list[RenderedSection]:
    """The registered sections for this official and user (a section returning ``{}`` is left out)."""
    rendered = []
    for section in OFFICIAL_SECTIONS:
        context = section.context(user, official)
        if context:
            rendered.append(RenderedSection(section.template, context))
    return rendered
