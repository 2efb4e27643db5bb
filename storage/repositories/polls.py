"""Polls and their votes: one (changeable) vote per member per poll."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import OutboxMessage, Poll, PollVote
from storage.repositories._upsert import insert_ignoring_conflicts


async def add(
    session: AsyncSession, community_id: int, question: str, options: Sequence[str], author_id: int, now: datetime
) -> Poll:
    """A new open poll, flushed so it has its id."""
    poll = Poll(
        community_id=community_id, question=question, options=list(options), created_by=author_id, created_at=now
    )
    session.add(poll)
    await session.flush()
    return poll


async def get(session: AsyncSession, community_id: int, poll_id: int) -> Poll | None:
    """The poll, if it is this community's."""
    poll = await session.get(Poll, poll_id)
    return poll if poll is not None and poll.community_id == community_id else None


async def latest(session: AsyncSession, community_id: int, *, open_only: bool = False) -> Poll | None:
    query = select(Poll).where(Poll.community_id == community_id)
    if open_only:
        query = query.where(Poll.closed_at.is_(None))
    return await session.scalar(query.order_by(Poll.id.desc()).limit(1))


async def vote(session: AsyncSession, poll_id: int, member_id: int, option: int, now: datetime) -> None:
    """Record the member's choice, replacing an earlier one (the unique pair makes a second insert a no-op)."""
    values = {"poll_id": poll_id, "member_id": member_id, "option": option, "voted_at": now}
    added = await session.execute(insert_ignoring_conflicts(session, PollVote, values))
    if added.rowcount != 1:  # type: ignore[attr-defined]  # a DML Result is a CursorResult
        await session.execute(
            update(PollVote)
            .where(PollVote.poll_id == poll_id, PollVote.member_id == member_id)
            .values(option=option, voted_at=now)
        )


async def close(session: AsyncSession, poll: Poll, now: datetime) -> bool:
    """Close the poll unless it already was (by anyone, even concurrently). True if this call closed it."""
    closed = await session.execute(
        update(Poll)
        .where(Poll.id == poll.id, Poll.closed_at.is_(None))
        .values(closed_at=now)
        .execution_options(synchronize_session=False)
    )
    if closed.rowcount != 1:  # type: ignore[attr-defined]  # a DML Result is a CursorResult
        return False
    await session.refresh(poll)
    return True


async def counts(session: AsyncSession, poll_id: int) -> dict[int, int]:
    """Votes per option number (options nobody chose are missing)."""
    rows = await session.execute(
        select(PollVote.option, func.count()).where(PollVote.poll_id == poll_id).group_by(PollVote.option)
    )
    return {int(option): int(count) for option, count in rows.all()}


async def choice(session: AsyncSession, poll_id: int, member_id: int) -> int | None:
    """The option the member voted for, if they voted."""
    return await session.scalar(
        select(PollVote.option).where(PollVote.poll_id == poll_id, PollVote.member_id == member_id)
    )


async def posts(session: AsyncSession, poll_id: int) -> list[tuple[int, str, str, dict[str, Any]]]:
    """Where the poll was posted, as (outbox row id, platform, workspace, target): its post rows remember it."""
    rows = await session.scalars(
        select(OutboxMessage).where(OutboxMessage.dedupe_key.like(f"poll:{poll_id}:post:%")).order_by(OutboxMessage.id)
    )
    return [(row.id, row.platform, row.workspace_id, dict(row.target)) for row in rows.all()]
