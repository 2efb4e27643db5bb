"""What the engagement scans share: their dependencies, when a message may go, and who the creators are."""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Row, Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.community.schema import QuietHours
from bot.i18n import Catalog, Translator
from bot.messages import Target
from bot.outbox import Outbox
from bot.services.audience import dm_target
from bot.services.community import CommunityContext
from bot.services.presence import Presence
from bot.services.timing import member_zone, next_send_time
from storage.database import Database
from storage.models import Member, MemberPreferences, PlatformIdentity
from storage.repositories import members

# How often the scans run. Each queues what falls due before the next run, with `not_before`,
# so a message arrives at its exact minute rather than at the next scan.
SCAN_EVERY = timedelta(hours=1)
BATCH = 1000  # members per transaction in a scan


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


def people(*extra: ColumnElement[object]) -> Select[tuple[object, ...]]:
    """Members with their preferences (defaults where they have no row), plus `extra` columns."""
    return select(
        Member.id,
        Member.display_name,
        Member.locale,
        Member.timezone,
        Member.joined_at,
        Member.last_active_at,
        MemberPreferences.time_of_day,
        MemberPreferences.nudges,
        MemberPreferences.celebrate,
        *extra,
    ).outerjoin(MemberPreferences, MemberPreferences.member_id == Member.id)


def person(row: Row[tuple[object, ...]]) -> Person:
    mid, name, locale, tz, joined, last, preferred, nudges, celebrate = row[:9]
    return Person(
        id=mid, name=name, locale=locale, timezone=tz, joined_at=joined, last_active_at=last,  # type: ignore[arg-type]
        time_of_day=preferred, nudges=nudges is not False, celebrate=celebrate or "dm",  # type: ignore[arg-type]
    )


@dataclass(frozen=True)
class Reach:
    """The dependencies every engagement scan needs, built once by bot.app."""

    database: Database
    outbox: Outbox
    clock: Clock
    community: CommunityContext
    presence: Presence
    catalog: Catalog
    grace: timedelta = members.DEFAULT_GRACE  # a late payment keeps someone a member this long

    def members_now(self, now: datetime) -> ColumnElement[bool]:
        """Who member messages are for at `now`: members with a current membership (see
        storage.repositories.members.current_members), never the creator, moderators or people who left."""
        return members.current_members(self.community.id, now, self.grace)

    def words_for(self, member: Member | Person) -> Translator:
        return self.catalog.for_locale(member.locale, self.community.locale)

    @property
    def community_words(self) -> Translator:
        return self.catalog.for_locale(self.community.locale)

    def zone_of(self, member: Member | Person) -> ZoneInfo:
        return member_zone(member.timezone, self.community.tz)

    def send_at(self, due: datetime, *, zone: ZoneInfo, preferred: time | None, now: datetime) -> datetime | None:
        return delivery_time(due, now=now, zone=zone, quiet=self.community.config.quiet_hours, preferred=preferred)

    def dm(self, member: Member) -> Target | None:
        return dm_target(member, self.presence)

    async def dm_targets(self, session: AsyncSession, member_ids: Sequence[int]) -> dict[int, Target]:
        """Each member's first account on a platform this process serves, in one query."""
        spaces = set(self.presence.spaces)
        rows = await session.execute(
            select(PlatformIdentity.member_id, PlatformIdentity.platform, PlatformIdentity.workspace_id, PlatformIdentity.user_id)
            .where(PlatformIdentity.member_id.in_(member_ids))
            .order_by(PlatformIdentity.id)
        )
        found: dict[int, Target] = {}
        for member_id, platform, workspace, user_id in rows:
            if member_id not in found and (platform, workspace) in spaces:
                found[member_id] = Target(platform, workspace, user_id=user_id)
        return found


def delivery_time(
    due: datetime,
    *,
    now: datetime,
    zone: ZoneInfo,
    quiet: QuietHours,
    preferred: time | None,
    lookahead: timedelta = SCAN_EVERY,
) -> datetime | None:
    """When something due at `due` should reach the member, or None if not before the next scan.

    On time, that is the member's preferred time (or `due`) outside quiet hours. A moment
    already past (the bot was down, or a rule held the message back) is caught up now,
    unless now is quiet: waiting another day for the preferred time would only add to the delay.
    """
    at = next_send_time(due, zone=zone, quiet=quiet, preferred=preferred)
    if at < now:
        at = next_send_time(now, zone=zone, quiet=quiet)
    return at if at <= now + lookahead else None


def not_before(at: datetime, now: datetime) -> datetime | None:
    return at if at > now else None


def stretch_start(member: Member | Person) -> datetime:
    """When the member was last active (or joined): the start of their current quiet stretch."""
    return member.last_active_at or member.joined_at


def stretch_start_sql() -> ColumnElement[datetime]:
    return func.coalesce(Member.last_active_at, Member.joined_at)


def quiet_days(member: Member | Person, now: datetime) -> int:
    return max(0, (now - stretch_start(member)).days)


def add_months(when: datetime, months: int) -> datetime:
    """The same day `months` later, clamped to the month's end (31 Jan + 1 month = 28/29 Feb)."""
    index = when.month - 1 + months
    year, month = when.year + index // 12, index % 12 + 1
    return when.replace(year=year, month=month, day=min(when.day, calendar.monthrange(year, month)[1]))


async def creator_targets(session: AsyncSession, reach: Reach) -> Sequence[tuple[Member, Target]]:
    """Each creator account's DMs on a platform this process serves (one per creator member)."""
    creators = await session.scalars(
        select(Member)
        .where(Member.community_id == reach.community.id, Member.role == "creator", Member.left_at.is_(None))
        .order_by(Member.id)
    )
    found: list[tuple[Member, Target]] = []
    for creator in creators:
        target = reach.dm(creator)
        if target is not None and all(target != t for _, t in found):
            found.append((creator, target))
    return found
