"""Shared send budgets: reserving sends against a workspace's rate in one atomic UPDATE.

The row holds the theoretical arrival time (`tat`) of the generic cell rate algorithm, in
seconds since the epoch. Reserving `count` sends moves it forward by `count * interval`
from wherever it stands (or from now, when it lies in the past). The statement is one
UPDATE ... RETURNING, so two processes reserving at once are serialised by the row lock on
PostgreSQL and by the write lock on SQLite, and never get the same slots.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, case, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import SendBudget
from storage.repositories._upsert import insert_ignoring_conflicts

# A `tat` further ahead than this is not a reservation but a clock that went backwards (a
# demo that moved time forward, then a restart on real time): it is treated as now.
HORIZON_S = 3600.0


async def ensure(session: AsyncSession, key: str, now: float) -> None:
    """Create the budget row if no worker has yet."""
    await session.execute(insert_ignoring_conflicts(session, SendBudget, {"key": key, "tat": now}))


def _from(now: float) -> ColumnElement[float]:
    """Where a reservation starts: the row's `tat` if it is ahead of now (and believable), else now."""
    return case(
        ((SendBudget.tat > now) & (SendBudget.tat < now + HORIZON_S), SendBudget.tat),
        else_=now,
    )


async def reserve(session: AsyncSession, key: str, *, now: float, count: int, interval: float) -> float:
    """Reserve `count` sends `interval` apart; returns the theoretical time of the first.

    The caller sends reservation i at `first + i * interval - tolerance` (its burst), not before now.
    """
    stmt = (
        update(SendBudget)
        .where(SendBudget.key == key)
        .values(tat=_from(now) + count * interval)
        .returning(SendBudget.tat)
    )
    tat = (await session.execute(stmt)).scalar_one()
    return float(tat) - count * interval


async def hold(session: AsyncSession, key: str, *, now: float, until: float) -> None:
    """Nothing is reserved before `until` (in `tat` terms): the platform asked everyone to wait."""
    start = _from(now)
    await session.execute(
        update(SendBudget).where(SendBudget.key == key).values(tat=case((start > until, start), else_=until))
    )


async def read(session: AsyncSession, key: str) -> float | None:
    """The row's `tat` (None: no worker has used this budget yet)."""
    return await session.scalar(select(SendBudget.tat).where(SendBudget.key == key))
