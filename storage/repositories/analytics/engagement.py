"""Engagement aggregates: who is active, how drops and live sessions did, what the FAQ answered.

Every query is scoped to one community and leaves the creator's own accounts out; time is passed in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, String, and_, cast, distinct, exists, func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from storage.models import Activity, ContentItem, FaqQuestion, LiveSession, Member, Membership, OutboxMessage, Rsvp
from storage.repositories.analytics.membership import held_at

NOT_ENGAGEMENT = ("join",)  # joining is not taking part


def current_members(community_id: int, at: datetime) -> ColumnElement[bool]:
    """Members at `at`, as engagement counts them: in the workspace and holding a membership then. Someone
    who only arrived (or whose membership ended) is not one, though their messages are recorded."""
    held = exists().where(Membership.member_id == Member.id, held_at(at))
    return and_(Member.community_id == community_id, Member.left_at.is_(None), Member.role == "member", held)


async def community_members(session: AsyncSession, community_id: int, at: datetime) -> int:
    query = select(func.count()).select_from(Member).where(current_members(community_id, at))
    return await session.scalar(query) or 0


async def active_members(session: AsyncSession, community_id: int, since: datetime, until: datetime) -> int:
    """Members at `until` with any activity (other than joining) in (since, until]."""
    query = (
        select(func.count(distinct(Activity.member_id)))
        .join(Member, Member.id == Activity.member_id)
        .where(
            current_members(community_id, until),
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
        .where(
            ContentItem.community_id == community_id, ContentItem.published_at > start, ContentItem.published_at <= end
        )
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


@dataclass(frozen=True)
class UnansweredQuestion:
    text: str
    member_id: int | None  # who asked; None when not known (their member record was deleted)


async def unanswered_questions(
    session: AsyncSession, community_id: int, start: datetime, end: datetime, limit: int = 500
) -> list[UnansweredQuestion]:
    """The questions the bot could not answer itself, with who asked them, newest first."""
    rows = await session.execute(
        select(FaqQuestion.question, FaqQuestion.member_id)
        .where(
            FaqQuestion.community_id == community_id,
            FaqQuestion.status.not_in(("answered", "members_only")),  # members_only: answered, for members
            FaqQuestion.asked_at > start,
            FaqQuestion.asked_at <= end,
        )
        .order_by(FaqQuestion.asked_at.desc(), FaqQuestion.id.desc())
        .limit(limit)
    )
    return [UnansweredQuestion(text, member_id) for text, member_id in rows.all()]
