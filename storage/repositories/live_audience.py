"""Who a live session's member messages are for: the RSVPs of people who may still come.

The join link, reminders and the recording are for members, so each query takes the moment
of sending and passes over anyone whose membership has ended (or who never had one) by then.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, String, and_, cast, exists, func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Member, OutboxMessage, Rsvp
from storage.repositories.members import has_current_membership


def may_come(now: datetime, grace: timedelta) -> ColumnElement[bool]:
    """The outer query's `Member` is the creator's team, or a current member at `now`
    (storage.repositories.members.current_members), and still in the workspace."""
    return and_(Member.left_at.is_(None), or_(Member.role != "member", has_current_membership(now, grace)))


async def rsvped(
    session: AsyncSession,
    session_id: int,
    now: datetime,
    grace: timedelta,
    *,
    before: datetime | None = None,
    not_queued: tuple[str, str] | None = None,
) -> Sequence[Member]:
    """Who RSVP'd (before `before`, when given) and may come at `now`, in RSVP order. With
    `not_queued` (prefix, suffix): only those with no outbox row keyed `prefix + member id + suffix`
    yet, so a scan that runs every minute reads only who is left. Someone passed over is read again
    next time: coming back before the reminder counts."""
    query = (
        select(Member)
        .join(Rsvp, Rsvp.member_id == Member.id)
        .where(Rsvp.session_id == session_id, may_come(now, grace))
        .order_by(Rsvp.id)
    )
    if before is not None:
        query = query.where(Rsvp.created_at <= before)
    if not_queued is not None:
        prefix, suffix = not_queued
        key = literal(prefix) + cast(Member.id, String) + literal(suffix)
        query = query.where(~exists().where(OutboxMessage.dedupe_key == key))
    return (await session.scalars(query)).all()


async def rsvped_with_attendance(
    session: AsyncSession, session_id: int, now: datetime, grace: timedelta
) -> Sequence[tuple[Member, bool]]:
    """Who RSVP'd and may come at `now` (who the recording is for), each with whether they came."""
    rows = await session.execute(
        select(Member, Rsvp.attended)
        .join(Rsvp, Rsvp.member_id == Member.id)
        .where(Rsvp.session_id == session_id, may_come(now, grace))
        .order_by(Rsvp.id)
    )
    return [(member, bool(attended)) for member, attended in rows.all()]


async def count_rsvps(
    session: AsyncSession, session_id: int, now: datetime, grace: timedelta, member_id: int | None = None
) -> int:
    """How many who RSVP'd may come at `now` (the count members and the creator see); with
    `member_id`, 1 if that member RSVP'd and may come (an ex-member is not "going")."""
    query = (
        select(func.count())
        .select_from(Rsvp)
        .join(Member, Member.id == Rsvp.member_id)
        .where(Rsvp.session_id == session_id, may_come(now, grace))
    )
    if member_id is not None:
        query = query.where(Rsvp.member_id == member_id)
    return int(await session.scalar(query) or 0)


async def attendance(
    session: AsyncSession, session_id: int, now: datetime, grace: timedelta
) -> list[tuple[int, str, bool]]:
    """Who was expected or came, in RSVP order: (member id, display name, came). An RSVP of someone who
    may no longer come (an ex-member) is left out unless they came, as `count_rsvps` leaves it out."""
    rows = await session.execute(
        select(Member.id, Member.display_name, Rsvp.attended)
        .join(Member, Member.id == Rsvp.member_id)
        .where(Rsvp.session_id == session_id, or_(Rsvp.attended.is_(True), may_come(now, grace)))
        .order_by(Rsvp.id)
    )
    return [(member_id, name, bool(attended)) for member_id, name, attended in rows.all()]
