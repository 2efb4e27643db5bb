"""Milestones: 1 month, 3 months and 1 year in, the first post, the fifth live session.

Each is reached once per member (a unique Milestone row) and celebrated the way the member
chose: a DM, a post in the welcome (or announcements) channel, or quietly. Only milestones
reached in the last week are looked for: a belated "happy one month" to a two-year member
helps no one, and the scans stay small. A first post or fifth live session found late (the
feature is new) is recorded without a message. Tenure is time in the current membership
(`common.tenure_start`): someone who left and came back is not "one month in" on their return.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from bot.messages import Target
from bot.notices.engagement import MilestonePost, MilestoneReached
from bot.outbox import Outgoing
from bot.services.audience import channel_targets
from bot.services.engagement.common import SCAN_EVERY, Reach, add_months, not_before, tenure_starts
from storage.database import Session
from storage.repositories.engagement import Person
from storage.repositories.engagement import milestones as repo

log = logging.getLogger(__name__)

TENURE = {"1-month": 1, "3-months": 3, "1-year": 12}
LIVE_COUNT = 5
KEYS = (*TENURE, "first-post", "5-live")
CATCH_UP = timedelta(days=7)  # reached longer ago than this: not celebrated
MONTH_END_SLACK = timedelta(days=3)  # the most `add_months` takes off a date: 31 -> 28


def join_band(now: datetime, months: int) -> tuple[datetime, datetime]:
    """The membership starts of everyone who reaches `months` in from `now - CATCH_UP` to the next scan.

    `add_months` moves forward with the join, so the band is the week looked at, `months` earlier.
    It clamps at a month's end (31 Jan + 1 month = 28 Feb), so near one, some who joined up to 3 days
    after the band's end (MONTH_END_SLACK) reach it too: when the week ends on a month's last day
    (they joined on 29-31 January), or on a day the earlier month lacks (the end, 29 March a month
    back, clamps to 28 February at the same hour; who joined later that day reaches it on 28 March).
    The scan checks each one's exact time. (The band used to assume 28- to 31-day months: 43 days
    of joiners for "1-year", most of them read only to be dropped.)
    """
    end = now + SCAN_EVERY
    near_month_end = end.day > 28 or (end + timedelta(days=1)).month != end.month
    return add_months(now - CATCH_UP, -months), add_months(end, -months) + (
        MONTH_END_SLACK if near_month_end else timedelta(0)
    )


class MilestoneService:
    def __init__(self, reach: Reach) -> None:
        self._reach = reach

    async def scan(self) -> int:
        """Record and celebrate every milestone reached (or due before the next scan). Returns how many."""
        done = 0
        for key, months in TENURE.items():
            done += await self._tenure(key, months)
        done += await self._first_post()
        done += await self._live_sessions()
        return done

    async def _tenure(self, key: str, months: int) -> int:
        reach, now = self._reach, self._reach.clock.now()
        started_after, started_before = join_band(now, months)
        async with reach.database.session() as session:
            found = await repo.started_between(
                session, reach.community.id, now, reach.grace, key, started_after, started_before
            )
            # The band holds every membership start; the tenure of the few found is looked up exactly.
            starts = await tenure_starts(session, [p.id for p in found])
            due = [(p, add_months(starts[p.id], months)) for p in found if p.id in starts]
            due = [(p, reached) for p, reached in due if now - CATCH_UP <= reached <= now + SCAN_EVERY]
            return await self._celebrate_all(session, key, due, now)

    async def _first_post(self) -> int:
        reach, now = self._reach, self._reach.clock.now()
        async with reach.database.session() as session:
            due = await repo.first_posts(session, reach.community.id, now, reach.grace, "first-post", now - CATCH_UP)
            return await self._celebrate_all(session, "first-post", due, now)

    async def _live_sessions(self) -> int:
        reach, now = self._reach, self._reach.clock.now()
        async with reach.database.session() as session:
            found = await repo.live_regulars(session, reach.community.id, now, reach.grace, "5-live", LIVE_COUNT)
            if not found:
                return 0
            ends = await repo.attended_ends(session, [p.id for p in found])
            due: list[tuple[Person, datetime]] = []
            for member in found:  # reached when their fifth session ended (now, if found late)
                ended = ends.get(member.id, [])
                due.append((member, min(now, ended[LIVE_COUNT - 1]) if len(ended) >= LIVE_COUNT else now))
            return await self._celebrate_all(session, "5-live", due, now)

    async def _celebrate_all(
        self, session: Session, key: str, due: Sequence[tuple[Person, datetime]], now: datetime
    ) -> int:
        """Record the milestones and queue their celebrations: one INSERT for the records and one for the
        messages (as `Outbox.enqueue_many`), not two per member. A milestone whose moment is not yet
        (quiet hours, their preferred time, not reachable yet) is left for a later scan."""
        if not due:
            return 0
        reach = self._reach
        # "Member since" is when their current membership began, not when they first arrived.
        starts = await tenure_starts(session, [p.id for p, _ in due])
        due = [(replace(p, joined_at=starts.get(p.id, p.joined_at)), reached) for p, reached in due]
        targets = await reach.dm_targets(session, [p.id for p, _ in due if p.celebrate == "dm"])
        ready: list[tuple[Person, datetime, datetime, bool]] = []
        for member, reached in due:
            belated = reached < now - CATCH_UP
            at = self._moment(member, reached, targets.get(member.id), belated, now)
            if at is not None:
                ready.append((member, reached, at, belated))
        recorded = await repo.record_many(session, key, [(m.id, reached) for m, reached, _, _ in ready])
        messages: list[Outgoing] = []
        for member, _, at, belated in ready:
            if member.id in recorded and not belated:
                messages.extend(self._messages(key, member, targets.get(member.id), at, now))
        await reach.outbox.enqueue_many(session, messages)
        return len(recorded)

    def _moment(
        self, member: Person, reached: datetime, target: Target | None, belated: bool, now: datetime
    ) -> datetime | None:
        """When to celebrate (now for a belated or quiet one), or None if not before the next scan."""
        reach, how = self._reach, member.celebrate
        at: datetime | None = now
        if not belated and how == "dm":
            at = reach.send_at(reached, zone=reach.zone_of(member), preferred=member.time_of_day, now=now)
        elif not belated and how == "channel":
            at = reach.send_at(reached, zone=reach.community.tz, preferred=None, now=now)
        if how == "dm" and not belated and target is None:
            return None
        return at

    def _messages(self, key: str, member: Person, target: Target | None, at: datetime, now: datetime) -> list[Outgoing]:
        """The celebration as the member chose it: a DM, a post in each workspace's channel, or nothing."""
        reach, community = self._reach, self._reach.community
        if member.celebrate == "dm" and target is not None:
            dm = MilestoneReached(key, member.name, community.name, community.creator_name, member.joined_at)
            message = reach.outbox.render(dm, reach.reader(member))
            return [(f"milestone:{key}:member:{member.id}", target, message, member.id, not_before(at, now))]
        if member.celebrate != "channel":
            return []
        channels = community.config.channels
        post = reach.outbox.render(MilestonePost(key, member.name, community.name), reach.public_reader())
        return [
            (
                f"milestone:{key}:member:{member.id}:{place.platform}:{place.workspace_id}",
                place,
                post,
                member.id,
                not_before(at, now),
            )
            for place in channel_targets(reach.presence, channels.welcome or channels.announcements)
        ]
