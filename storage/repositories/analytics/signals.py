"""Per-member signals behind the at-risk scores: activity lately and before, missed live sessions, late payments."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from storage.models import Activity, FaqQuestion, LiveSession, Member, Membership, Rsvp
from storage.repositories import members
from storage.repositories.analytics.engagement import NOT_ENGAGEMENT

# Taking part, as opposed to setting up (joining, the intake, /start, /help, preferences): posting,
# writing to the bot, reacting, opening content, attending; asking a question and saving a seat count
# too (their own tables).
TAKING_PART = ("message", "dm", "reaction", "library_open", "live_attended")


@dataclass(frozen=True)
class MemberSignals:
    """What the database says about one member."""

    member_id: int
    name: str
    joined_at: datetime
    last_active_at: datetime | None
    recent: int  # actions since `recent_start`
    earlier: int  # actions in the baseline window before that
    missed_live: int = 0  # RSVPs to sessions (with attendance taken) they did not attend
    past_due_since: datetime | None = None
    engaged: bool = True  # ever took part (TAKING_PART, a question, an RSVP), at any time


async def risk_signals(
    session: AsyncSession,
    community_id: int,
    now: datetime,
    *,
    recent_start: datetime,
    window_start: datetime,
    missed_since: datetime,
    grace: timedelta = members.DEFAULT_GRACE,
) -> list[MemberSignals]:
    """One row per current member (a current membership: storage.repositories.members.current_members):
    actions in (recent_start, now] and in (window_start, recent_start], RSVPs missed since
    `missed_since`, a late payment, and whether they ever took part."""
    done = aliased(Activity)  # not the outer query's Activity, which the subquery would otherwise correlate to
    took_part = or_(
        exists().where(done.member_id == Member.id, done.kind.in_(TAKING_PART)),
        exists().where(Rsvp.member_id == Member.id),
        exists().where(FaqQuestion.member_id == Member.id),
    )
    rows = await session.execute(
        select(
            Member.id,
            Member.display_name,
            Member.joined_at,
            Member.last_active_at,
            func.count(Activity.id).filter(Activity.occurred_at > recent_start),
            func.count(Activity.id).filter(Activity.occurred_at <= recent_start),
            took_part.label("engaged"),
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
    missed = await missed_live(session, community_id, missed_since, now)
    late = await past_due(session, community_id)
    return [
        MemberSignals(
            mid, name, joined, last, int(recent), int(earlier), missed.get(mid, 0), late.get(mid), bool(engaged)
        )
        for mid, name, joined, last, recent, earlier, engaged in found
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
    return {int(mid): since for mid, since in rows.all() if since is not None}
