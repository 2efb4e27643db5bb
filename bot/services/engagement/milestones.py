"""Milestones: 1 month, 3 months and 1 year in, the first post, the fifth live session.

Each is reached once per member (a unique Milestone row) and celebrated the way the member
chose: a DM, a post in the welcome (or announcements) channel, or quietly. Only milestones
reached in the last week are looked for: a belated "happy one month" to a two-year member
helps no one, and the scans stay small. A first post or fifth live session found late (the
feature is new) is recorded without a message.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.messages import Target
from bot.services.audience import channel_targets
from bot.services.engagement.common import (
    SCAN_EVERY,
    Person,
    Reach,
    add_months,
    not_before,
    people,
    person,
)
from bot.views import engagement as views
from storage.models import Activity, LiveSession, Member, Milestone, Rsvp
from storage.repositories._upsert import insert_ignoring_conflicts

log = logging.getLogger(__name__)

TENURE = {"1-month": 1, "3-months": 3, "1-year": 12}
LIVE_COUNT = 5
KEYS = (*TENURE, "first-post", "5-live")
CATCH_UP = timedelta(days=7)  # reached longer ago than this: not celebrated


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

    def _not_reached(self, key: str) -> ColumnElement[bool]:
        return ~exists().where(Milestone.member_id == Member.id, Milestone.key == key)

    async def _tenure(self, key: str, months: int) -> int:
        now = self._reach.clock.now()
        # Months are 28 to 31 days long: a band of join dates a little wider than the week looked at.
        joined_after = now - CATCH_UP - timedelta(days=31 * months)
        joined_before = now + SCAN_EVERY - timedelta(days=28 * months)
        async with self._reach.database.session() as session:
            rows = await session.execute(
                people().where(
                    self._reach.members_now(now),
                    Member.joined_at.between(joined_after, joined_before),
                    self._not_reached(key),
                )
            )
            due = [(p, add_months(p.joined_at, months)) for p in map(person, rows)]
            due = [(p, reached) for p, reached in due if now - CATCH_UP <= reached <= now + SCAN_EVERY]
            return await self._celebrate_all(session, key, due, now)

    async def _first_post(self) -> int:
        now = self._reach.clock.now()
        first = (
            select(func.min(Activity.occurred_at))
            .where(Activity.member_id == Member.id, Activity.kind == "message")
            .correlate(Member)
            .scalar_subquery()
        )
        async with self._reach.database.session() as session:
            rows = await session.execute(
                people(first).where(
                    self._reach.members_now(now),
                    Member.last_active_at >= now - CATCH_UP,  # whoever posted lately was active lately
                    self._not_reached("first-post"),
                    first.is_not(None),
                )
            )
            due = [(person(row), row[-1]) for row in rows]
            return await self._celebrate_all(session, "first-post", due, now)

    async def _live_sessions(self) -> int:
        now = self._reach.clock.now()
        regulars = (
            select(Rsvp.member_id)
            .where(Rsvp.attended.is_(True))
            .group_by(Rsvp.member_id)
            .having(func.count() >= LIVE_COUNT)
        )
        async with self._reach.database.session() as session:
            found = [
                person(row)
                for row in await session.execute(
                    people().where(
                        self._reach.members_now(now), Member.id.in_(regulars), self._not_reached("5-live")
                    )
                )
            ]
            if not found:
                return 0
            ends: dict[int, list[datetime]] = defaultdict(list)
            attended = await session.execute(
                select(Rsvp.member_id, LiveSession.starts_at, LiveSession.duration_min)
                .join(LiveSession, LiveSession.id == Rsvp.session_id)
                .where(Rsvp.attended.is_(True), Rsvp.member_id.in_([p.id for p in found]))
                .order_by(LiveSession.starts_at)
            )
            for member_id, starts_at, minutes in attended:
                ends[member_id].append(starts_at + timedelta(minutes=minutes))
            due = [(p, min(now, ends[p.id][LIVE_COUNT - 1]) if len(ends[p.id]) >= LIVE_COUNT else now) for p in found]
            return await self._celebrate_all(session, "5-live", due, now)

    async def _celebrate_all(
        self, session: AsyncSession, key: str, due: Sequence[tuple[Person, datetime]], now: datetime
    ) -> int:
        if not due:
            return 0
        targets = await self._reach.dm_targets(session, [p.id for p, _ in due if p.celebrate == "dm"])
        done = 0
        for member, reached in due:
            done += await self._celebrate(session, member, targets.get(member.id), key, reached, now)
        return done

    async def _celebrate(
        self, session: AsyncSession, member: Person, target: Target | None, key: str, reached: datetime, now: datetime
    ) -> int:
        """Record the milestone and queue its celebration, or wait if its moment is not yet."""
        reach = self._reach
        how = member.celebrate
        belated = reached < now - CATCH_UP
        at: datetime | None = now
        if not belated and how == "dm":
            at = reach.send_at(reached, zone=reach.zone_of(member), preferred=member.time_of_day, now=now)
        elif not belated and how == "channel":
            at = reach.send_at(reached, zone=reach.community.tz, preferred=None, now=now)
        if at is None or (how == "dm" and not belated and target is None):
            return 0  # quiet hours, their preferred time, or not reachable yet: a later scan celebrates
        inserted = await session.execute(
            insert_ignoring_conflicts(session, Milestone, {"member_id": member.id, "key": key, "reached_at": reached})
        )
        if inserted.rowcount != 1 or belated or how not in ("dm", "channel"):
            return inserted.rowcount
        community = reach.community
        if how == "dm" and target is not None:
            message = views.milestone_dm(
                key, name=member.name, community=community.name, creator=community.creator_name,
                joined=member.joined_at, zone=reach.zone_of(member), t=reach.words_for(member),
            )
            await reach.outbox.enqueue(
                session, f"milestone:{key}:member:{member.id}", target, message,
                member_id=member.id, not_before=not_before(at, now),
            )
            return 1
        channels = community.config.channels  # how == "channel"
        post = views.milestone_post(key, name=member.name, community=community.name, t=reach.community_words)
        for place in channel_targets(reach.presence, channels.welcome or channels.announcements):
            await reach.outbox.enqueue(
                session, f"milestone:{key}:member:{member.id}:{place.platform}:{place.workspace_id}", place, post,
                member_id=member.id, not_before=not_before(at, now),
            )
        return 1
