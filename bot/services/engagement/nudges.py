"""Inactivity nudges by policy, and whether each one won the member back.

A member's quiet stretch starts at their last activity (or their join). Each stage of the
policy goes out at most once per stretch, only the furthest stage that is due, never two
member-facing nudges within the policy's gap, never in quiet hours. Coming back starts a
new stretch. Every run works out what is due from the database alone.
"""

from __future__ import annotations

import hashlib
import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Select, exists, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.messages import Target
from bot.services.engagement.common import (
    BATCH,
    SCAN_EVERY,
    Person,
    Reach,
    creator_targets,
    not_before,
    people,
    person,
    quiet_days,
    stretch_start,
    stretch_start_sql,
)
from bot.services.engagement.policy import NudgePolicy, NudgeStage
from bot.views import engagement as views
from storage.models import Activity, ContentItem, Member, MemberPreferences, Nudge

log = logging.getLogger(__name__)

OPT_OUT_REF = "engage.nudges-"  # clicking "stop these reminders" is not coming back
LIST_LIMIT = 500  # drops considered for "what you missed"


@dataclass(frozen=True)
class WinBack:
    """Nudges sent since a date whose outcome is known, and how many brought the member back."""

    sent: int
    came_back: int
    pending: int  # still inside their window, not back yet
    by_stage: dict[str, tuple[int, int]]

    @property
    def rate(self) -> float | None:
        return self.came_back / self.sent if self.sent else None


async def record(session: AsyncSession, nudges: Sequence[dict[str, object]]) -> None:
    """Record sent nudges in one statement (in the transaction that queued them)."""
    if nudges:
        await session.execute(insert(Nudge), list(nudges))


