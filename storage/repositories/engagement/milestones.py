"""Milestones: who reached one not yet recorded (tenure, a first post, live sessions attended), and recording it once."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import LiveSession, Member, Membership, Milestone, Rsvp
from storage.repositories import members
from storage.repositories._upsert import insert_new
from storage.repositories.engagement import Person, people, person


def _not_reached(key: str) -> ColumnElement[bool]:
    return ~exists().where(Milestone.member_id == Member.id, Milestone.key == key)


async def started_between(
    session: AsyncSession, community_id: int, now: datetime, grace: timedelta, key: str, start: datetime, end: datetime
) -> list[Person]:
    """Current members with a membership that started between `start` and `end` (a range of
    `ix_memberships_started`) who have not reached `key`. Tenure counts from the start of the current
    membership, which is one of these starts: the caller checks each one's exact tenure."""
    started = select(Membership.member_id).where(Membership.started_at.between(start, end))
    rows = await session.execute(
        people().where(members.current_members(community_id, now, grace), Member.id.in_(started), _not_reached(key))
    )
    return [person(row) for row in rows]


async def first_posts(
    session: AsyncSession, community_id: int, now: datetime, grace: timedelta, key: str, posted_since: datetime
) -> list[tuple[Person, datetime]]:
    """Current members whose first post came after `posted_since` and who have not reached `key`, with
    its time (a range of `ix_members_first_post`, not every member active lately)."""
    rows = await session.execute(
        people(Member.first_posted_at).where(
            Member.community_id == community_id,
            Member.first_posted_at >= posted_since,
            _not_reached(key),
            members.current_members(community_id, now, grace),
        )
    )
    return [(person(row), row[-1]) for row in rows]


async def live_regulars(
    session: AsyncSession, community_id: int, now: datetime, grace: timedelta, key: str, count: int
) -> list[Person]:
    """Current members who attended at least `count` live sessions and have not reached `key`."""
    regulars = (
        select(Rsvp.member_id).where(Rsvp.attended.is_(True)).group_by(Rsvp.member_id).having(func.count() >= count)
    )
    rows = await session.execute(
        people().where(members.current_members(community_id, now, grace), Member.id.in_(regulars), _not_reached(key))
    )
    return [person(row) for row in rows]


async def attended_ends(session: AsyncSession, member_ids: Sequence[int]) -> dict[int, list[datetime]]:
    """When each live session these members attended ended, per member, in order."""
    rows = await session.execute(
        select(Rsvp.member_id, LiveSession.starts_at, LiveSession.duration_min)
        .join(LiveSession, LiveSession.id == Rsvp.session_id)
        .where(Rsvp.attended.is_(True), Rsvp.member_id.in_(member_ids))
        .order_by(LiveSession.starts_at)
    )
    ends: dict[int, list[datetime]] = defaultdict(list)
    for member_id, starts_at, minutes in rows:
        ends[member_id].append(starts_at + timedelta(minutes=minutes))
    return dict(ends)


async def record_many(session: AsyncSession, key: str, reached: Sequence[tuple[int, datetime]]) -> set[int]:
    """Record the milestone for a scan's batch: the members this call recorded it for (those a
    concurrent scan recorded meanwhile are left out)."""
    rows = [{"member_id": mid, "key": key, "reached_at": at} for mid, at in reached]
    return await insert_new(session, Milestone, rows, Milestone.member_id)
