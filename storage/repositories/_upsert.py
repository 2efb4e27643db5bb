"""INSERT ... ON CONFLICT DO NOTHING for both dialects, and how many rows a statement touched."""

from __future__ import annotations

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


def affected(result: Result[Any]) -> int:
    """How many rows an INSERT, UPDATE or DELETE touched (DML executes return a CursorResult)."""
    return cast("CursorResult[Any]", result).rowcount or 0
