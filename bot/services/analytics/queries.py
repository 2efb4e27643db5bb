"""The SQL behind the analytics: aggregate queries over memberships, activity, drops, live sessions and the FAQ.

Every query is scoped to one community and leaves the creator's own accounts out. Time is
always passed in; nothing here reads a clock.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, String, and_, case, cast, distinct, func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlalchemy.sql.selectable import Subquery

from bot.community.schema import Plan
from storage.models import Activity, ContentItem, FaqQuestion, LiveSession, Member, Membership, OutboxMessage, Rsvp

HOLDING = ("active", "trialing", "past_due", "comped")  # a member right now
COUNTED = (*HOLDING, "canceled", "unpaid", "paused", "expired")  # ever held access
CHURNED = ("canceled", "unpaid")
PAYING = ("active", "past_due")
NOT_ENGAGEMENT = ("join",)  # joining is not taking part

# When a membership that is no longer held stopped: billing stamps ended_at on cancel and
# expiry; an unpaid subscription keeps ended_at empty, so its first failed payment counts.
END = func.coalesce(Membership.ended_at, Membership.past_due_since, Membership.current_period_end, Membership.started_at)
FAILED_PAYMENT = or_(Membership.status == "unpaid", Membership.past_due_since.is_not(None))


def in_community(community_id: int) -> ColumnElement[bool]:
    """Membership rows of this community's members, not the creator's."""
    return and_(Member.id == Membership.member_id, Member.community_id == community_id, Member.role != "creator")


def current_members(community_id: int) -> ColumnElement[bool]:
    """People in the community now (whatever their billing), as engagement counts them."""
    return and_(Member.community_id == community_id, Member.left_at.is_(None), Member.role == "member")


def held_at(at: datetime, m: Any = Membership) -> ColumnElement[bool]:
    """The membership (`m`: the model or an alias of it) gave access at `at`: started by then and not yet ended."""
    end = func.coalesce(m.ended_at, m.past_due_since, m.current_period_end, m.started_at)
    open_now = and_(m.status.in_(HOLDING), m.ended_at.is_(None))
    return and_(m.status.in_(COUNTED), m.started_at <= at, or_(open_now, end > at))


async def members_at(session: AsyncSession, community_id: int, at: datetime) -> int:
    """Distinct members holding a membership at `at`."""
    query = select(func.count(distinct(Membership.member_id))).select_from(Membership).join(Member, in_community(community_id))
    return await session.scalar(query.where(held_at(at))) or 0


async def retained(session: AsyncSession, community_id: int, start: datetime, end: datetime) -> int:
    """Members who held a membership at `start` and still hold one (the same or a new one) at `end`."""
    later = aliased(Membership)
    still = select(later.member_id).where(held_at(end, later))
    query = (
        select(func.count(distinct(Membership.member_id)))
        .select_from(Membership)
        .join(Member, in_community(community_id))
        .where(held_at(start), Membership.member_id.in_(still))
    )
    return await session.scalar(query) or 0


def first_memberships(community_id: int) -> Subquery:
    """Each member's first membership start: the month they joined as a member."""
    return (
        select(Membership.member_id.label("member_id"), func.min(Membership.started_at).label("first"))
        .join(Member, in_community(community_id))
        .where(Membership.status.in_(COUNTED))
        .group_by(Membership.member_id)
        .subquery()
    )


async def new_members(session: AsyncSession, community_id: int, start: datetime, end: datetime) -> int:
    """Members whose first membership started in (start, end]; a returning member is not new."""
    first = first_memberships(community_id)
    query = select(func.count()).select_from(first).where(first.c.first > start, first.c.first <= end)
    return await session.scalar(query) or 0


async def churned(session: AsyncSession, community_id: int, start: datetime, end: datetime) -> dict[str, int]:
    """Members whose membership was canceled or went unpaid in (start, end], by reason."""
    reason = case((FAILED_PAYMENT, literal("failed_payment")), else_=literal("voluntary"))
    rows = await session.execute(
        select(reason, func.count(distinct(Membership.member_id)))
        .select_from(Membership)
        .join(Member, in_community(community_id))
        .where(Membership.status.in_(CHURNED), END > start, END <= end)
        .group_by(reason)
    )
    return {str(kind): int(count) for kind, count in rows.all()}


async def paying_by_plan(session: AsyncSession, community_id: int, plans: Sequence[Plan], at: datetime) -> dict[str, int]:
    """Memberships paying at `at`, per plan key: held then, past any trial, and not comped or a trial.

    A membership's status history is not stored; its current status and plan tell whether it
    was a paying one (active, past due, or one that later ended by cancel or non-payment).
    """
    if not plans:
        return {}
    past_trial = or_(*(and_(Membership.plan == p.key, Membership.started_at <= at - timedelta(days=p.trial_days)) for p in plans))
    rows = await session.execute(
        select(Membership.plan, func.count())
        .select_from(Membership)
        .join(Member, in_community(community_id))
        .where(held_at(at), Membership.status.in_((*PAYING, *CHURNED)), past_trial)
        .group_by(Membership.plan)
    )
    return {str(plan): int(count) for plan, count in rows.all()}


async def founding_members(session: AsyncSession, community_id: int, at: datetime) -> int:
    query = (
        select(func.count(distinct(Membership.member_id)))
        .select_from(Membership)
        .join(Member, in_community(community_id))
        .where(held_at(at), Membership.founding.is_(True))
    )
    return await session.scalar(query) or 0


@dataclass(frozen=True)
class TrialRow:
    status: str
    plan: str | None
    started_at: datetime
    ended_at: datetime | None


