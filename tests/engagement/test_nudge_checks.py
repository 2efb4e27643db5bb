"""Each member's next nudge check (`Member.nudge_check_at`, issue 19): the scan reads only members
whose check is due, sets the next one, and whatever can make a stage due sooner brings it back."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select, update

from bot.app import App
from bot.clock import FakeClock
from bot.platforms.memory import MemoryPlatform
from bot.services.engagement import NudgePolicy, NudgeStage
from storage.models import Member, Membership, Nudge
from storage.repositories.engagement import nudges as repo
from tests.conftest import EditedApp
from tests.kits.members import become_member, member_id

HOURS_2 = 2 / 24  # the app starts at 12:00 UTC: whole days plus two hours stay outside quiet hours
SHORT = NudgePolicy(
    stages=(NudgeStage(3, "missed"), NudgeStage(6, "note"), NudgeStage(9, "creator")), min_gap=timedelta(days=1)
)


async def check_of(app: App, mid: int) -> datetime | None:
    async with app.database.session() as session:
        return await session.scalar(select(Member.nudge_check_at).where(Member.id == mid))


async def stages_of(app: App, mid: int) -> list[str]:
    async with app.database.session() as session:
        return list((await session.scalars(select(Nudge.stage).where(Nudge.member_id == mid).order_by(Nudge.id))).all())


async def short_member(app: App, memory: MemoryPlatform) -> int:
    """A member under the short steps, with the creator's account there to be told."""
    app.services.engagement.nudges.policy = SHORT
    await memory.command("creator", "help")
    await become_member(memory, "u1", "Dana")
    return await member_id(app, "u1")


async def scan_on(app: App, clock: FakeClock, days: float) -> None:
    """Move the clock without running the jobs, then scan as the hourly job would."""
    clock.advance(timedelta(days=days))
    await app.services.engagement.nudges.scan()


async def test_a_scan_sets_each_next_check_at_the_next_stage_and_none_after_the_last(
    app: App, memory: MemoryPlatform, clock: FakeClock
) -> None:
    mid = await short_member(app, memory)
    joined = clock.now()
    await scan_on(app, clock, 0)
    assert await check_of(app, mid) == joined + timedelta(days=3)

    await scan_on(app, clock, 1)  # not due: the scan does not look at them, the check stays
    assert await check_of(app, mid) == joined + timedelta(days=3)
    async with app.database.session() as session:
        page, _ = await repo.due_checks(
            session, app.services.community.id, clock.now(), timedelta(days=7), clock.now(), None, 10
        )
    assert page == []

    await scan_on(app, clock, 2 + HOURS_2)  # day 3, 14:00 UTC: the first stage
    assert await stages_of(app, mid) == ["day-3"]
    assert await check_of(app, mid) == joined + timedelta(days=6)
    await scan_on(app, clock, 3)  # day 6
    await scan_on(app, clock, 3)  # day 9, 14:00 UTC: the creator's list waits for 09:00 in Oslo (08:00 UTC)
    assert await stages_of(app, mid) == ["day-3", "day-6"]
    next_morning = (clock.now() + timedelta(days=1)).replace(hour=8)
    assert await check_of(app, mid) == next_morning - timedelta(hours=1)  # the scan before it, not every hour
    await scan_on(app, clock, 18 / 24)  # 08:00 UTC, an hour before 09:00 in Oslo
    assert await stages_of(app, mid) == ["day-3", "day-6", "day-9"]
    assert await check_of(app, mid) is None  # every stage had: nothing until they are active again


async def test_activity_after_every_stage_starts_the_checks_again(
    app: App, memory: MemoryPlatform, clock: FakeClock
) -> None:
    mid = await short_member(app, memory)
    for days in (HOURS_2, 3, 3, 3, 18 / 24):
        await scan_on(app, clock, days)
    assert await check_of(app, mid) is None

    clock.advance(timedelta(hours=2))  # after the creator's list went out
    await app.settle()  # and the check-ins: one still queued when the member is back would be withdrawn
    await app.services.membership.touch(mid, "message")
    back = clock.now()
    assert await check_of(app, mid) == back
    await scan_on(app, clock, 3 + HOURS_2)  # quiet three days again: the first stage of the new stretch
    assert await stages_of(app, mid) == ["day-3", "day-6", "day-9", "day-3"]


async def test_new_steps_redo_every_check(app: App, memory: MemoryPlatform, clock: FakeClock) -> None:
    nudges = app.services.engagement.nudges
    await become_member(memory, "u1", "Dana")
    mid = await member_id(app, "u1")
    await scan_on(app, clock, 0)
    assert await check_of(app, mid) == clock.now() + timedelta(days=10)  # the default first step

    nudges.policy = NudgePolicy(stages=(NudgeStage(2, "missed"), *nudges.policy.stages))
    await scan_on(app, clock, 2 + HOURS_2)
    assert await stages_of(app, mid) == ["day-2"]


async def test_opting_back_in_brings_the_check_back(app: App, memory: MemoryPlatform, clock: FakeClock) -> None:
    mid = await short_member(app, memory)
    joined = clock.now()
    await app.services.preferences.set(mid, "nudges", "off")
    await scan_on(app, clock, 3 + HOURS_2)
    assert await stages_of(app, mid) == []
    assert await check_of(app, mid) == joined + timedelta(days=9)  # only the creator's list is left

    await app.services.preferences.set(mid, "nudges", "on")
    await scan_on(app, clock, HOURS_2)  # still in the first stage's band
    assert await stages_of(app, mid) == ["day-3"]


async def test_an_ended_membership_stops_the_checks_and_a_new_one_brings_them_back(
    app: App, memory: MemoryPlatform, clock: FakeClock
) -> None:
    mid = await short_member(app, memory)
    async with app.database.session() as session:
        await session.execute(
            update(Membership).where(Membership.member_id == mid).values(status="canceled", ended_at=clock.now())
        )
    await scan_on(app, clock, 3 + HOURS_2)
    assert await stages_of(app, mid) == []
    assert await check_of(app, mid) is None  # an ex-member: no scan looks at them

    await app.services.membership.activate(mid)
    await scan_on(app, clock, HOURS_2)
    assert await stages_of(app, mid) == ["day-3"]


async def test_no_creator_account_is_said_once_a_day_not_at_every_scan(
    edited_app: EditedApp, memory: MemoryPlatform, caplog: pytest.LogCaptureFixture
) -> None:
    """Found as an outsider: two simulated days with no creator account to tell left 1,565 identical
    lines in the log, one per nudge scan. (Since the creator's account is known from the start, that
    is a community.toml naming no creator account on the platform the bot runs.)"""
    app = await edited_app(lambda t: t.replace('"memory:creator"', '"slack:U0CREATOR"'))
    await become_member(memory, "u1", "Alex")
    with caplog.at_level(logging.INFO, logger="bot.services.engagement.nudges"):
        await app.advance_time(timedelta(days=2))
    nudges = "bot.services.engagement.nudges"  # the start's own line naming the platform is said once
    lines = [r for r in caplog.records if r.name == nudges and "no creator account" in r.getMessage()]
    assert 1 <= len(lines) <= 3
