"""Members' replies to the creator: the invitation they answer (a sent outbox row), the reply rows, and who reads them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Member, MemberReply, OutboxMessage
from storage.repositories._upsert import affected, insert_ignoring_conflicts


async def latest_invitation(
    session: AsyncSession, member_id: int, key_patterns: Sequence[str], since: datetime
) -> OutboxMessage | None:
    """The newest message *sent* (not merely queued) to the member since `since` whose dedupe key
    matches one of `key_patterns` (SQL LIKE patterns). The outbox's member index finds it."""
    if not key_patterns:
        return None
    return await session.scalar(
        select(OutboxMessage)
        .where(
            OutboxMessage.member_id == member_id,
            OutboxMessage.status == "sent",
            OutboxMessage.sent_at >= since,
            or_(*(OutboxMessage.dedupe_key.like(pattern) for pattern in key_patterns)),
        )
        .order_by(OutboxMessage.sent_at.desc(), OutboxMessage.id.desc())
        .limit(1)
    )


async def record(session: AsyncSession, values: dict[str, object]) -> tuple[MemberReply, bool]:
    """Add the reply unless one with its `source` (the inbound message) exists; (the row, whether it is new)."""
    result = await session.execute(insert_ignoring_conflicts(session, MemberReply, {"status": "open", **values}))
    row = await session.scalar(select(MemberReply).where(MemberReply.source == values["source"]))
    assert row is not None
    return row, affected(result) == 1


async def get(session: AsyncSession, reply_id: int) -> MemberReply | None:
    return await session.get(MemberReply, reply_id)


async def open_replies(
    session: AsyncSession, community_id: int, limit: int
) -> tuple[list[tuple[MemberReply, str | None]], int]:
    """Replies still waiting for the creator, oldest first, with the member's name; and how many in all."""
    where = (MemberReply.community_id == community_id, MemberReply.status == "open")
    total = await session.scalar(select(func.count()).select_from(MemberReply).where(*where)) or 0
    rows = await session.execute(
        select(MemberReply, Member.display_name)
        .outerjoin(Member, Member.id == MemberReply.member_id)
        .where(*where)
        .order_by(MemberReply.received_at, MemberReply.id)
        .limit(limit)
    )
    return [(reply, name) for reply, name in rows.all()], int(total)


async def creators(session: AsyncSession, community_id: int) -> Sequence[Member]:
    """The community's current creator accounts: whom a reply is for."""
    rows = await session.scalars(
        select(Member)
        .where(Member.community_id == community_id, Member.role == "creator", Member.left_at.is_(None))
        .order_by(Member.id)
    )
    return rows.all()
