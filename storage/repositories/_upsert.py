"""INSERT ... ON CONFLICT DO NOTHING for both dialects, and how many rows a statement touched."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import CursorResult, Insert, Result
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession


def insert_ignoring_conflicts(session: AsyncSession, table: Any, values: dict[str, Any]) -> Insert:
    """An insert that silently does nothing when a unique constraint already holds the row."""
    return insert_for(session, table).values(**values).on_conflict_do_nothing()


def insert_for(session: AsyncSession, table: Any) -> Any:
    """The dialect's own INSERT (PostgreSQL's or SQLite's), which knows ON CONFLICT."""
    module = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return module.insert(table)


async def insert_new(
    session: AsyncSession, table: Any, rows: Sequence[dict[str, Any]], returning: Any, *, chunk: int = 500
) -> set[Any]:
    """Insert `rows`, `chunk` per statement, skipping those a unique constraint already holds; returns
    the `returning` column of the rows this call inserted (not of those inserted before, by another
    process meanwhile). 500 rows of a handful of columns stay below every driver's parameter limit."""
    inserted: set[Any] = set()
    for i in range(0, len(rows), chunk):
        statement = insert_for(session, table).values(list(rows[i : i + chunk])).on_conflict_do_nothing()
        inserted.update((await session.scalars(statement.returning(returning))).all())
    return inserted


def affected(result: Result[Any]) -> int:
    """How many rows an INSERT, UPDATE or DELETE touched (DML executes return a CursorResult)."""
    return cast("CursorResult[Any]", result).rowcount or 0
