"""The data's own clock: the latest moment the bot recorded for a community, and where its members chat.

`membot report` reads these to report at the time the data was written (a console session moves
its clock with `--start` and `/time`), and to list only who is a member at that moment.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Activity, FaqQuestion, InboundEvent, Member, Membership, OutboxMessage, PlatformIdentity
from storage.repositories import members


def _latest_queries(community_id: int) -> Sequence[Select[Any]]:
    """One `max(...)` per column the bot stamps with its clock's "now" (never a time planned ahead)."""
    ours: ColumnElement[bool] = Member.community_id == community_id
    return (
        select(func.max(Member.joined_at)).where(ours),
        select(func.max(Activity.occurred_at)).join(Member, Member.id == Activity.member_id).where(ours),
        select(func.max(Membership.started_at)).join(Member, Member.id == Membership.member_id).where(ours),
        select(func.max(Membership.ended_at)).join(Member, Member.id == Membership.member_id).where(ours),
        select(func.max(FaqQuestion.asked_at)).where(FaqQuestion.community_id == community_id),
        # The outbox and inbound events name a workspace, not a community: a database holds one clock.
        select(func.max(OutboxMessage.created_at)),
        select(func.max(OutboxMessage.sent_at)),
        select(func.max(InboundEvent.received_at)),
    )


async def latest_recorded(session: AsyncSession, community_id: int) -> datetime | None:
    """The latest moment the bot wrote down for this community (None: nothing recorded yet)."""
    found = [await session.scalar(query) for query in _latest_queries(community_id)]
    stamps: list[datetime] = [when for when in found if isinstance(when, datetime)]
    return max(stamps) if stamps else None


async def member_platforms(session: AsyncSession, community_id: int) -> set[str]:
    """The platforms the community's people (the creator included) have accounts on."""
    rows = await session.scalars(
        select(PlatformIdentity.platform)
        .distinct()
        .join(Member, Member.id == PlatformIdentity.member_id)
        .where(Member.community_id == community_id)
    )
    return set(rows.all())


async def current_member_ids(session: AsyncSession, community_id: int, now: datetime, grace: timedelta) -> set[int]:
    """Who is a member at `now` (storage.repositories.members.current_members): not an ex-member."""
    rows = await session.scalars(select(Member.id).where(members.current_members(community_id, now, grace)))
    return set(rows.all())
