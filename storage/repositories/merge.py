"""Merge one member record into another (two platform accounts that turn out to be one person).

Every table that points at members is found from the schema, so a new table is merged
too. Where a unique constraint would let the two collide (both have preferences, both
RSVP'd the same session) the surviving member's row wins and the other is dropped.
"""

from __future__ import annotations

from sqlalchemy import Column, Table, UniqueConstraint, delete, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Base, Member


def _member_columns() -> list[tuple[Table, Column]]:
    found = []
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            if any(fk.column.table.name == "members" for fk in column.foreign_keys):
                found.append((table, column))
    return found


def _unique_sets(table: Table, column: Column) -> list[list[Column]]:
    """For each unique key that includes `column`: the other columns of that key."""
    sets = []
    keys = [c for c in table.constraints if isinstance(c, UniqueConstraint)]
    keys_columns = [list(c.columns) for c in keys] + [list(table.primary_key.columns)]
    for columns in keys_columns:
        if column in columns:
            sets.append([c for c in columns if c is not column])
    if column.unique:
        sets.append([])
    return sets


async def merge_members(session: AsyncSession, keep_id: int, drop_id: int) -> None:
    """Move everything of `drop_id` onto `keep_id`, then delete `drop_id`."""
    for table, column in _member_columns():
        for others in _unique_sets(table, column):
            if not others:
                kept = await session.scalar(select(column).where(column == keep_id).limit(1))
                if kept is not None:
                    await session.execute(delete(table).where(column == drop_id))
                continue
            taken = select(*others).where(column == keep_id)
            target = others[0] if len(others) == 1 else tuple_(*others)
            await session.execute(delete(table).where(column == drop_id, target.in_(taken)))
        await session.execute(update(table).where(column == drop_id).values({column.name: keep_id}))
    await session.execute(delete(Member).where(Member.id == drop_id))
