from __future__ import annotations

import datetime as dt


def parse_day(text: str | None) -> dt.date | None:
    """A YYYY-MM-DD query parameter, or None when absent or malformed."""
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None
