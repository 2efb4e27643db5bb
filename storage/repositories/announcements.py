"""Announcements: drafts, their guarded status changes, what is due, and who a segment names."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import ColumnElement, CursorResult, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Announcement, Member, Membership, Tier
from storage.repositories.members import has_current_membership


async def add_draft(
    session: AsyncSession,
    *,
    community_id: int,
    author_id: int,
    segment: str,
    text: str,
    send_at: datetime,
    now: datetime,
) -> Announcement:
    """Save a draft; its id is set on return."""
    item = Announcement(
        community_id=community_id,
        author_id=author_id,
        segment=segment,
        text=text,
        send_at=send_at,
        status="draft",
        created_at=now,
    )
    session.add(item)
    await session.flush()
    return item


async def get(session: AsyncSession, community_id: int, announcement_id: int) -> Announcement | None:
    item = await session.get(Announcement, announcement_id)
    return item if item is not None and item.community_id == community_id else None


async def transition(
    session: AsyncSession, item: Announcement, allowed: Sequence[str], status: str, **values: object
) -> bool:
    """Move `item` to `status` in one guarded UPDATE, only from an `allowed` status (so a double
    click or a concurrent job changes it once). `item` is reloaded either way; False if it was not
    in an allowed status any more."""
    result = await session.execute(
        update(Announcement)
        .where(Announcement.id == item.id, Announcement.status.in_(allowed))
        .values(status=status, **values)
        .execution_options(synchronize_session=False)
    )
    await session.refresh(item)
    return cast("CursorResult[Any]", result).rowcount == 1


async def due_ids(session: AsyncSession, community_id: int, now: datetime) -> Sequence[int]:
    """Scheduled announcements whose time has come."""
    result = await session.scalars(
        select(Announcement.id).where(
            Announcement.community_id == community_id,
            Announcement.status == "scheduled",
            Announcement.send_at <= now,
        )
    )
    return result.all()


async def scheduled(session: AsyncSession, community_id: int) -> Sequence[Announcement]:
    """Scheduled announcements, soonest first."""
    result = await session.scalars(
        select(Announcement)
        .where(Announcement.community_id == community_id, Announcement.status == "scheduled")
        .order_by(Announcement.send_at, Announcement.id)
    )
    return result.all()


async def recently_sent(session: AsyncSession, community_id: int, limit: int) -> Sequence[Announcement]:
    """The last few sent, newest first."""
    result = await session.scalars(
        select(Announcement)
        .where(Announcement.community_id == community_id, Announcement.status == "sent")
        .order_by(Announcement.sent_at.desc(), Announcement.id.desc())
        .limit(limit)
    )
    return result.all()


async def segment_members(
    session: AsyncSession,
    community_id: int,
    kind: str,
    value: str | None,
    *,
    now: datetime,
    grace: timedelta,
    inactive_since: datetime,
    holding: Sequence[str],
) -> Sequence[Member]:
    """Everyone a segment names right now, identities loaded, oldest member first.

    Current members (and moderators) who have not left; the creator sends announcements and
    never receives them. An ex-member, a visitor or a waitlisted person is in no segment.
    `inactive` is whoever was last active at `inactive_since` or before (or never);
    `tier` and `founding` need an open membership in one of the `holding` statuses.
    """
    where: list[ColumnElement[bool]] = [
        Member.community_id == community_id,
        Member.left_at.is_(None),
        Member.role != "creator",
        or_(Member.role != "member", has_current_membership(now, grace)),
    ]
    if kind == "level":
        where.append(Member.level == int(value or 0))
    elif kind == "inactive":
        where.append(or_(Member.last_active_at.is_(None), Member.last_active_at <= inactive_since))
    elif kind in ("tier", "founding"):
        access = (
            select(Membership.member_id)
            .join(Tier, Tier.id == Membership.tier_id)
            .where(Membership.ended_at.is_(None), Membership.status.in_(holding))
        )
        if kind == "tier":
            access = access.where(Tier.key == value, Tier.community_id == community_id)
        else:
            access = access.where(Membership.founding.is_(True))
        where.append(Member.id.in_(access))
    result = await session.scalars(select(Member).where(*where).order_by(Member.id))
    return result.all()
