"""What the engagement scans share: their dependencies, when a message may go, who reads it, and where."""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.community.schema import QuietHours
from bot.messages import Target
from bot.notices import Reader
from bot.outbox import Outbox
from bot.services.audience import dm_target
from bot.services.community import CommunityContext
from bot.services.presence import Presence
from bot.services.timing import member_zone, next_send_time
from storage.database import Database, Session
from storage.models import Member
from storage.repositories import members, memberships
from storage.repositories.engagement import Person, identities, membership_periods

# How often the scans run. Each queues what falls due before the next run, with `not_before`,
# so a message arrives at its exact minute rather than at the next scan.
SCAN_EVERY = timedelta(hours=1)
BATCH = 1000  # members per transaction in a scan
# Memberships that follow each other within this (a plan switched by cancelling and subscribing again,
# a creator's grant after a subscription) are one stretch of membership; a longer break starts a new one.
BREAK = timedelta(days=1)


@dataclass(frozen=True)
class Reach:
    """The dependencies every engagement scan needs, built once by bot.app."""

    database: Database
    outbox: Outbox
    clock: Clock
    community: CommunityContext
    presence: Presence
    grace: timedelta = members.DEFAULT_GRACE  # a late payment keeps someone a member this long

    def reader(self, member: Member | Person) -> Reader:
        """A member reads in their own language and zone, falling back to the community's."""
        return Reader((member.locale, self.community.locale), self.zone_of(member).key)

    def public_reader(self) -> Reader:
        """A channel post reads in the community's language and zone."""
        return Reader((self.community.locale,), self.community.tz.key)

    def creator_reader(self, creator: Member) -> Reader:
        """The creator's lists read in their language, with dates in the community's zone (what the policy runs on)."""
        return Reader((creator.locale, self.community.locale), self.community.tz.key)

    def zone_of(self, member: Member | Person) -> ZoneInfo:
        return member_zone(member.timezone, self.community.tz)

    def send_at(
        self,
        due: datetime,
        *,
        zone: ZoneInfo,
        preferred: time | None,
        now: datetime,
        lookahead: timedelta = SCAN_EVERY,
    ) -> datetime | None:
        quiet = self.community.config.quiet_hours
        return delivery_time(due, now=now, zone=zone, quiet=quiet, preferred=preferred, lookahead=lookahead)

    async def dm_targets(self, session: Session, member_ids: Sequence[int]) -> dict[int, Target]:
        """Each member's first account on a platform this process serves, in one query."""
        spaces = set(self.presence.spaces)
        found: dict[int, Target] = {}
        for member_id, platform, workspace, user_id in await identities(session, member_ids):
            if member_id not in found and (platform, workspace) in spaces:
                found[member_id] = Target(platform, workspace, user_id=user_id)
        return found

    async def creator_targets(self, session: Session) -> Sequence[tuple[Member, Target]]:
        """Each creator account's DMs on a platform this process serves (one per creator member)."""
        found: list[tuple[Member, Target]] = []
        for creator in await memberships.creators(session, self.community.id):
            target = dm_target(creator, self.presence)
            if target is not None and all(target != t for _, t in found):
                found.append((creator, target))
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


def quiet_days(member: Member | Person, now: datetime) -> int:
    return max(0, (now - stretch_start(member)).days)


def add_months(when: datetime, months: int) -> datetime:
    """The same day `months` later, clamped to the month's end (31 Jan + 1 month = 28/29 Feb)."""
    index = when.month - 1 + months
    year, month = when.year + index // 12, index % 12 + 1
    return when.replace(year=year, month=month, day=min(when.day, calendar.monthrange(year, month)[1]))


def tenure_start(periods: Sequence[tuple[datetime, datetime | None]]) -> datetime | None:
    """When the member's current membership began: the start of the stretch of memberships (`BREAK`
    apart at most) that holds their open one; None without an open membership. Milestones and the
    recap count time as a member from here: someone who left and came back starts again."""
    stretch: datetime | None = None
    until: datetime | None = None  # the stretch's end so far; None while open
    for started, ended in sorted(periods, key=lambda period: period[0]):
        if stretch is None or (until is not None and started > until + BREAK):
            stretch, until = started, ended
        elif until is not None:
            until = None if ended is None else max(until, ended)
    return stretch if stretch is not None and until is None else None


async def tenure_starts(session: Session, member_ids: Sequence[int]) -> dict[int, datetime]:
    """Each member's `tenure_start`, in one query (for the few members a scan is about to message)."""
    periods = await membership_periods(session, member_ids)
    found = {member_id: tenure_start(spans) for member_id, spans in periods.items()}
    return {member_id: start for member_id, start in found.items() if start is not None}
