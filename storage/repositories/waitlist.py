"""Launch windows: the community's doors and seat cap, the windows they open in, and the waitlist, first
come first served."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Community, LaunchWindow, WaitlistEntry


async def doors(session: AsyncSession, community_id: int) -> Community:
    """The community row, which holds `doors_open` and `seat_cap` (change them on it)."""
    row = await session.get(Community, community_id)
    assert row is not None, "the community was imported at start-up"
    return row


async def entry(session: AsyncSession, community_id: int, member_id: int) -> WaitlistEntry | None:
    return await session.scalar(
        select(WaitlistEntry).where(WaitlistEntry.community_id == community_id, WaitlistEntry.member_id == member_id)
    )


async def add(session: AsyncSession, community_id: int, member_id: int, now: datetime) -> WaitlistEntry:
    """Put a member at the end of the line; the entry's id is set on return."""
    row = WaitlistEntry(community_id=community_id, member_id=member_id, joined_at=now)
    session.add(row)
    await session.flush()
    return row


async def waiting(session: AsyncSession, community_id: int, *, invited: bool | None = None) -> Sequence[WaitlistEntry]:
    """People on the waitlist who have not joined yet, first come first served (only the invited, or
    only those not invited yet, when `invited` says so)."""
    query = select(WaitlistEntry).where(
        WaitlistEntry.community_id == community_id, WaitlistEntry.converted_at.is_(None)
    )
    if invited is True:
        query = query.where(WaitlistEntry.invited_at.is_not(None))
    elif invited is False:
        query = query.where(WaitlistEntry.invited_at.is_(None))
    result = await session.scalars(query.order_by(WaitlistEntry.joined_at, WaitlistEntry.id))
    return result.all()


async def remove(session: AsyncSession, row: WaitlistEntry) -> None:
    await session.delete(row)
    await session.flush()


async def outstanding_invites(session: AsyncSession, community_id: int, since: datetime) -> int:
    """Invitations made since `since` that were not taken up yet (each still holds a seat)."""
    return int(
        await session.scalar(
            select(func.count(WaitlistEntry.id)).where(
                WaitlistEntry.community_id == community_id,
                WaitlistEntry.converted_at.is_(None),
                WaitlistEntry.invited_at >= since,
            )
        )
        or 0
    )


async def lapsed_invites(
    session: AsyncSession, community_id: int, since: datetime, until: datetime
) -> Sequence[WaitlistEntry]:
    """Invitations made in [since, until) that were not taken up (with `until` = now minus the hold:
    their seat is no longer held)."""
    result = await session.scalars(
        select(WaitlistEntry)
        .where(
            WaitlistEntry.community_id == community_id,
            WaitlistEntry.converted_at.is_(None),
            WaitlistEntry.invited_at >= since,
            WaitlistEntry.invited_at < until,
        )
        .order_by(WaitlistEntry.id)
    )
    return result.all()


async def windows(session: AsyncSession, community_id: int, *, ended: bool = False) -> Sequence[LaunchWindow]:
    """The launch windows not ended yet (or every one, with `ended`), by opening time."""
    query = select(LaunchWindow).where(LaunchWindow.community_id == community_id)
    if not ended:
        query = query.where(LaunchWindow.ended_at.is_(None))
    result = await session.scalars(query.order_by(LaunchWindow.opens_at, LaunchWindow.id))
    return result.all()


async def add_window(
    session: AsyncSession,
    community_id: int,
    key: str,
    opens_at: datetime,
    closes_at: datetime | None,
    *,
    founding: bool,
    opened_at: datetime | None = None,
) -> LaunchWindow:
    row = LaunchWindow(
        community_id=community_id,
        key=key,
        opens_at=opens_at,
        closes_at=closes_at,
        founding=founding,
        opened_at=opened_at,
    )
    session.add(row)
    await session.flush()
    return row


async def window_by_key(session: AsyncSession, community_id: int, key: str) -> LaunchWindow | None:
    return await session.scalar(
        select(LaunchWindow).where(LaunchWindow.community_id == community_id, LaunchWindow.key == key)
    )


async def drop_window(session: AsyncSession, window: LaunchWindow) -> None:
    await session.delete(window)
