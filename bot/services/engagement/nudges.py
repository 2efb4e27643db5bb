"""Inactivity nudges by policy, and whether each one won the member back.

A member's quiet stretch starts at their last activity (or their join). Each stage of the
policy goes out at most once per stretch, only the furthest stage that is due, never two
member-facing nudges within the policy's gap, never in quiet hours. Coming back starts a
new stretch, and withdraws a check-in queued for later in the old one. Every run works out what
is due from the database alone.
"""

from __future__ import annotations

import hashlib
import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.log_throttle import ThrottledLog
from bot.messages import Target
from bot.notices import Notice
from bot.notices.content import ContentPiece
from bot.notices.engagement import NudgeMissed, NudgeNote, QuietList, QuietMember
from bot.outbox import Outgoing
from bot.services.content.service import content_piece
from bot.services.engagement.common import (
    BATCH,
    SCAN_EVERY,
    Reach,
    not_before,
    quiet_days,
    stretch_start,
    tenure_starts,
)
from bot.services.engagement.policy import NudgePolicy, NudgeStage
from bot.services.experiments.picker import VariantPicker
from bot.services.timing import member_zone
from storage.database import Session
from storage.models import Member
from storage.repositories import outbox as outbox_repo
from storage.repositories.engagement import Person
from storage.repositories.engagement import nudges as repo

log = logging.getLogger(__name__)

OPT_OUT_REF = "engage.nudges-"  # clicking "stop these reminders" is not coming back
LIST_LIMIT = 500  # drops considered for "what you missed"
RECHECK = timedelta(days=1)  # a member paused or late past the grace period may be back any day
HELD_FOR = timedelta(days=2)  # the longest quiet hours and preferred times can hold a due stage


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


def member_due(stage: NudgeStage, stretch: datetime, zone: ZoneInfo, *, weekly_digest: bool) -> datetime:
    """When a member's check-in of `stage` is due, `stage.day` days into their quiet stretch. A "what you
    missed" one for someone whose drops come in the Monday digest waits a day rather than land beside
    it, listing the same drops (found as an outsider)."""
    due = stretch + timedelta(days=stage.day)
    if stage.send == "missed" and weekly_digest and due.astimezone(zone).weekday() == 0:
        due += timedelta(days=1)
    return due


