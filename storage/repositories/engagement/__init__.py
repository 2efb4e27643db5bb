"""Engagement's queries: who is quiet, who reached a milestone, whose monthly recap is due (one module each),
and what they share: members as plain `Person` rows, and where each can be sent a DM."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

from sqlalchemy import Row, Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Member, MemberPreferences, Membership, PlatformIdentity


@dataclass(frozen=True)
class Person:
    """What a scan needs to know about one member: plain columns, no ORM objects (scans cover many)."""

    id: int
    name: str
    locale: str | None
    timezone: str | None
    joined_at: datetime
    last_active_at: datetime | None
    time_of_day: time | None = None
    nudges: bool = True
    celebrate: str = "dm"
    weekly_digest: bool = False
    """Their drops come in a Monday digest by DM (delivery "dm", digest "weekly")."""


def people(*extra: Any) -> Select[Any]:
    """Members with their preferences (defaults where they have no row), plus `extra` columns."""
    columns: tuple[Any, ...] = (
        Member.id,
        Member.display_name,
        Member.locale,
        Member.timezone,
        Member.joined_at,
        Member.last_active_at,
        MemberPreferences.time_of_day,
        MemberPreferences.nudges,
        MemberPreferences.celebrate,
        MemberPreferences.delivery,
        MemberPreferences.digest,
        *extra,
    )
    return select(*columns).outerjoin(MemberPreferences, MemberPreferences.member_id == Member.id)


def person(row: Row[Any]) -> Person:
    """The `Person` in the first columns of a `people()` row."""
    mid, name, locale, tz, joined, last, preferred, nudges, celebrate, delivery, digest = tuple(row)[:11]
    return Person(
        id=mid,
        name=name,
        locale=locale,
        timezone=tz,
        joined_at=joined,
        last_active_at=last,
        time_of_day=preferred,
        nudges=nudges is not False,
        celebrate=celebrate or "dm",
        weekly_digest=delivery == "dm" and digest == "weekly",
    )


async def identities(session: AsyncSession, member_ids: Sequence[int]) -> list[tuple[int, str, str, str]]:
    """(member id, platform, workspace, user id) of every account of these members, oldest link first."""
    rows = await session.execute(
        select(
            PlatformIdentity.member_id,
            PlatformIdentity.platform,
            PlatformIdentity.workspace_id,
            PlatformIdentity.user_id,
        )
        .where(PlatformIdentity.member_id.in_(member_ids))
        .order_by(PlatformIdentity.id)
    )
    return [(int(mid), platform, workspace, user) for mid, platform, workspace, user in rows.all()]


async def membership_periods(
    session: AsyncSession, member_ids: Sequence[int]
) -> dict[int, list[tuple[datetime, datetime | None]]]:
    """(started, ended or None while open) of every membership these members ever had, per member,
    oldest first: what tenure is counted from (bot.services.engagement.common.tenure_starts)."""
    if not member_ids:
        return {}
    rows = await session.execute(
        select(Membership.member_id, Membership.started_at, Membership.ended_at)
        .where(Membership.member_id.in_(member_ids))
        .order_by(Membership.member_id, Membership.started_at)
    )
    periods: dict[int, list[tuple[datetime, datetime | None]]] = {}
    for member_id, started, ended in rows.all():
        periods.setdefault(int(member_id), []).append((started, ended))
    return periods
