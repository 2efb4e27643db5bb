"""Membership aggregates: who held a membership when, who joined and left, what was paid, and cohorts.

Every query leaves the creator's own accounts out. Plans are passed as their trial lengths
(plan key -> trial days): storage knows no community files.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, case, distinct, func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlalchemy.sql.selectable import Subquery

from storage.models import Member, Membership

HOLDING = ("active", "trialing", "past_due", "comped")  # a member right now
COUNTED = (*HOLDING, "canceled", "unpaid", "paused", "expired")  # ever held access
CHURNED = ("canceled", "unpaid")
PAYING = ("active", "past_due")


def in_community(community_id: int) -> ColumnElement[bool]:
    """Membership rows of this community's members, not the creator's."""
    return and_(Member.id == Membership.member_id, Member.community_id == community_id, Member.role != "creator")


def ended_at(m: Any = Membership) -> ColumnElement[datetime]:
    """When a membership (`m`: the model or an alias of it) that is no longer held stopped: billing stamps
    ended_at on cancel and expiry, and lapsed_at when a subscription goes unpaid or is paused (it may
    resume, so ended_at stays empty). Rows from before lapsed_at fall back to the first failed payment."""
    return func.coalesce(m.ended_at, m.lapsed_at, m.past_due_since, m.current_period_end, m.started_at)


def failed_payment() -> ColumnElement[bool]:
    """The membership ended (or is ending) for want of payment, not by choice."""
    return or_(Membership.status == "unpaid", Membership.past_due_since.is_not(None))


def held_at(at: datetime, m: Any = Membership) -> ColumnElement[bool]:
    """The membership (`m`: the model or an alias of it) gave access at `at`: started by then and not yet ended."""
    end = ended_at(m)
    open_now = and_(m.status.in_(HOLDING), m.ended_at.is_(None))
    return and_(m.status.in_(COUNTED), m.started_at <= at, or_(open_now, end > at))


async def members_at(session: AsyncSession, community_id: int, at: datetime) -> int:
    """Distinct members holding a membership at `at`."""
    query = (
        select(func.count(distinct(Membership.member_id)))
        .select_from(Membership)
        .join(Member, in_community(community_id))
    )
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
    reason = case((failed_payment(), literal("failed_payment")), else_=literal("voluntary"))
    stopped = ended_at()
    rows = await session.execute(
        select(reason, func.count(distinct(Membership.member_id)))
        .select_from(Membership)
        .join(Member, in_community(community_id))
        .where(Membership.status.in_(CHURNED), stopped > start, stopped <= end)
        .group_by(reason)
    )
    return {str(kind): int(count) for kind, count in rows.all()}


async def paying_by_plan(
    session: AsyncSession, community_id: int, trial_days: Mapping[str, int], at: datetime
) -> dict[str, int]:
    """Memberships paying at `at`, per plan key (`trial_days`: every plan's trial length): held then,
    past any trial, and not comped or a trial.

    A membership's status history is not stored; its current status and plan tell whether it
    was a paying one (active, past due, or one that later ended by cancel or non-payment, or was
    paused: `held_at` ends it when it lapsed, so it paid until then).
    When it started paying is stored (``paying_since``: a Stripe trial's end, or the moment it
    went active); rows from before that column assume the plan's trial was taken.
    """
    if not trial_days:
        return {}
    inferred = or_(
        *(
            and_(Membership.plan == key, Membership.started_at <= at - timedelta(days=days))
            for key, days in trial_days.items()
        )
    )
    known = and_(Membership.plan.in_(list(trial_days)), Membership.paying_since <= at)
    past_trial = or_(known, and_(Membership.paying_since.is_(None), inferred))
    rows = await session.execute(
        select(Membership.plan, func.count())
        .select_from(Membership)
        .join(Member, in_community(community_id))
        .where(held_at(at), Membership.status.in_((*PAYING, *CHURNED, "paused")), past_trial)
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


async def trials(
    session: AsyncSession, community_id: int, trial_days: Mapping[str, int], start: datetime, end: datetime
) -> list[TrialRow]:
    """Memberships whose trial may have ended in (start, end]: trial plans started in the window
    widened by their trial length, and hand-given trials that expired in the window."""
    # A subscription that paid from its start took no trial (a returning member's checkout has none).
    took_trial = or_(Membership.paying_since.is_(None), Membership.paying_since > Membership.started_at)
    windows = [
        and_(
            Membership.plan == key,
            Membership.started_at > start - timedelta(days=days),
            Membership.started_at <= end - timedelta(days=days),
            took_trial,
        )
        for key, days in trial_days.items()
        if days > 0
    ]
    expired = and_(Membership.status == "expired", Membership.ended_at > start, Membership.ended_at <= end)
    rows = await session.execute(
        select(Membership.status, Membership.plan, Membership.started_at, Membership.ended_at)
        .join(Member, in_community(community_id))
        .where(or_(expired, *windows))
        .order_by(Membership.id)
    )
    return [TrialRow(status, plan, started, ended) for status, plan, started, ended in rows.all()]


async def cohort_counts(
    session: AsyncSession, community_id: int, bounds: Sequence[datetime], now: datetime
) -> tuple[dict[int, int], dict[tuple[int, int], int]]:
    """Monthly cohorts between `bounds` (month starts, then the next month's): each cohort's size, and
    `held[(cohort, month)]`, its members holding a membership at that month's end (or now).
    One aggregate query per month."""
    first = first_memberships(community_id)
    cohort = case(*((first.c.first < bound, i) for i, bound in enumerate(bounds[1:])), else_=-1)
    in_range = (first.c.first >= bounds[0], first.c.first < bounds[-1])
    size_rows = await session.execute(select(cohort, func.count()).select_from(first).where(*in_range).group_by(cohort))
    sizes = {int(i): int(n) for i, n in size_rows.all()}
    held: dict[tuple[int, int], int] = {}
    for j in range(len(bounds) - 1):
        at = min(bounds[j + 1], now)
        rows = await session.execute(
            select(cohort, func.count(distinct(Membership.member_id)))
            .select_from(Membership)
            .join(Member, in_community(community_id))
            .join(first, first.c.member_id == Membership.member_id)
            .where(*in_range, first.c.first < bounds[j + 1], held_at(at))
            .group_by(cohort)
        )
        held.update({(int(i), j): int(n) for i, n in rows.all()})
    return sizes, held


# -- who, for the weekly briefing (the same definitions as the counts above) ----------------


@dataclass(frozen=True)
class NamedRow:
    member_id: int
    name: str
    reason: str = ""  # churn: voluntary | failed_payment; stopped: expired | paused


async def new_member_rows(session: AsyncSession, community_id: int, start: datetime, end: datetime) -> list[NamedRow]:
    """The members `new_members` counts: first membership started in (start, end], oldest first."""
    first = first_memberships(community_id)
    rows = await session.execute(
        select(Member.id, Member.display_name)
        .join(first, first.c.member_id == Member.id)
        .where(first.c.first > start, first.c.first <= end)
        .order_by(first.c.first, Member.id)
    )
    return [NamedRow(int(mid), str(name)) for mid, name in rows.all()]


async def restarted_ids(session: AsyncSession, community_id: int, start: datetime, end: datetime) -> list[int]:
    """Members with a membership started in (start, end] that is not their first, by that start: those
    who may have come back (a plan switch starts one too; the caller tells the two apart)."""
    first = first_memberships(community_id)
    rows = await session.execute(
        select(Membership.member_id, func.min(Membership.started_at))
        .join(first, first.c.member_id == Membership.member_id)
        .where(
            Membership.status.in_(COUNTED),
            Membership.started_at > start,
            Membership.started_at <= end,
            Membership.started_at > first.c.first,
        )
        .group_by(Membership.member_id)
        .order_by(func.min(Membership.started_at), Membership.member_id)
    )
    return [int(mid) for mid, _ in rows.all()]


async def stopped_rows(session: AsyncSession, community_id: int, start: datetime, end: datetime) -> list[NamedRow]:
    """Members who stopped being members in (start, end] without churning, by when: a trial given by hand
    that ran out (reason "expired") or a paused subscription ("paused"). Not those holding a membership again."""
    stopped = ended_at()
    later = aliased(Membership)
    holding = select(later.member_id).where(held_at(end, later))
    rows = await session.execute(
        select(Member.id, Member.display_name, Membership.status, func.max(stopped))
        .select_from(Membership)
        .join(Member, in_community(community_id))
        .where(
            Membership.status.in_(("expired", "paused")),
            stopped > start,
            stopped <= end,
            Membership.member_id.not_in(holding),
        )
        .group_by(Member.id, Member.display_name, Membership.status)
        .order_by(func.max(stopped), Member.id)
    )
    return [NamedRow(int(mid), str(name), str(status)) for mid, name, status, _ in rows.all()]


async def churned_rows(session: AsyncSession, community_id: int, start: datetime, end: datetime) -> list[NamedRow]:
    """The members `churned` counts, each with its reason (once per member and reason), by when they left."""
    reason = case((failed_payment(), literal("failed_payment")), else_=literal("voluntary"))
    stopped = ended_at()
    rows = await session.execute(
        select(Member.id, Member.display_name, reason, func.max(stopped))
        .select_from(Membership)
        .join(Member, in_community(community_id))
        .where(Membership.status.in_(CHURNED), stopped > start, stopped <= end)
        .group_by(Member.id, Member.display_name, reason)
        .order_by(func.max(stopped), Member.id)
    )
    return [NamedRow(int(mid), str(name), str(kind)) for mid, name, kind, _ in rows.all()]
