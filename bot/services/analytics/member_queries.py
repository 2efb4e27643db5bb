"""Per-member SQL: the signals behind at-risk scores, and the member and activity exports."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta

from sqlalchemy import and_, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.services.analytics.queries import NOT_ENGAGEMENT
from bot.services.analytics.risk import MemberSignals, RiskPolicy
from storage.models import Activity, LiveSession, Member, Membership, Rsvp
from storage.repositories import members

EXPORT_BATCH = 1000


async def risk_signals(
    session: AsyncSession, community_id: int, now: datetime, policy: RiskPolicy, grace: timedelta = members.DEFAULT_GRACE
) -> list[MemberSignals]:
    """One row per current member (a current membership: storage.repositories.members.current_members):
    activity lately and before, missed live sessions, a late payment."""
    recent_start = now - timedelta(days=policy.recent_days)
    window_start = recent_start - timedelta(days=policy.baseline_days)
    rows = await session.execute(
        select(
            Member.id,
            Member.display_name,
            Member.joined_at,
            Member.last_active_at,
            func.count(Activity.id).filter(Activity.occurred_at > recent_start),
            func.count(Activity.id).filter(Activity.occurred_at <= recent_start),
        )
        .outerjoin(
            Activity,
            and_(
                Activity.member_id == Member.id,
                Activity.occurred_at > window_start,
                Activity.occurred_at <= now,
                Activity.kind.not_in(NOT_ENGAGEMENT),
            ),
        )
        .where(members.current_members(community_id, now, grace))
        .group_by(Member.id, Member.display_name, Member.joined_at, Member.last_active_at)
        .order_by(Member.id)
    )
    found = rows.all()
    missed = await missed_live(session, community_id, now - timedelta(days=policy.missed_live_days), now)
    late = await past_due(session, community_id)
    return [
        MemberSignals(mid, name, joined, last, int(recent), int(earlier), missed.get(mid, 0), late.get(mid))
        for mid, name, joined, last, recent, earlier in found
    ]


async def missed_live(session: AsyncSession, community_id: int, since: datetime, now: datetime) -> dict[int, int]:
    """RSVPs not attended, per member, for sessions in (since, now] where attendance was taken."""
    other = aliased(Rsvp)
    taken = exists().where(other.session_id == LiveSession.id, other.attended.is_(True))
    rows = await session.execute(
        select(Rsvp.member_id, func.count())
        .join(LiveSession, LiveSession.id == Rsvp.session_id)
        .where(
            LiveSession.community_id == community_id,
            LiveSession.status != "canceled",
            LiveSession.starts_at > since,
            LiveSession.starts_at <= now,
            Rsvp.attended.is_(False),
            taken,
        )
        .group_by(Rsvp.member_id)
    )
    return {int(mid): int(count) for mid, count in rows.all()}


async def past_due(session: AsyncSession, community_id: int) -> dict[int, datetime]:
    """Members whose open membership has a failed payment, and since when."""
    rows = await session.execute(
        select(Membership.member_id, func.min(Membership.past_due_since))
        .join(Member, Member.id == Membership.member_id)
        .where(
            Member.community_id == community_id,
            Membership.status == "past_due",
            Membership.ended_at.is_(None),
            Membership.past_due_since.is_not(None),
        )
        .group_by(Membership.member_id)
    )
    return {int(mid): since for mid, since in rows.all()}


# -- exports ------------------------------------------------------------------------------

MEMBER_COLUMNS = (
    "id", "name", "role", "level", "joined_at", "left_at", "last_active_at", "status", "plan", "founding", "member_since",
)
ACTIVITY_COLUMNS = ("id", "member_id", "kind", "occurred_at", "ref")


def _iso(when: datetime | None) -> str:
    return when.isoformat() if when else ""


async def member_rows(session: AsyncSession, community_id: int) -> AsyncIterator[tuple[object, ...]]:
    """Every member with their latest membership, streamed in batches."""
    latest = (
        select(Membership.member_id, func.max(Membership.id).label("latest"))
        .group_by(Membership.member_id)
        .subquery()
    )
    query = (
        select(Member, Membership)
        .outerjoin(latest, latest.c.member_id == Member.id)
        .outerjoin(Membership, Membership.id == latest.c.latest)
        .where(Member.community_id == community_id)
        .order_by(Member.id)
        .execution_options(yield_per=EXPORT_BATCH)
    )
    result = await session.stream(query)
    async for member, membership in result:
        yield (
            member.id, member.display_name, member.role, member.level or "", _iso(member.joined_at), _iso(member.left_at),
            _iso(member.last_active_at), membership.status if membership else "", (membership.plan or "") if membership else "",
            "yes" if membership and membership.founding else "", _iso(membership.started_at) if membership else "",
        )


async def activity_rows(session: AsyncSession, community_id: int) -> AsyncIterator[tuple[object, ...]]:
    """Every activity row of the community's members, oldest first, streamed in batches."""
    query = (
        select(Activity.id, Activity.member_id, Activity.kind, Activity.occurred_at, Activity.ref)
        .join(Member, Member.id == Activity.member_id)
        .where(Member.community_id == community_id)
        .order_by(Activity.occurred_at, Activity.id)
        .execution_options(yield_per=EXPORT_BATCH)
    )
    result = await session.stream(query)
    async for aid, mid, kind, at, ref in result:
        yield aid, mid, kind, _iso(at), ref or ""
