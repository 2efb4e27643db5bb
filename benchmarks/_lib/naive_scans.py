"""The due-work scans as they were before issue 19, kept here so benchmarks/due_scans.py can time them
side by side with the app's scans on the same database.

- nudge: the candidates query paged by `Member.id`, so every page walks the members in id order
  and the band is only a filter (the app now pages by (stretch start, id) on `ix_members_stretch`);
- reminder: every RSVP'd member's reminder INSERTed again on each run, conflicting on its key, and
  the creator's digest built again (the app now reads only the members whose key is not queued,
  and builds the digest only while a creator has not had it);
- drip: the progress mark and the outbox row written one member at a time, two statements each
  (the app now writes each in one statement for the batch).
Writes happen in a transaction that is rolled back, so the app's own scan still finds the same work.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import exists
from sqlalchemy.ext.asyncio import AsyncSession

from bot.notices.live import QuestionDigest, SessionReminder
from bot.services.audience import dm_target
from bot.services.engagement.common import BATCH, SCAN_EVERY
from bot.services.live.base import info
from bot.services.live.rules import DIGEST_LABEL, REMINDERS, due_reminder, stamp
from bot.services.onboarding import DAY_ZERO_AFTER, MISSED_AFTER, QUICK_WIN_AFTER, QUICK_WIN_STEP
from storage.models import Member, MemberPreferences, Nudge
from storage.repositories import live as live_repo
from storage.repositories import live_audience, members
from storage.repositories import onboarding as onboarding_repo
from storage.repositories.engagement import people
from storage.repositories.engagement.nudges import Gap
from storage.repositories.members import stretch_start


class _Rollback(Exception):
    """Ends a naive run's transaction without keeping what it wrote."""


async def _old_candidates(
    session: AsyncSession,
    community_id: int,
    now: datetime,
    grace: timedelta,
    *,
    quiet_by: datetime,
    quiet_after: datetime | None,
    had_none_of: Sequence[str],
    gap: Gap | None,
    after: int,
    limit: int,
) -> list[int]:
    """storage.repositories.engagement.nudges.candidates before issue 19: id above `after`, by id."""
    since = stretch_start()
    query = (
        people()
        .where(
            members.current_members(community_id, now, grace),
            Member.id > after,
            since <= quiet_by,
            ~exists().where(Nudge.member_id == Member.id, Nudge.sent_at >= since, Nudge.stage.in_(had_none_of)),
        )
        .order_by(Member.id)
        .limit(limit)
    )
    if quiet_after is not None:
        query = query.where(since > quiet_after)
    if gap is not None:
        query = query.where(
            MemberPreferences.nudges.is_not(False),
            ~exists().where(Nudge.member_id == Member.id, Nudge.sent_at > gap.since, Nudge.stage.in_(gap.stages)),
        )
    return [row[0] for row in await session.execute(query)]


async def naive_nudge_idle(app: Any) -> float:
    """The old nudge scan's queries with nothing due (ms): every stage, every page."""
    nudges = app.services.engagement.nudges
    policy, reach = nudges.policy, nudges._reach
    now = reach.clock.now()
    horizon = now + SCAN_EVERY
    start = time.perf_counter()
    for stage in reversed(policy.stages):
        following = policy.next_stage(stage)
        after = 0
        while True:
            async with reach.database.session() as session:
                ids = await _old_candidates(
                    session,
                    reach.community.id,
                    now,
                    reach.grace,
                    quiet_by=horizon - timedelta(days=stage.day),
                    quiet_after=horizon - timedelta(days=following.day) if following is not None else None,
                    had_none_of=policy.later_keys(stage),
                    gap=Gap(now - policy.min_gap, policy.member_keys) if stage.to_member else None,
                    after=after,
                    limit=BATCH,
                )
            if len(ids) < BATCH:
                break
            after = ids[-1]
    return (time.perf_counter() - start) * 1000.0


async def naive_reminder(app: Any) -> float:
    """The old reminder scan (ms): every RSVP'd member's reminder enqueued again, one INSERT each."""
    live = app.services.live.send_due_reminders.__self__  # the Reminders part of LiveService
    now = live._clock.now()
    start = time.perf_counter()
    try:
        async with live._database.session() as session:
            earliest = now - max(r.late for r in REMINDERS)
            latest = now + max(r.before for r in REMINDERS)
            for found in await live_repo.scheduled_between(session, live._community.id, earliest, latest):
                reminder = due_reminder(found.starts_at, now)
                if reminder is None:
                    continue
                facts, when = info(found), stamp(found.starts_at)
                for member in await live_audience.rsvped(
                    session, found.id, now, live._grace, before=found.starts_at - reminder.before
                ):
                    key = f"qa:{found.id}:remind-{reminder.label}:member:{member.id}@{when}"
                    await live._dm(session, member, key, SessionReminder(facts, reminder.label))
                if reminder.label == DIGEST_LABEL:  # the creator's digest, built and inserted again each run
                    asked = tuple(q for q, _ in await live_repo.questions(session, found.id))
                    digest = QuestionDigest(
                        facts, asked, len(await live_audience.rsvped(session, found.id, now, live._grace))
                    )
                    for creator in await live_repo.digest_readers(session, live._community.id):
                        await live._dm(session, creator, f"qa:{found.id}:digest:member:{creator.id}@{when}", digest)
            raise _Rollback
    except _Rollback:
        pass
    return (time.perf_counter() - start) * 1000.0


async def naive_drip(app: Any) -> float:
    """The old drip's writes (ms): for each due member, its progress mark, then its outbox row."""
    onboarding = app.services.onboarding
    config, now = onboarding._community.config, onboarding._clock.now()
    steps: list[tuple[str, timedelta, Any]] = []
    if config.onboarding.quick_win:
        steps.append((QUICK_WIN_STEP, QUICK_WIN_AFTER, None))
    for drip in config.onboarding.steps:
        steps.append((drip.id, timedelta(days=drip.day) + (DAY_ZERO_AFTER if drip.day == 0 else timedelta(0)), drip))
    start = time.perf_counter()
    try:
        async with onboarding._database.session() as session:
            windows = {step_id: (now - offset - MISSED_AFTER, now - offset) for step_id, offset, _ in steps}
            due_by_step = await onboarding_repo.due_for_steps(
                session, onboarding._community.id, windows, now=now, grace=onboarding._grace
            )
            for step_id, offset, step in steps:
                due = due_by_step.get(step_id, [])
                prefs = await members.preferences_for(session, [m.id for m, _ in due])
                live = await onboarding._next_live(session, step, now) if step is not None and due else None
                for member, started in due:
                    target = dm_target(member, onboarding._presence)
                    if target is None:
                        continue
                    # One INSERT per member, as the old `mark` did.
                    if member.id not in await onboarding_repo.mark_many(session, [member.id], step_id, "sent", now):
                        continue
                    member_prefs = prefs.get(member.id) or await members.preferences(session, member.id)
                    send_at = onboarding._send_at(member, member_prefs, started + offset, now)
                    notice = await onboarding._step_notice(session, member, step, send_at, live)
                    await onboarding._outbox.enqueue(
                        session,
                        f"onboard:{step_id}:member:{member.id}",
                        target,
                        notice,
                        reader=onboarding._reader(member),
                        member_id=member.id,
                        not_before=send_at,
                    )
            raise _Rollback
    except _Rollback:
        pass
    return (time.perf_counter() - start) * 1000.0