class NudgeService:
    def __init__(self, reach: Reach, policy: NudgePolicy | None = None) -> None:
        self._reach = reach
        self.policy = policy or NudgePolicy.from_config(reach.community.config)

    # -- the scan ---------------------------------------------------------------------------

    async def scan(self) -> int:
        """Queue every nudge due before the next scan. Returns how many members it covered."""
        if not self.policy.enabled:
            return 0
        done = 0
        for stage in reversed(self.policy.stages):  # furthest first: a member gets the furthest due stage only
            done += await (self._member_stage(stage) if stage.to_member else self._creator_stage(stage))
        return done

    def _candidates(self, stage: NudgeStage, now: datetime, after: int) -> Select[tuple[object, ...]]:
        """Members in this stage's band of quiet days who have not had it (or a later one) this stretch."""
        horizon = now + SCAN_EVERY
        since = stretch_start_sql()
        query = (
            people()
            .where(
                self._reach.members_now(now),
                Member.id > after,
                since <= horizon - timedelta(days=stage.day),
                ~exists().where(
                    Nudge.member_id == Member.id, Nudge.sent_at >= since, Nudge.stage.in_(self.policy.later_keys(stage))
                ),
            )
            .order_by(Member.id)
            .limit(BATCH)
        )
        following = self.policy.next_stage(stage)
        if following is not None:  # due for the next stage already: that one decides
            query = query.where(since > horizon - timedelta(days=following.day))
        if stage.to_member:
            query = query.where(
                MemberPreferences.nudges.is_not(False),
                ~exists().where(
                    Nudge.member_id == Member.id,
                    Nudge.sent_at > now - self.policy.min_gap,
                    Nudge.stage.in_(self.policy.member_keys),
                ),
            )
        return query

    async def _member_stage(self, stage: NudgeStage) -> int:
        reach, now = self._reach, self._reach.clock.now()
        sent, after = 0, 0
        while True:
            async with reach.database.session() as session:
                batch = [person(row) for row in await session.execute(self._candidates(stage, now, after))]
                if not batch:
                    return sent
                after = batch[-1].id
                targets = await reach.dm_targets(session, [p.id for p in batch])
                missed = await self._published_since(session, min(stretch_start(p) for p in batch), now)
                nudged = [
                    nudge
                    for member in batch
                    if (nudge := await self._nudge_member(session, stage, member, targets.get(member.id), missed, now))
                ]
                await record(session, nudged)
                sent += len(nudged)
            if len(batch) < BATCH:
                return sent

    async def _nudge_member(
        self,
        session: AsyncSession,
        stage: NudgeStage,
        member: Person,
        target: Target | None,
        published: Sequence[ContentItem],
        now: datetime,
    ) -> dict[str, object] | None:
        """Queue this member's nudge if its moment comes before the next scan; the Nudge row to record."""
        reach = self._reach
        since = stretch_start(member)
        zone = reach.zone_of(member)
        at = reach.send_at(since + timedelta(days=stage.day), zone=zone, preferred=member.time_of_day, now=now)
        if at is None or target is None:
            return None
        t = reach.words_for(member)
        community = reach.community
        if stage.send == "missed":
            items = [i for i in published if i.published_at and i.published_at > since]
            message = views.nudge_missed(
                name=member.name, creator=community.creator_name, community=community.name, days=quiet_days(member, at),
                items=items, limit=self.policy.max_listed, zone=zone, t=t,
            )
        else:
            message = views.nudge_note(
                name=member.name, creator=community.creator_name, community=community.name,
                note=self.policy.note, t=t,
            )
        # A member's check-in invites a reply: bot/services/replies.py (INVITING) knows this key's shape.
        key = f"nudge:{stage.key}:member:{member.id}:since:{since.date().isoformat()}"
        if await reach.outbox.enqueue(session, key, target, message, member_id=member.id, not_before=not_before(at, now)):
            return {"member_id": member.id, "stage": stage.key, "sent_at": at}
        return None

    async def _creator_stage(self, stage: NudgeStage) -> int:
        """One list per creator per delivery time, of the members who reached this stage."""
        reach, now = self._reach, self._reach.clock.now()
        async with reach.database.session() as session:
            creators = await creator_targets(session, reach)
            if not creators:
                log.info("nudge stage %s: no creator account to tell yet", stage.key)
                return 0
            groups: dict[datetime, list[views.QuietMember]] = defaultdict(list)
            after = 0
            while True:
                batch = [person(row) for row in await session.execute(self._candidates(stage, now, after))]
                for member in batch:
                    since = stretch_start(member)
                    due = since + timedelta(days=stage.day)
                    at = reach.send_at(due, zone=reach.community.tz, preferred=self.policy.creator_time, now=now)
                    if at is None:
                        continue
                    groups[at].append(
                        views.QuietMember(
                            member_id=member.id, name=member.name, since=since,
                            days=quiet_days(member, at), joined=member.joined_at, nudges_on=member.nudges,
                        )
                    )
                if len(batch) < BATCH:
                    break
                after = batch[-1].id
            for at, quiet in groups.items():
                await self._tell_creators(session, stage, creators, quiet, at, now)
            return sum(len(q) for q in groups.values())

    async def _tell_creators(
        self,
        session: AsyncSession,
        stage: NudgeStage,
        creators: Sequence[tuple[Member, Target]],
        quiet: Sequence[views.QuietMember],
        at: datetime,
        now: datetime,
    ) -> None:
        reach = self._reach
        digest = hashlib.sha1(",".join(f"{q.member_id}@{q.since.isoformat()}" for q in quiet).encode()).hexdigest()[:16]
        for creator, target in creators:
            message = views.creator_quiet_list(
                quiet, days=stage.day, community=reach.community.name, zone=reach.community.tz, t=reach.words_for(creator)
            )
            key = f"nudge:{stage.key}:creator:{creator.id}:members:{digest}"
            await reach.outbox.enqueue(session, key, target, message, member_id=creator.id, not_before=not_before(at, now))
        await record(session, [{"member_id": q.member_id, "stage": stage.key, "sent_at": at} for q in quiet])

    async def _published_since(self, session: AsyncSession, since: datetime, now: datetime) -> Sequence[ContentItem]:
        result = await session.scalars(
            select(ContentItem)
            .where(
                ContentItem.community_id == self._reach.community.id,
                ContentItem.published_at > since,
                ContentItem.published_at <= now,
            )
            .order_by(ContentItem.published_at.desc(), ContentItem.id.desc())
            .limit(LIST_LIMIT)
        )
        return result.all()

    # -- win-backs --------------------------------------------------------------------------

    async def record_returns(self) -> int:
        """Mark nudges whose member was active again within the window. Returns how many."""
        now, window = self._reach.clock.now(), self.policy.win_back
        first_activity = (
            select(func.min(Activity.occurred_at))
            .where(
                Activity.member_id == Nudge.member_id,
                Activity.occurred_at > Nudge.sent_at,
                or_(Activity.ref.is_(None), ~Activity.ref.startswith(OPT_OUT_REF)),
            )
            .correlate(Nudge)
            .scalar_subquery()
        )
        async with self._reach.database.session() as session:
            rows = (
                await session.execute(
                    select(Nudge.id, Nudge.sent_at, first_activity)
                    .join(Member, Member.id == Nudge.member_id)
                    .where(
                        Member.community_id == self._reach.community.id,
                        Nudge.came_back_at.is_(None),
                        Nudge.sent_at >= now - 2 * window,  # one window of catch-up after downtime
                        Nudge.sent_at <= now,
                        Member.last_active_at > Nudge.sent_at,
                    )
                )
            ).all()
            marked = 0
            for nudge_id, sent_at, back in rows:
                if back is not None and back <= sent_at + window:
                    await session.execute(update(Nudge).where(Nudge.id == nudge_id).values(came_back_at=back))
                    marked += 1
            return marked

    async def win_back_rate(self, since: datetime) -> WinBack:
        """Of the nudges sent since `since`, how many brought the member back within the window."""
        now, window = self._reach.clock.now(), self.policy.win_back
        decided = or_(Nudge.came_back_at.is_not(None), Nudge.sent_at <= now - window)
        async with self._reach.database.session() as session:
            rows = (
                await session.execute(
                    select(
                        Nudge.stage,
                        func.count().filter(decided),
                        func.count(Nudge.came_back_at),
                        func.count().filter(~decided),
                    )
                    .join(Member, Member.id == Nudge.member_id)
                    .where(Member.community_id == self._reach.community.id, Nudge.sent_at >= since, Nudge.sent_at <= now)
                    .group_by(Nudge.stage)
                )
            ).all()
        by_stage = {stage: (sent, back) for stage, sent, back, _ in rows}
        return WinBack(
            sent=sum(r[1] for r in rows), came_back=sum(r[2] for r in rows), pending=sum(r[3] for r in rows),
            by_stage=by_stage,
        )

    # -- for the creator --------------------------------------------------------------------

    async def quiet_members(self, min_days: int, limit: int = 25) -> tuple[int, list[views.QuietMember]]:
        """Members quiet for at least `min_days`, longest first, and how many there are in all."""
        now = self._reach.clock.now()
        since = stretch_start_sql()
        where = (self._reach.members_now(now), since <= now - timedelta(days=min_days))
        async with self._reach.database.session() as session:
            total = await session.scalar(select(func.count()).select_from(Member).where(*where)) or 0
            listed = [
                person(row) for row in await session.execute(people().where(*where).order_by(since, Member.id).limit(limit))
            ]
            stages = await self._last_stages(session, listed)
        quiet = [
            views.QuietMember(
                member_id=m.id, name=m.name, since=stretch_start(m), days=quiet_days(m, now),
                joined=m.joined_at, nudges_on=m.nudges, last_nudge=stages.get(m.id),
            )
            for m in listed
        ]
        return total, quiet

    async def _last_stages(self, session: AsyncSession, members: Sequence[Person]) -> dict[int, str]:
        """The furthest nudge stage each member had in their current stretch."""
        if not members:
            return {}
        starts = {m.id: stretch_start(m) for m in members}
        rows = await session.execute(
            select(Nudge.member_id, Nudge.stage, Nudge.sent_at)
            .where(Nudge.member_id.in_(starts))
            .order_by(Nudge.sent_at)
        )
        return {mid: stage for mid, stage, sent_at in rows if sent_at >= starts[mid]}


