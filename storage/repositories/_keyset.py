"""Keyset pages in (time, id) order: a scan's next page starts after the last row it read."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, or_

Key = tuple[datetime, int]
"""Where the next page starts: the last row's time and id."""


def past(at: Any, row_id: Any, after: Key) -> ColumnElement[bool]:
    """Rows after `after` in (`at`, `row_id`) order."""
    after_at, after_id = after
    return and_(at >= after_at, or_(at > after_at, row_id > after_id))


def next_key(rows: Sequence[Any], limit: int, at: int, row_id: int) -> Key | None:
    """Where the page after `rows` starts (None when this one was the last), from the columns at
    positions `at` and `row_id` of its last row."""
    if len(rows) < limit:
        return None
    last_at = rows[-1][at]
    assert last_at is not None  # the query compares it
    return last_at, int(rows[-1][row_id])
