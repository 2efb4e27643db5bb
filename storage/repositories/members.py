"""Members and their platform identities."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased, selectinload

from storage.models import Member, MemberPreferences, Membership, PlatformIdentity, Tier

# Who is a member. One definition, used by every member-facing message (drip, check-ins,
# "what you missed", recap, milestones, the public welcome) and the creator's member lists.
GRANTED = ("active", "trialing", "comped")  # the same as bot.services.billing.access.GRANTED
LATE = "past_due"  # a failed payment: still a member during the grace period, not after
DEFAULT_GRACE = timedelta(days=7)  # MEMBOT_GRACE_DAYS' default; bot.app passes the configured one

IN_CHUNK = 5000
"""Ids per IN (...) list: SQLite and asyncpg take at most 32,766 parameters a statement."""


class IdentityTaken(Exception):
    """Another transaction registered this platform account a moment ago: read theirs and go on."""


def grants_access(now: datetime, grace: timedelta, membership: Any = Membership) -> ColumnElement[bool]:
    """The membership (the model or an alias of it) is open and gives access now (a late payment
    only within the grace period). The SQL twin of bot.services.billing.access.has_access.
    """
    return and_(
        membership.ended_at.is_(None),
        or_(
            membership.status.in_(GRANTED),
            and_(membership.status == LATE, membership.past_due_since > now - grace),
        ),
    )


# An alias, so that a query which joins memberships itself keeps its own. Built once: `aliased()`
# took most of the time of building a member scan's WHERE clause, which the scheduler does hourly.
HELD_MEMBERSHIP = aliased(Membership, name="held_membership")


def has_current_membership(now: datetime, grace: timedelta) -> ColumnElement[bool]:
    """The outer query's `Member` holds a current membership."""
    held = HELD_MEMBERSHIP
    return exists().where(held.member_id == Member.id, grants_access(now, grace, held))


def current_members(community_id: int, now: datetime, grace: timedelta) -> ColumnElement[bool]:
    """Who member messages are for: members (not the creator or moderators) who have not left the
    workspace and hold a current membership. Arriving is not joining: a waitlisted person, someone
    who never joined, a removed member or a cancelled subscriber is not a current member."""
    return and_(
        Member.community_id == community_id,
        Member.role == "member",
        Member.left_at.is_(None),
        has_current_membership(now, grace),
    )


def stretch_start() -> ColumnElement[datetime]:
    """When a member was last active (or joined): the start of their current quiet stretch."""
    return func.coalesce(Member.last_active_at, Member.joined_at)


async def wake_nudges(session: AsyncSession, member_id: int) -> None:
    """Have the next nudge scan look at this member: something that lets them have check-ins again
    changed (a new membership, rejoining, opting back in). See `Member.nudge_check_at`."""
    await session.execute(update(Member).where(Member.id == member_id).values(nudge_check_at=stretch_start()))


async def by_identity(session: AsyncSession, platform: str, workspace_id: str, user_id: str) -> Member | None:
    return await session.scalar(
        select(Member)
        .join(PlatformIdentity)
        .where(
            PlatformIdentity.platform == platform,
            PlatformIdentity.workspace_id == workspace_id,
            PlatformIdentity.user_id == user_id,
        )
    )


async def get(session: AsyncSession, member_id: int) -> Member | None:
    return await session.get(Member, member_id)


async def create(
    session: AsyncSession,
    *,
    community_id: int,
    display_name: str,
    platform: str,
    workspace_id: str,
    user_id: str,
    now: datetime,
    role: str = "member",
    locale: str | None = None,
) -> Member:
    """A new member with this one account. Raises IdentityTaken (the transaction is then spoiled:
    roll it back) when another transaction registered the account first."""
    member = Member(
        community_id=community_id,
        display_name=display_name,
        role=role,
        locale=locale,
        joined_at=now,
        last_active_at=now,
        identities=[PlatformIdentity(platform=platform, workspace_id=workspace_id, user_id=user_id, created_at=now)],
    )
    session.add(member)
    try:
        await session.flush()
    except IntegrityError as exc:  # platform_identities is unique: a concurrent first event won
        raise IdentityTaken(f"{platform}:{workspace_id}:{user_id}") from exc
    session.add(MemberPreferences(member_id=member.id))
    await session.flush()
    return member


