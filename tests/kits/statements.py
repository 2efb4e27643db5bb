"""Count the SQL statements a piece of code sends, per table written: for tests that a scan's cost
follows the work that is due (one INSERT for a batch, none when nothing is new)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from storage.database import Database

_INSERT = re.compile(r'^\s*INSERT\s+INTO\s+"?(\w+)"?', re.IGNORECASE)


@contextmanager
def inserts(database: Database) -> Iterator[Counter[str]]:
    """INSERT statements sent while the block runs, by table (an executemany counts once)."""
    found: Counter[str] = Counter()

    def seen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        match = _INSERT.match(statement)
        if match:
            found[match.group(1)] += 1

    engine = database.engine.sync_engine
    event.listen(engine, "before_cursor_execute", seen)
    try:
        yield found
    finally:
        event.remove(engine, "before_cursor_execute", seen)
