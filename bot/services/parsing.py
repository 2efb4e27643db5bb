"""Numbers, durations and dates as people type them: one set of rules for every command, form and button.

Whole numbers are ASCII digits only (no sign, point or superscript) and never beyond what an
INTEGER column holds; durations are whole units (`2h`, `1h30m`, `3 days`); times ahead are
refused when past or more than a year away, so a date shown without its year is never ambiguous.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from bot.messages import MAX_ID
from bot.services.errors import UserError

__all__ = ["MAX_AHEAD", "MAX_DAYS", "MAX_ID", "check_ahead", "duration", "number", "record_id", "whole"]

MAX_AHEAD = timedelta(days=366)  # the furthest ahead anything can be scheduled
MAX_DAYS = 365  # the longest span a command counts in days (`/members inactive 30`)
_MAX_DIGITS = 19  # int() of a longer string is wasted work: it cannot be in range anyway
_UNITS = {
    "d": "days",
    "day": "days",
    "days": "days",
    "h": "hours",
    "hr": "hours",
    "hrs": "hours",
    "hour": "hours",
    "hours": "hours",
    "m": "minutes",
    "min": "minutes",
    "mins": "minutes",
    "minute": "minutes",
    "minutes": "minutes",
}
_PART = re.compile(r"\s*(\d{1,6})\s*([a-z]+)\s*", re.ASCII)
_MAX_DURATION = timedelta(days=3660)  # far beyond MAX_AHEAD, far below timedelta's limit


def whole(text: str, low: int = 0, high: int = MAX_ID) -> int | None:
    """`text` as a whole number from `low` to `high`, or None."""
    raw = text.strip()
    if not raw or len(raw) > _MAX_DIGITS or not (raw.isascii() and raw.isdigit()):
        return None
    value = int(raw)
    return value if low <= value <= high else None


def number(text: str, low: int, high: int, key: str, **values: Any) -> int:
    """A whole number from `low` to `high`, or the range message `key` (given `value`, `low`, `high`)."""
    found = whole(text, low, high)
    if found is None:
        raise UserError(key, value=text.strip()[:40], low=low, high=high, **values)
    return found


def record_id(text: str, key: str, **values: Any) -> int:
    """The number of a poll, announcement, member... (`12` or `#12`), or the feature's own message `key`."""
    found = whole(text.strip().removeprefix("#"), 1, MAX_ID)
    if found is None:
        raise UserError(key, **values)
    return found


def duration(text: str) -> timedelta | None:
    """`2h`, `90 minutes`, `1h30m`, `3 days`: whole units, each at most once; None if unreadable. A delay
    longer than a calendar can hold (`99999d`) comes back as ten years: too far, not unreadable."""
    raw = text.strip().lower()
    parts: dict[str, int] = {}
    position = 0
    while position < len(raw):
        match = _PART.match(raw, position)
        if match is None or match.group(2) not in _UNITS or _UNITS[match.group(2)] in parts:
            return None
        parts[_UNITS[match.group(2)]] = int(match.group(1))
        position = match.end()
    if not parts:
        return None
    return min(timedelta(**parts), _MAX_DURATION)


def check_ahead(
    moment: datetime, now: datetime, past_key: str, far_key: str, /, *, limit: timedelta = MAX_AHEAD, **values: Any
) -> datetime:
    """`moment` if it is after `now` and at most `limit` ahead; otherwise `past_key` or `far_key` (with `values`)."""
    if moment <= now:
        raise UserError(past_key, **values)
    if moment - now > limit:
        raise UserError(far_key, **values)
    return moment
