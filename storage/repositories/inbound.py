"""Inbound deliveries already seen, so retries (Slack's X-Slack-Retry-Num) have no second effect."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import InboundEvent
from storage.repositories._upsert import insert_ignoring_conflicts


async def first_time(session: AsyncSession, platform: str, event_key: str, now: datetime) -> bool:
    """Record a delivery; True only the first time this (platform, key) is seen."""
    statement = insert_ignoring_conflicts(
        session, InboundEvent, {"platform": platform, "event_key": event_key[:200], "received_at": now}
    )
    return (await session.execute(statement)).rowcount == 1


async def forget_before(session: AsyncSession, cutoff: datetime) -> int:
    """Drop records older than any platform retries (Stripe retries for 3 days)."""
    result = await session.execute(delete(InboundEvent).where(InboundEvent.received_at < cutoff))
    return result.rowcount or 0
