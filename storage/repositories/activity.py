"""Member activity rows: what a member did, and when they were last active."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Activity, Member

REF_LENGTH = 120


async def add(session: AsyncSession, member_id: int, kind: str, now: datetime, ref: str | None = None) -> None:
    """Log one activity and mark the member active now."""
    session.add(Activity(member_id=member_id, kind=kind, occurred_at=now, ref=(ref or None) and ref[:REF_LENGTH]))
    # A new quiet stretch: the nudge scan looks at them again when it may be due (Member.nudge_check_at).
    await session.execute(update(Member).where(Member.id == member_id).values(last_active_at=now, nudge_check_at=now))


class ActivityRow(NamedTuple):
    member_id: int
    kind: str
    at: datetime
    ref: str | None = None


async def add_many(session: AsyncSession, rows: Sequence[ActivityRow]) -> None:
    """Log a batch in two statements: one multi-row INSERT, and one UPDATE per member with their latest time."""
    if not rows:
        return
    values = [
        {"member_id": r.member_id, "kind": r.kind, "occurred_at": r.at, "ref": (r.ref or None) and r.ref[:REF_LENGTH]}
        for r in rows
    ]
    await session.execute(insert(Activity), values)
    latest: dict[int, datetime] = {}
    for r in rows:
        if r.member_id not in latest or r.at > latest[r.member_id]:
            latest[r.member_id] = r.at
    # ORM bulk UPDATE by primary key: one statement run for each member, in id order (no lock-order deadlock)
    await session.execute(
        update(Member),
        [{"id": mid, "last_active_at": at, "nudge_check_at": at} for mid, at in sorted(latest.items())],
    )


async def count_since(session: AsyncSession, member_id: int, since: datetime, kinds: tuple[str, ...]) -> int:
    found = await session.scalar(
        select(func.count())
        .select_from(Activity)
        .where(Activity.member_id == member_id, Activity.occurred_at >= since, Activity.kind.in_(kinds))
    )
    return found or 0