class NudgeService:
    def __init__(self, reach: Reach, policy: NudgePolicy | None = None) -> None:
        self._reach = reach
        self.policy = policy or NudgePolicy.from_config(reach.community.config)
        # Asked at every scan (each minute): once a day is enough to say the creator can't be reached yet.
        self._unreached = ThrottledLog(log, reach.clock, every=timedelta(days=1))

    # -- the scan ---------------------------------------------------------------------------

    async def scan(self) -> int:
        """Queue every nudge due before the next scan. Returns how many members it covered."""
        if not self.policy.enabled:
            return 0
        reach = self._reach
        async with reach.database.session() as session:
            if await repo.checks_policy(session, reach.community.id) != self.policy.signature:
                await repo.reset_checks(session, reach.community.id, self.policy.signature)
        done = 0
        for stage in reversed(self.policy.stages):  # furthest first: a member gets the furthest due stage only
            done += await (self._member_stage(stage) if stage.to_member else self._creator_stage(stage))
        await self._next_checks()
        return done

    async def _next_checks(self) -> None:
        """Set when to look at each member whose check was due: see `Member.nudge_check_at`."""
        reach, now = self._reach, self._reach.clock.now()
        horizon, after = now + SCAN_EVERY, None
        while True:
            async with reach.database.session() as session:
                page, after = await repo.due_checks(
                    session, reach.community.id, now, reach.grace, horizon, after, BATCH
                )
                stretch = {c.id: c.stretch for c in page}
                had: dict[int, set[str]] = defaultdict(set)
                for member_id, stage, sent_at in await repo.sent_to(session, list(stretch)) if page else ():
                    if sent_at >= stretch[member_id]:
                        had[member_id].add(stage)
                await repo.set_checks(session, {c.id: self._next_check(c, had[c.id], now) for c in page})
            if after is None:
                return

    def _next_check(self, member: repo.Check, had: set[str], now: datetime) -> datetime | None:
        """When the scan should look at this member next: never after a stage can go out; None while none
        can until something wakes them (activity, a new membership, rejoining, opting back in)."""
        if not member.held:
            return None
        if not member.current:
            return now + RECHECK
        stage = self.policy.pending(had=had, wants=member.wants)
        if stage is None:
            return None
        reach = self._reach
        if stage.to_member:
            zone, preferred = member_zone(member.timezone, reach.community.tz), member.time_of_day
            due = member_due(stage, member.stretch, zone, weekly_digest=member.weekly_digest)
        else:
            zone, preferred = reach.community.tz, self.policy.creator_time
            due = member.stretch + timedelta(days=stage.day)
        if due > now + SCAN_EVERY:
            return due
        # Due and not had: held for quiet hours, the member's (or the creator's) time, or the gap. Look again
        # in the scan before it can go out.
        at = reach.send_at(due, zone=zone, preferred=preferred, now=now, lookahead=HELD_FOR)
        return max(now, at - SCAN_EVERY) if at is not None else now + RECHECK

    async def _candidates(
        self, session: Session, stage: NudgeStage, now: datetime, after: tuple[datetime, int] | None
    ) -> tuple[list[Person], tuple[datetime, int] | None]:
        """Members in this stage's band of quiet days who have not had it (or a later one) this stretch:
        the page after `after`, and where the next one starts."""
        reach, horizon = self._reach, now + SCAN_EVERY
        following = self.policy.next_stage(stage)  # due for the next stage already: that one decides
        gap = repo.Gap(now - self.policy.min_gap, self.policy.member_keys) if stage.to_member else None
        return await repo.candidates(
            session,
            reach.community.id,
            now,
            reach.grace,
            quiet_by=horizon - timedelta(days=stage.day),
            quiet_after=horizon - timedelta(days=following.day) if following is not None else None,
            had_none_of=self.policy.later_keys(stage),
            checked_by=horizon,
            gap=gap,
            after=after,
            limit=BATCH,
        )

    async def _member_stage(self, stage: NudgeStage) -> int:
        reach, now = self._reach, self._reach.clock.now()
        sent: int = 0
        after: tuple[datetime, int] | None = None
        while True:
            async with reach.database.session() as session:
                batch, after = await self._candidates(session, stage, now, after)
                if not batch:
                    return sent
                targets = await reach.dm_targets(session, [p.id for p in batch])
                since = min(stretch_start(p) for p in batch)
                published = await repo.published_since(session, reach.community.id, since, now, LIST_LIMIT)
                missed = [content_piece(item) for item in published]
                planned = [
                    plan
                    for member in batch
                    if (plan := await self._nudge_member(session, stage, member, targets.get(member.id), missed, now))
                ]
                # One look-up of the keys already queued, one INSERT for the rest: not one per member.
                taken = await outbox_repo.existing_keys(session, [m[0] for _, m in planned if m is not None])
                fresh = [(record, m) for record, m in planned if m is None or m[0] not in taken]
                await reach.outbox.enqueue_many(session, [m for _, m in fresh if m is not None])
                nudged = [record for record, _ in fresh]
                await repo.record(session, nudged)
                sent += len(nudged)
            if after is None:
                return sent

    async def _nudge_member(
        self,
        session: Session,
        stage: NudgeStage,
        member: Person,
        target: Target | None,
        published: Sequence[ContentPiece],
        now: datetime,
    ) -> tuple[dict[str, object], Outgoing | None] | None:
        """This member's nudge if its moment comes before the next scan: the Nudge row to record, and the
        message to queue (None for an experiment's holdout, which records the stage and sends nothing)."""
        reach = self._reach
        since = stretch_start(member)
        zone = reach.zone_of(member)
        due = member_due(stage, since, zone, weekly_digest=member.weekly_digest)
        at = reach.send_at(due, zone=zone, preferred=member.time_of_day, now=now)
        if at is None or target is None:
            return None
        community = reach.community
        variant = await VariantPicker(community).choose(session, f"checkin:{stage.day}", member.id, at)
        record = {"member_id": member.id, "stage": stage.key, "sent_at": at, "held_back": False}
        if variant is not None and variant.holdout:  # the experiment's control: the stage passes, nothing is sent
            return record | {"held_back": True}, None
        words = variant.text if variant is not None else ""
        notice: Notice
        if stage.send == "missed":
            items = tuple(i for i in published if i.published_at and i.published_at > since)
            notice = NudgeMissed(
                member.name,
                community.creator_name,
                community.name,
                quiet_days(member, at),
                items,
                self.policy.max_listed,
                intro=words,
            )
        else:
            notice = NudgeNote(member.name, community.creator_name, community.name, words or self.policy.note)
        # A member's check-in invites a reply: bot/services/faq/replies.py (INVITING) knows this key's shape.
        # Queued up to a scan ahead: activity before it goes withdraws it (repo.withdraw_unsent).
        key = repo.member_key(stage.key, member.id, since)
        message = reach.outbox.render(notice, reach.reader(member))
        return record, (key, target, message, member.id, not_before(at, now))

    async def _creator_stage(self, stage: NudgeStage) -> int:
        """One list per creator per delivery time, of the members who reached this stage."""
        reach, now = self._reach, self._reach.clock.now()
        async with reach.database.session() as session:
            creators = await reach.creator_targets(session)
            if not creators:
                self._unreached.warning(
                    "no-creator",
                    "nudges: no creator account to tell (no creator identity in community.toml on a platform this bot runs)",
                )
                return 0
            groups: dict[datetime, list[QuietMember]] = defaultdict(list)
            after: tuple[datetime, int] | None = None
            while True:
                batch, after = await self._candidates(session, stage, now, after)
                for member in batch:
                    since = stretch_start(member)
                    due = since + timedelta(days=stage.day)
                    at = reach.send_at(due, zone=reach.community.tz, preferred=self.policy.creator_time, now=now)
                    if at is None:
                        continue
                    groups[at].append(
                        QuietMember(
                            member_id=member.id,
                            name=member.name,
                            since=since,
                            days=quiet_days(member, at),
                            joined=member.joined_at,
                            nudges_on=member.nudges,
                        )
                    )
                if after is None:
                    break
            for at, quiet in groups.items():  # each list by member id, as it always read (and its key hashes)
                await self._tell_creators(session, stage, creators, sorted(quiet, key=lambda q: q.member_id), at, now)
            return sum(len(q) for q in groups.values())

    async def _tell_creators(
        self,
        session: Session,
        stage: NudgeStage,
        creators: Sequence[tuple[Member, Target]],
        quiet: Sequence[QuietMember],
        at: datetime,
        now: datetime,
    ) -> None:
        reach = self._reach
        digest = hashlib.sha1(",".join(f"{q.member_id}@{q.since.isoformat()}" for q in quiet).encode()).hexdigest()[:16]
        notice = QuietList(tuple(quiet), stage.day, reach.community.name)
        for creator, target in creators:
            key = f"nudge:{stage.key}:creator:{creator.id}:members:{digest}"
            await reach.outbox.enqueue(
                session,
                key,
                target,
                notice,
                reader=reach.creator_reader(creator),
                member_id=creator.id,
                not_before=not_before(at, now),
            )
        await repo.record(session, [{"member_id": q.member_id, "stage": stage.key, "sent_at": at} for q in quiet])

    # -- win-backs --------------------------------------------------------------------------

    async def record_returns(self) -> int:
        """Mark nudges whose member was active again within the window. Returns how many."""
        reach, now, window = self._reach, self._reach.clock.now(), self.policy.win_back
        async with reach.database.session() as session:
            # one window of catch-up after downtime
            found = await repo.returns_to_check(session, reach.community.id, now - 2 * window, now, OPT_OUT_REF)
            marked = 0
            for nudge_id, sent_at, back in found:
                if back is not None and back <= sent_at + window:
                    await repo.mark_came_back(session, nudge_id, back)
                    marked += 1
            return marked

    async def win_back_rate(self, since: datetime) -> WinBack:
        """Of the nudges sent since `since`, how many brought the member back within the window."""
        reach, now = self._reach, self._reach.clock.now()
        async with reach.database.session() as session:
            rows = await repo.outcomes(session, reach.community.id, since, now, now - self.policy.win_back)
        return WinBack(
            sent=sum(r[1] for r in rows),
            came_back=sum(r[2] for r in rows),
            pending=sum(r[3] for r in rows),
            by_stage={stage: (sent, back) for stage, sent, back, _ in rows},
        )

    # -- for the creator --------------------------------------------------------------------

    async def quiet_members(self, min_days: int, limit: int = 25) -> tuple[int, list[QuietMember]]:
        """Members quiet for at least `min_days`, longest first, and how many there are in all."""
        reach, now = self._reach, self._reach.clock.now()
        async with reach.database.session() as session:
            total, listed = await repo.quiet(
                session, reach.community.id, now, reach.grace, now - timedelta(days=min_days), limit
            )
            stages = await self._last_stages(session, listed, now)
            began = await tenure_starts(session, [m.id for m in listed])  # a returning member: since the return
        quiet = [
            QuietMember(
                member_id=m.id,
                name=m.name,
                since=stretch_start(m),
                days=quiet_days(m, now),
                joined=began.get(m.id, m.joined_at),
                nudges_on=m.nudges,
                last_nudge_day=stages.get(m.id),
            )
            for m in listed
        ]
        return total, quiet

    async def _last_stages(self, session: Session, members: Sequence[Person], now: datetime) -> dict[int, int]:
        """The furthest nudge stage each member had in their current stretch, as its quiet days
        (stage keys are `day-N`, `NudgeStage.key`; the creator reads the number, not the key). One queued
        for later, or an experiment's holdout, was not had: nothing reached the member."""
        if not members:
            return {}
        starts = {m.id: stretch_start(m) for m in members}
        return {
            mid: int(stage.removeprefix("day-"))
            for mid, stage, sent_at in await repo.sent_to(session, list(starts), by=now)
            if sent_at >= starts[mid] and stage.removeprefix("day-").isdigit()
        }
