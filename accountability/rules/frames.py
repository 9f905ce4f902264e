"""Sample frames: the lists of units of observation an app offers to the others, by name.

The assessment draws its verification sample (seed 003 Art. 7 (二), 抽查至户) from the registry's
households, but it imports no app: the app that owns the households registers a *frame provider*
here in ``AppConfig.ready()`` (households: ``"households"``), as it registers its metrics in
``accountability.metrics``. A provider is a function of keyword arguments ``year`` (the assessment
year; the frame is the registry at its cut-off, 31 December) and ``root`` (a code prefix), returning
``FrameHousehold`` values ordered by household number. Nothing but these plain values crosses the
border: the consumer never sees a model instance.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class FrameHousehold:
    """One household of a sample frame."""

    key: int  # the owner's primary key, stable for the life of the household
    number: str  # 户编号, what the field teams see
    village: str  # 12-digit code of its village
    head_name: str
    members: int
    status: str  # the registry's status code (``not_exited``, ``exited`` …)
    status_label: str  # its Chinese label
    exit_year: int | None
    cadre: str  # a stable identifier of the helping cadre paired at the cut-off ("" when none)
    cadre_name: str


@dataclass(frozen=True)
class FrameProvider:
    name: str
    label: str  # Chinese, shown where the frame is named
    function: Callable[..., list[FrameHousehold]]


FRAMES: dict[str, FrameProvider] = {}


def register_frame(name: str, function: Callable[..., list[FrameHousehold]], *, label: str) -> None:
    FRAMES[name] = FrameProvider(name, label, function)


def frame_provider(name: str) -> FrameProvider | None:
    """The provider registered under ``name``, or None when the app that owns it is not installed."""
    return FRAMES.get(name)
