"""INSERT ... ON CONFLICT DO NOTHING for both dialects."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Insert
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession


def insert_ignoring_conflicts(session: AsyncSession, table: Any, values: dict[str, Any]) -> Insert:
    """An insert that silently does nothing when a unique constraint already holds the row."""
    dialect = session.bind.dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    return module.insert(table).values(**values).on_conflict_do_nothing()
