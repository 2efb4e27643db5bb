"""The monthly value recap: on the 1st, in the member's local morning, what their month held.

Members are grouped by (time zone, preferred time), so a scan selects only the members
whose morning has come, and the outbox key `recap:YYYY-MM:member:ID` is both the guard
against sending twice and the record that it was sent. The month counts from when the
member's current membership began (`common.tenure_start`): no recap of a month spent away.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta, tzinfo

from bot.notices.engagement import MonthlyRecap
from bot.services.engagement.common import BATCH, SCAN_EVERY, Reach, not_before, tenure_starts
from bot.services.timing import member_zone
from storage.database import Session
from storage.repositories.engagement import Person
from storage.repositories.engagement import recaps as repo

log = logging.getLogger(__name__)

MORNING = time(9, 0)  # when the recap arrives unless the member chose a time of day
GRACE = timedelta(days=3)  # a recap the bot could not send by then (it was down) is skipped
MIN_TENURE = timedelta(days=7)  # members who joined in the month's last week get theirs next month
WIDEST_OFFSETS = (timedelta(hours=14), timedelta(hours=-12))  # the earliest and latest zones on Earth


@dataclass(frozen=True)
class Month:
    year: int
    month: int

    @property
    def label(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    def following(self) -> Month:
        return Month(self.year + self.month // 12, self.month % 12 + 1)

    def bounds(self, zone: tzinfo) -> tuple[datetime, datetime]:
        """The month's first instant and the next month's, on the wall clock of `zone`."""
        nxt = self.following()
        return datetime(self.year, self.month, 1, tzinfo=zone), datetime(nxt.year, nxt.month, 1, tzinfo=zone)

    @classmethod
    def before(cls, when: datetime) -> Month:
        return cls(when.year - (when.month == 1), (when.month - 2) % 12 + 1)


class RecapService:
    def __init__(self, reach: Reach) -> None:
        self._reach = reach

    async def scan(self) -> int:
        """Queue the recaps whose morning comes before the next scan. Returns how many."""
        now = self._reach.clock.now()
        # The month that has ended (or ends within the hour) in the easternmost zone; its
        # recap window, a few days, is over before the next month's begins.
        return await self._recap(Month.before(now + WIDEST_OFFSETS[0]), now)

    @staticmethod
    def _key_prefix(month: Month) -> str:
        """The outbox key of a member's recap is this and their id: the guard against sending twice."""
        return f"recap:{month.label}:member:"

    async def _recap(self, month: Month, now: datetime) -> int:
        reach = self._reach
        _start_utc, end_utc = month.bounds(UTC)
        if now + SCAN_EVERY < end_utc - WIDEST_OFFSETS[0] or now > end_utc - WIDEST_OFFSETS[1] + GRACE:
            return 0
        prefix = self._key_prefix(month)
        async with reach.database.session() as session:
            schedules = await repo.schedules(
                session, reach.community.id, now, reach.grace, end_utc + WIDEST_OFFSETS[0] - MIN_TENURE, prefix
            )
        done = 0
        for tz_name, preferred in schedules:
            zone = member_zone(tz_name, reach.community.tz)
            start, end = month.bounds(zone)
            at = reach.send_at(end, zone=zone, preferred=preferred or MORNING, now=now)
            if at is None or at > end + GRACE:
                continue
            async with reach.database.session() as session:
                last_drop = await repo.last_drop(session, reach.community.id, start, end)
            group = _Group(tz_name, preferred, start, end, last_drop)
            done += await self._send_batches(month, group, at, now)
        return done

    async def _send_batches(self, month: Month, group: _Group, at: datetime, now: datetime) -> int:
        reach, done, after = self._reach, 0, 0
        while True:
            async with reach.database.session() as session:
                members = await repo.due(
                    session,
                    reach.community.id,
                    now,
                    reach.grace,
                    joined_by=group.end - MIN_TENURE,
                    zone=group.zone,
                    preferred=group.preferred,
                    key_prefix=self._key_prefix(month),
                    start=group.start,
                    end=group.end,
                    last_drop=group.last_drop,
                    after=after,
                    limit=BATCH,
                )
                if not members:
                    return done
                after = members[-1].id
                done += await self._send(session, month, members, group, at, now)
            if len(members) < BATCH:
                return done

    async def _send(
        self, session: Session, month: Month, members: Sequence[Person], group: _Group, at: datetime, now: datetime
    ) -> int:
        reach = self._reach
        # A member's month counts from when their current membership began: a re-joiner's recap holds
        # only what came after their return, and someone back in the month's last week gets none yet.
        starts = await tenure_starts(session, [m.id for m in members])
        members = [m for m in members if m.id in starts and starts[m.id] <= group.end - MIN_TENURE]
        counts = await month_counts(session, reach.community.id, starts, members, group.start, group.end)
        targets = await reach.dm_targets(session, [m.id for m in members])
        sent = 0
        for member in members:
            target, numbers = targets.get(member.id), counts[member.id]
            if target is None or numbers.empty:
                continue
            notice = MonthlyRecap(
                member.name,
                reach.community.name,
                reach.community.creator_name,
                month.month,
                numbers.drops,
                numbers.live,
                numbers.questions,
                starts[member.id],
            )
            key = f"{self._key_prefix(month)}{member.id}"
            sent += await reach.outbox.enqueue(
                session,
                key,
                target,
                notice,
                reader=reach.reader(member),
                member_id=member.id,
                not_before=not_before(at, now),
            )
        return sent


@dataclass(frozen=True)
class _Group:
    """Members whose recap goes at the same moment: one time zone (None: the community's) and preferred time."""

    zone: str | None
    preferred: time | None
    start: datetime  # the month, on their wall clock
    end: datetime
    last_drop: datetime | None  # the month's last drop


@dataclass(frozen=True)
class MonthCounts:
    drops: int
    live: int
    questions: int

    @property
    def empty(self) -> bool:
        return not (self.drops or self.live or self.questions)


async def month_counts(
    session: Session,
    community_id: int,
    since: dict[int, datetime],
    members: Sequence[Person],
    start: datetime,
    end: datetime,
) -> dict[int, MonthCounts]:
    """Per member, in [start, end) and since their membership began (`since`): drops published, live
    sessions attended, questions of theirs that were answered."""
    published, live, questions = await repo.month_activity(session, community_id, [m.id for m in members], start, end)
    counts: dict[int, MonthCounts] = {}
    for m in members:
        began = since.get(m.id, m.joined_at)
        counts[m.id] = MonthCounts(
            drops=sum(1 for p in published if p >= began),
            live=sum(1 for at in live.get(m.id, ()) if at >= began),
            questions=sum(1 for at in questions.get(m.id, ()) if at >= began),
        )
    return counts