async def preferences(session: AsyncSession, member_id: int) -> MemberPreferences:
    prefs = await session.get(MemberPreferences, member_id)
    if prefs is None:
        prefs = MemberPreferences(member_id=member_id)
        session.add(prefs)
        await session.flush()
    return prefs


async def list_all(session: AsyncSession, community_id: int) -> Sequence[Member]:
    result = await session.scalars(select(Member).where(Member.community_id == community_id).order_by(Member.id))
    return result.all()


async def current_membership(session: AsyncSession, member_id: int) -> tuple[Membership, Tier] | None:
    row = (
        await session.execute(
            select(Membership, Tier)
            .join(Tier, Tier.id == Membership.tier_id)
            .where(Membership.member_id == member_id, Membership.ended_at.is_(None))
            .order_by(Membership.id.desc())
            .limit(1)
        )
    ).first()
    return (row[0], row[1]) if row else None


async def active_in(session: AsyncSession, community_id: int) -> Sequence[Member]:
    """Members who have not left, with identities loaded."""
    result = await session.scalars(
        select(Member)
        .where(Member.community_id == community_id, Member.left_at.is_(None))
        .options(selectinload(Member.identities))
        .order_by(Member.id)
    )
    return result.all()


async def with_drop_delivery(
    session: AsyncSession, community_id: int, digest: str, *, now: datetime, grace: timedelta = DEFAULT_GRACE
) -> Sequence[Member]:
    """Who asked for drops by DM with this frequency (`every` or `weekly`) and may have them: current
    members, and the creator's team. Drops are paid content: an ex-member or a visitor gets none."""
    result = await session.scalars(
        select(Member)
        .join(MemberPreferences, MemberPreferences.member_id == Member.id)
        .where(
            Member.community_id == community_id,
            Member.left_at.is_(None),
            or_(Member.role != "member", has_current_membership(now, grace)),
            MemberPreferences.delivery == "dm",
            MemberPreferences.digest == digest,
        )
        .options(selectinload(Member.identities))
        .order_by(Member.id)
    )
    return result.all()


async def preferences_for(session: AsyncSession, member_ids: Sequence[int]) -> dict[int, MemberPreferences]:
    if not member_ids:
        return {}
    result = await session.scalars(select(MemberPreferences).where(MemberPreferences.member_id.in_(member_ids)))
    return {p.member_id: p for p in result.all()}


async def times_of_day(session: AsyncSession, member_ids: Sequence[int]) -> dict[int, time]:
    """The time of day each of these members chose for messages, for those who chose one. In chunks:
    a drop's fan-out can reach more members than one statement takes parameters."""
    found: dict[int, time] = {}
    for start in range(0, len(member_ids), IN_CHUNK):
        rows = await session.execute(
            select(MemberPreferences.member_id, MemberPreferences.time_of_day).where(
                MemberPreferences.member_id.in_(member_ids[start : start + IN_CHUNK]),
                MemberPreferences.time_of_day.is_not(None),
            )
        )
        found.update({int(mid): at for mid, at in rows.all() if at is not None})
    return found


async def takes_part(session: AsyncSession, member_id: int, now: datetime, grace: timedelta) -> bool:
    """Whether this person may use what is for members (a live session, a poll): the creator's team,
    or a current member (`current_members`: not someone who never joined, was removed or lapsed).
    Asked when it is used, so a membership that ended a minute ago counts."""
    found = await session.scalar(
        select(Member.id).where(
            Member.id == member_id,
            Member.left_at.is_(None),
            or_(Member.role != "member", has_current_membership(now, grace)),
        )
    )
    return found is not None
