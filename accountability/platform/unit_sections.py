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


def _register(sections: list[UnitSection], template: str, context: Callable[[Any, Any], dict]) -> None:
    if not any(s.template == template for s in sections):
        sections.append(UnitSection(template, context))


def _render(sections: list[UnitSection], user, subject) -> list[RenderedSection]:
    """The registered sections for this subject and user (a section returning ``{}`` is left out)."""
    rendered = []
    for section in sections:
        context = section.context(user, subject)
        if context:
            rendered.append(RenderedSection(section.template, context))
    return rendered


def register_unit_section(template: str, context: Callable[[Any, Any], dict]) -> None:
    _register(UNIT_SECTIONS, template, context)


def unit_sections(user, unit) -> list[RenderedSection]:
    return _render(UNIT_SECTIONS, user, unit)


# The same for an official's page (the assessment: the quarterly outcome of the villages the official
# held a post for): a template and a function ``(user, official) -> context``.

OFFICIAL_SECTIONS: list[UnitSection] = []


def register_official_section(template: str, context: Callable[[Any, Any], dict]) -> None:
    _register(OFFICIAL_SECTIONS, template, context)


def official_sections(user, official) -> list[RenderedSection]:
    return _render(OFFICIAL_SECTIONS, user, official)
