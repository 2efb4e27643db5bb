"""Member activity rows: what a member did, and when they were last active."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import Table, bindparam, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Activity, Member
from storage.repositories.engagement import nudges

REF_LENGTH = 120
POST = "message"
"""The kind of activity that is a post in a channel (see `Member.first_posted_at`)."""


async def add(session: AsyncSession, member_id: int, kind: str, now: datetime, ref: str | None = None) -> None:
    """Log one activity and mark the member active now (a check-in not gone yet is withdrawn)."""
    await nudges.withdraw_unsent(session, {member_id: now})
    session.add(Activity(member_id=member_id, kind=kind, occurred_at=now, ref=(ref or None) and ref[:REF_LENGTH]))
    # A new quiet stretch: the nudge scan looks at them again when it may be due (Member.nudge_check_at).
    await session.execute(update(Member).where(Member.id == member_id).values(last_active_at=now, nudge_check_at=now))
    if kind == POST:
        await _first_posts(session, {member_id: now})


class ActivityRow(NamedTuple):
    member_id: int
    kind: str
    at: datetime
    ref: str | None = None


async def add_many(session: AsyncSession, rows: Sequence[ActivityRow]) -> None:
    """Log a batch in two statements: one multi-row INSERT, and one UPDATE per member with their latest time
    (after withdrawing, in two or three more, the check-ins not gone yet of those members: they are back)."""
    if not rows:
        return
    earliest: dict[int, datetime] = {}
    for r in rows:
        if r.member_id not in earliest or r.at < earliest[r.member_id]:
            earliest[r.member_id] = r.at
    await nudges.withdraw_unsent(session, earliest)
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
    first: dict[int, datetime] = {}
    for r in rows:
        if r.kind == POST and (r.member_id not in first or r.at < first[r.member_id]):
            first[r.member_id] = r.at
    await _first_posts(session, first)


async def _first_posts(session: AsyncSession, first: dict[int, datetime]) -> None:
    """Set `Member.first_posted_at` of those who had none (the members' earliest post in this batch)."""
    if not first:
        return
    # The table, not the entity: the ORM's bulk UPDATE by primary key takes no extra WHERE criteria.
    table = Member.__table__
    assert isinstance(table, Table)  # declared with a table; the base class only promises a FromClause
    await session.execute(
        update(table)
        .where(table.c.id == bindparam("mid"), table.c.first_posted_at.is_(None))
        .values(first_posted_at=bindparam("at")),
        [{"mid": mid, "at": at} for mid, at in sorted(first.items())],
    )


async def count_since(session: AsyncSession, member_id: int, since: datetime, kinds: tuple[str, ...]) -> int:
    found = await session.scalar(
        select(func.count())
        .select_from(Activity)
        .where(Activity.member_id == member_id, Activity.occurred_at >= since, Activity.kind.in_(kinds))
    )
    return found or 0
