"""The monthly recap: whose recap is due (by time zone and preferred time), and what their month held.

Whether a member's recap went out is the outbox row under its key (`<key_prefix><member id>`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time, timedelta

from sqlalchemy import ColumnElement, String, cast, exists, func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    ContentItem,
    FaqQuestion,
    LiveSession,
    Member,
    MemberPreferences,
    Membership,
    OutboxMessage,
    Rsvp,
)
from storage.repositories import members, progress
from storage.repositories.engagement import Person, people, person


def _not_sent(key_prefix: str) -> ColumnElement[bool]:
    return ~exists().where(OutboxMessage.dedupe_key == literal(key_prefix) + cast(Member.id, String))


def _member_between(start: datetime, until: datetime) -> ColumnElement[bool]:
    """The member held a membership that began by `until` and had not ended before `start`. A cheap
    first cut in SQL; the exact rule (their current membership began by then) is the caller's."""
    return exists().where(
        Membership.member_id == Member.id,
        Membership.started_at <= until,
        or_(Membership.ended_at.is_(None), Membership.ended_at >= start),
    )


async def schedules(
    session: AsyncSession, community_id: int, now: datetime, grace: timedelta, joined_by: datetime, key_prefix: str
) -> list[tuple[str | None, time | None]]:
    """The (time zone, preferred time) pairs of current members who joined by `joined_by` and have no recap yet."""
    rows = await session.execute(
        select(Member.timezone, MemberPreferences.time_of_day)
        .outerjoin(MemberPreferences, MemberPreferences.member_id == Member.id)
        .where(members.current_members(community_id, now, grace), Member.joined_at <= joined_by, _not_sent(key_prefix))
        .distinct()
    )
    return [(zone, preferred) for zone, preferred in rows.all()]


async def last_drop(session: AsyncSession, community_id: int, start: datetime, end: datetime) -> datetime | None:
    """The last drop published in [start, end)."""
    return await session.scalar(
        select(func.max(ContentItem.published_at)).where(
            ContentItem.community_id == community_id, ContentItem.published_at >= start, ContentItem.published_at < end
        )
    )


async def due(
    session: AsyncSession,
    community_id: int,
    now: datetime,
    grace: timedelta,
    *,
    joined_by: datetime,
    zone: str | None,
    preferred: time | None,
    key_prefix: str,
    start: datetime,
    end: datetime,
    last_drop: datetime | None,
    after: int,
    limit: int,
) -> list[Person]:
    """Current members (id above `after`, by id) in `zone` with `preferred` time who joined by `joined_by` and
    were members in the month, have no recap yet, and whose month [start, end) had something in it: a drop
    while they were a member (`last_drop`: the month's last), a live session attended, a question
    answered. An empty recap is not sent, and not looked at again every hour either."""
    live = exists().where(
        Rsvp.member_id == Member.id,
        Rsvp.attended.is_(True),
        LiveSession.id == Rsvp.session_id,
        LiveSession.starts_at >= start,
        LiveSession.starts_at < end,
    )
    answered = exists().where(
        FaqQuestion.member_id == Member.id,
        FaqQuestion.status.in_(progress.ANSWERED),
        FaqQuestion.asked_at >= start,
        FaqQuestion.asked_at < end,
    )
    dropped = _member_between(last_drop, last_drop) if last_drop is not None else None
    something = or_(dropped, live, answered) if dropped is not None else or_(live, answered)
    same_zone = Member.timezone == zone if zone is not None else Member.timezone.is_(None)
    same_time = (
        MemberPreferences.time_of_day == preferred if preferred is not None else MemberPreferences.time_of_day.is_(None)
    )
    rows = await session.execute(
        people()
        .where(
            members.current_members(community_id, now, grace),
            Member.joined_at <= joined_by,
            _member_between(start, joined_by),
            same_zone,
            same_time,
            _not_sent(key_prefix),
            something,
            Member.id > after,
        )
        .order_by(Member.id)
        .limit(limit)
    )
    return [person(row) for row in rows]


async def month_activity(
    session: AsyncSession, community_id: int, member_ids: Sequence[int], start: datetime, end: datetime
) -> tuple[list[datetime], dict[int, list[datetime]], dict[int, list[datetime]]]:
    """In [start, end): when each drop was published; per member, when each live session they attended
    began and when each question of theirs that was answered was asked (the caller counts from the
    start of each one's membership)."""
    published = await session.scalars(
        select(ContentItem.published_at).where(
            ContentItem.community_id == community_id, ContentItem.published_at >= start, ContentItem.published_at < end
        )
    )
    live = await session.execute(
        select(Rsvp.member_id, LiveSession.starts_at)
        .join(LiveSession, LiveSession.id == Rsvp.session_id)
        .where(
            Rsvp.member_id.in_(member_ids),
            Rsvp.attended.is_(True),
            LiveSession.status != "canceled",
            LiveSession.starts_at >= start,
            LiveSession.starts_at < end,
        )
    )
    attended: dict[int, list[datetime]] = {}
    for member_id, at in live.all():
        attended.setdefault(int(member_id), []).append(at)
    asked = await progress.answered_questions(session, community_id, member_ids, start, end)
    return [p for p in published.all() if p is not None], attended, asked
