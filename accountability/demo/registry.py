"""Demo loaders of the other apps, registered in their AppConfig.ready() (the core imports none of them)."""

from __future__ import annotations

from collections.abc import Callable

DEMO_LOADERS: list[Callable[[], object]] = []


def register_demo_loader(loader: Callable[[], object]) -> None:
    if loader not in DEMO_LOADERS:
        DEMO_LOADERS.append(loader)
