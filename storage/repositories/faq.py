"""The FAQ's rows: its entries, the questions members asked, and what the answering index is built from."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, String, and_, case, cast, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ContentItem, FaqEntry, FaqQuestion, LiveSession, Member

# -- entries ---------------------------------------------------------------------------------


async def all_entries(session: AsyncSession, community_id: int) -> Sequence[FaqEntry]:
    result = await session.scalars(select(FaqEntry).where(FaqEntry.community_id == community_id).order_by(FaqEntry.id))
    return result.all()


async def add_entry(session: AsyncSession, **values: Any) -> None:
    session.add(FaqEntry(**values))


async def insert_entry(session: AsyncSession, **values: Any) -> FaqEntry:
    """A new entry, flushed so its id is known."""
    entry = FaqEntry(**values)
    session.add(entry)
    await session.flush()
    return entry


async def remove_entry(session: AsyncSession, entry: FaqEntry) -> None:
    await session.delete(entry)


async def entry_keys(session: AsyncSession, community_id: int) -> set[str]:
    return set((await session.scalars(select(FaqEntry.key).where(FaqEntry.community_id == community_id))).all())


async def entry(session: AsyncSession, community_id: int, key: str) -> FaqEntry | None:
    return await session.scalar(select(FaqEntry).where(FaqEntry.community_id == community_id, FaqEntry.key == key))


async def key_asking(session: AsyncSession, community_id: int, question: str, *, except_key: str = "") -> str | None:
    """The key of another entry that asks `question` (case aside), if any."""
    return await session.scalar(
        select(FaqEntry.key).where(
            FaqEntry.community_id == community_id,
            func.lower(FaqEntry.question) == question.lower(),
            FaqEntry.key != except_key,
        )
    )


# -- questions -------------------------------------------------------------------------------


async def add_question(session: AsyncSession, **values: Any) -> FaqQuestion:
    """A recorded question, flushed so its id is known."""
    row = FaqQuestion(**values)
    session.add(row)
    await session.flush()
    return row


async def question(session: AsyncSession, question_id: int) -> FaqQuestion | None:
    return await session.get(FaqQuestion, question_id)


async def recent_questions(
    session: AsyncSession, community_id: int, since: datetime, limit: int
) -> Sequence[FaqQuestion]:
    """Questions asked since `since`, newest first."""
    rows = await session.scalars(
        select(FaqQuestion)
        .where(FaqQuestion.community_id == community_id, FaqQuestion.asked_at >= since)
        .order_by(FaqQuestion.id.desc())
        .limit(limit)
    )
    return rows.all()


async def latest_question(session: AsyncSession, member_id: int, since: datetime) -> FaqQuestion | None:
    """The member's newest question asked since `since`, if any."""
    return await session.scalar(
        select(FaqQuestion)
        .where(FaqQuestion.member_id == member_id, FaqQuestion.asked_at >= since)
        .order_by(FaqQuestion.asked_at.desc(), FaqQuestion.id.desc())
        .limit(1)
    )


def _open() -> ColumnElement[bool]:
    """Questions that still need the creator: not answered, passed on, or answered with a 👎."""
    return or_(
        FaqQuestion.status.in_(("unanswered", "forwarded")),
        and_(FaqQuestion.status == "answered", FaqQuestion.feedback == "down"),
    )


async def open_questions(
    session: AsyncSession, community_id: int, limit: int
) -> tuple[list[tuple[FaqQuestion, str | None]], int]:
    """Open questions with the asker's name, those passed on by the member first, then oldest
    first; and how many are open in all."""
    where = and_(FaqQuestion.community_id == community_id, _open())
    total = await session.scalar(select(func.count()).select_from(FaqQuestion).where(where)) or 0
    rows = await session.execute(
        select(FaqQuestion, Member.display_name)
        .outerjoin(Member, Member.id == FaqQuestion.member_id)
        .where(where)
        .order_by(case((FaqQuestion.status == "forwarded", 0), else_=1), FaqQuestion.asked_at, FaqQuestion.id)
        .limit(limit)
    )
    return [(q, name) for q, name in rows.all()], int(total)


async def question_texts(session: AsyncSession, question_ids: set[int]) -> dict[int, str]:
    if not question_ids:
        return {}
    rows = await session.execute(select(FaqQuestion.id, FaqQuestion.question).where(FaqQuestion.id.in_(question_ids)))
    return {int(i): q for i, q in rows.all()}


# -- what the index is built from ------------------------------------------------------------


async def signature(session: AsyncSession, community_id: int) -> tuple[Any, ...]:
    """Counts, highest ids and text lengths of everything indexed: changes when any of it does."""

    def length(column: Any) -> Any:
        return func.coalesce(func.length(column), 0)

    faq = (
        await session.execute(
            select(
                func.count(FaqEntry.id),
                func.max(FaqEntry.id),
                func.sum(
                    length(FaqEntry.question)
                    + length(FaqEntry.answer)
                    + length(cast(FaqEntry.alt_questions, String))
                    + length(cast(FaqEntry.learned_questions, String))
                    + length(cast(FaqEntry.tags, String))
                ),
            ).where(FaqEntry.community_id == community_id)
        )
    ).one()
    content = (
        await session.execute(
            select(
                func.count(ContentItem.id),
                func.max(ContentItem.id),
                func.sum(
                    length(ContentItem.title)
                    + length(ContentItem.teaser)
                    + length(ContentItem.body)
                    + length(ContentItem.url)
                ),
            ).where(ContentItem.community_id == community_id, ContentItem.published_at.is_not(None))
        )
    ).one()
    live = (
        await session.execute(
            select(
                func.count(LiveSession.id),
                func.max(LiveSession.id),
                func.sum(
                    length(LiveSession.title) + length(LiveSession.description) + length(LiveSession.recording_url)
                ),
                func.sum(func.coalesce(LiveSession.content_item_id, 0)),
            ).where(LiveSession.community_id == community_id, LiveSession.recording_url.is_not(None))
        )
    ).one()
    return tuple(tuple(row) for row in (faq, content, live))


async def recordings(session: AsyncSession, community_id: int) -> Sequence[LiveSession]:
    """Live sessions with a recording, oldest first."""
    rows = await session.scalars(
        select(LiveSession)
        .where(LiveSession.community_id == community_id, LiveSession.recording_url.is_not(None))
        .order_by(LiveSession.id)
    )
    return rows.all()


async def published_items(session: AsyncSession, community_id: int) -> Sequence[ContentItem]:
    """Published library items, oldest first."""
    rows = await session.scalars(
        select(ContentItem)
        .where(ContentItem.community_id == community_id, ContentItem.published_at.is_not(None))
        .order_by(ContentItem.id)
    )
    return rows.all()