async def trials(session: AsyncSession, community_id: int, plans: Sequence[Plan], start: datetime, end: datetime) -> list[TrialRow]:
    """Memberships whose trial may have ended in (start, end]: trial plans started in the window
    widened by their trial length, and hand-given trials that expired in the window."""
    trial_plans = [p for p in plans if p.trial_days > 0]
    windows = [
        and_(
            Membership.plan == p.key,
            Membership.started_at > start - timedelta(days=p.trial_days),
            Membership.started_at <= end - timedelta(days=p.trial_days),
        )
        for p in trial_plans
    ]
    expired = and_(Membership.status == "expired", Membership.ended_at > start, Membership.ended_at <= end)
    rows = await session.execute(
        select(Membership.status, Membership.plan, Membership.started_at, Membership.ended_at)
        .join(Member, in_community(community_id))
        .where(or_(expired, *windows))
        .order_by(Membership.id)
    )
    return [TrialRow(*row) for row in rows.all()]


# -- engagement ---------------------------------------------------------------------------


async def community_members(session: AsyncSession, community_id: int) -> int:
    return await session.scalar(select(func.count()).select_from(Member).where(current_members(community_id))) or 0


async def active_members(session: AsyncSession, community_id: int, since: datetime, until: datetime) -> int:
    """Current members with any activity (other than joining) in (since, until]."""
    query = (
        select(func.count(distinct(Activity.member_id)))
        .join(Member, Member.id == Activity.member_id)
        .where(
            current_members(community_id),
            Activity.occurred_at > since,
            Activity.occurred_at <= until,
            Activity.kind.not_in(NOT_ENGAGEMENT),
        )
    )
    return await session.scalar(query) or 0


@dataclass(frozen=True)
class DropRow:
    content_id: int
    title: str
    published_at: datetime
    opens: int  # distinct members who opened it
    reactions: int  # reactions to its posts (channel and DM)


async def drops(session: AsyncSession, community_id: int, start: datetime, end: datetime) -> list[DropRow]:
    """Drops published in (start, end], with who opened them and how many reactions their posts got.

    Opens are `library_open` activity (ref `content:<id>`); a reaction's ref is `msg:<platform
    message id>`, matched to the outbox rows that posted the drop (`drop:<id>:...`).
    """
    member = aliased(Member)
    opens = (
        select(func.count(distinct(Activity.member_id)))
        .join(member, member.id == Activity.member_id)
        .where(
            member.role == "member",
            Activity.kind == "library_open",
            Activity.ref == literal("content:") + cast(ContentItem.id, String),
        )
        .correlate(ContentItem)
        .scalar_subquery()
    )
    reactions = (
        select(func.count(Activity.id))
        .join(OutboxMessage, Activity.ref == literal("msg:") + OutboxMessage.platform_message_id)
        .join(member, member.id == Activity.member_id)
        .where(
            member.role == "member",
            Activity.kind == "reaction",
            OutboxMessage.dedupe_key.like(literal("drop:") + cast(ContentItem.id, String) + literal(":%")),
        )
        .correlate(ContentItem)
        .scalar_subquery()
    )
    rows = await session.execute(
        select(ContentItem.id, ContentItem.title, ContentItem.published_at, opens, reactions)
        .where(ContentItem.community_id == community_id, ContentItem.published_at > start, ContentItem.published_at <= end)
        .order_by(ContentItem.published_at, ContentItem.id)
    )
    return [DropRow(i, title, at, int(o or 0), int(r or 0)) for i, title, at, o, r in rows.all()]


@dataclass(frozen=True)
class LiveRow:
    session_id: int
    starts_at: datetime
    rsvps: int
    attended: int


async def live_sessions(session: AsyncSession, community_id: int, start: datetime, end: datetime) -> list[LiveRow]:
    """Live sessions held in (start, end] (not canceled) with their RSVPs and who attended."""
    rows = await session.execute(
        select(
            LiveSession.id,
            LiveSession.starts_at,
            func.count(Rsvp.id),
            func.count(Rsvp.id).filter(Rsvp.attended.is_(True)),
        )
        .outerjoin(Rsvp, Rsvp.session_id == LiveSession.id)
        .where(
            LiveSession.community_id == community_id,
            LiveSession.status != "canceled",
            LiveSession.starts_at > start,
            LiveSession.starts_at <= end,
        )
        .group_by(LiveSession.id, LiveSession.starts_at)
        .order_by(LiveSession.starts_at)
    )
    return [LiveRow(i, at, int(n), int(a)) for i, at, n, a in rows.all()]


# -- the FAQ ------------------------------------------------------------------------------


async def faq_outcomes(session: AsyncSession, community_id: int, start: datetime, end: datetime) -> dict[str, int]:
    rows = await session.execute(
        select(FaqQuestion.status, func.count())
        .where(FaqQuestion.community_id == community_id, FaqQuestion.asked_at > start, FaqQuestion.asked_at <= end)
        .group_by(FaqQuestion.status)
    )
    return {str(status): int(count) for status, count in rows.all()}


async def unanswered_questions(
    session: AsyncSession, community_id: int, start: datetime, end: datetime, limit: int = 500
) -> list[str]:
    """The texts of questions the bot could not answer itself, newest first."""
    rows = await session.scalars(
        select(FaqQuestion.question)
        .where(
            FaqQuestion.community_id == community_id,
            FaqQuestion.status != "answered",
            FaqQuestion.asked_at > start,
            FaqQuestion.asked_at <= end,
        )
        .order_by(FaqQuestion.asked_at.desc(), FaqQuestion.id.desc())
        .limit(limit)
    )
    return list(rows.all())
