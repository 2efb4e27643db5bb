"""A check-in queued ahead of its time is withdrawn when the member is active before it goes, and is
not reported to the creator as had until its time has come (found by an outsider)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import select

from bot.app import App
from bot.clock import FakeClock
from bot.platforms.memory import MemoryPlatform
from storage.models import Nudge, OutboxMessage
from tests.engagement.test_engagement import MISSED, body, member_id, nudges_of, set_prefs, walk_days, with_header
from tests.kits.members import become_member


async def check_in_rows(app: App, mid: int) -> list[OutboxMessage]:
    async with app.database.session() as session:
        query = select(OutboxMessage).where(
            OutboxMessage.member_id == mid, OutboxMessage.dedupe_key.like("nudge:%:member:%")
        )
        return list((await session.scalars(query.order_by(OutboxMessage.id))).all())


async def inactive_list(memory: MemoryPlatform) -> str:
    report = await memory.command("creator", "members", "inactive")
    return body(report.replies[0][0]) if report.replies and report.replies[0][0].blocks else ""


@pytest.mark.long  # ten simulated days, every job on the way: 20-55 s
async def test_a_member_back_before_their_queued_check_in_does_not_get_it(
    app: App, memory: MemoryPlatform, clock: FakeClock
) -> None:
    await memory.command("creator", "help")
    await become_member(memory, "u1", "Dana")
    mid = await member_id(app, "Dana")
    await set_prefs(app, mid, time_of_day=time(18, 30))
    await walk_days(app, 10)  # day 10, 13:00 in Oslo: the 10-day check-in waits for 18:30
    clock.set(datetime(2026, 11, 30, 17, 0, tzinfo=UTC))  # 18:00 in Oslo: the scan queues it for 18:30
    await app.tick()
    (queued,) = await check_in_rows(app, mid)
    assert queued.status == "pending" and queued.dedupe_key.startswith("nudge:day-10:member:")

    # Queued, not sent: the creator does not read it as had yet.
    text = await inactive_list(memory)
    assert "*Dana*: quiet for 10 days" in text and "last check-in" not in text

    clock.set(datetime(2026, 11, 30, 17, 10, tzinfo=UTC))
    await memory.command("u1", "library")  # Dana is back before it goes
    clock.set(datetime(2026, 11, 30, 17, 30, tzinfo=UTC))
    await app.tick()
    assert with_header(memory, "u1", MISSED) == []
    (withdrawn,) = await check_in_rows(app, mid)
    assert withdrawn.status == "withdrawn" and withdrawn.sent_at is None
    assert await nudges_of(app, mid) == []  # no check-in had, none to count as a win-back
    assert "Dana" not in await inactive_list(memory)

    # Her new quiet stretch has its own 10-day check-in: the withdrawn one does not count as had.
    await walk_days(app, 11)
    assert len(with_header(memory, "u1", MISSED)) == 1
    assert [n.stage for n in await nudges_of(app, mid)] == ["day-10"]
    assert "last check-in: the 10-day one" in await inactive_list(memory)


@pytest.mark.long  # ten simulated days, every job on the way: 20-55 s
async def test_a_queued_check_in_still_goes_to_a_member_who_stays_quiet(
    app: App, memory: MemoryPlatform, clock: FakeClock
) -> None:
    await memory.command("creator", "help")
    await become_member(memory, "u1", "Dana")
    await become_member(memory, "u2", "Eli")
    dana, eli = await member_id(app, "Dana"), await member_id(app, "Eli")
    for mid in (dana, eli):
        await set_prefs(app, mid, time_of_day=time(18, 30))
    await walk_days(app, 10)
    clock.set(datetime(2026, 11, 30, 17, 0, tzinfo=UTC))
    await app.tick()
    clock.set(datetime(2026, 11, 30, 17, 10, tzinfo=UTC))
    await memory.command("u1", "library")  # Dana is back; Eli is not
    clock.set(datetime(2026, 11, 30, 17, 30, tzinfo=UTC))
    await app.tick()
    assert with_header(memory, "u1", MISSED) == []
    assert len(with_header(memory, "u2", MISSED)) == 1
    (sent,) = await check_in_rows(app, eli)
    assert sent.status == "sent"
    async with app.database.session() as session:
        stages = (await session.scalars(select(Nudge.stage).where(Nudge.member_id == eli))).all()
    assert list(stages) == ["day-10"]
    assert "*Eli*: quiet for 10 days" in (text := await inactive_list(memory))
    assert "last check-in: the 10-day one" in text


async def test_a_holdout_whose_moment_had_not_come_is_forgotten_when_the_member_is_back(
    app: App, memory: MemoryPlatform, clock: FakeClock
) -> None:
    await become_member(memory, "u1", "Dana")
    mid = await member_id(app, "Dana")
    clock.advance(timedelta(days=10))
    async with app.database.session() as session:  # the experiment's control: nothing queued, the stage passes
        session.add(Nudge(member_id=mid, stage="day-3", sent_at=clock.now() - timedelta(days=7), held_back=True))
        session.add(Nudge(member_id=mid, stage="day-10", sent_at=clock.now() + timedelta(minutes=30), held_back=True))
    await app.services.membership.touch(mid, "message")
    assert [n.stage for n in await nudges_of(app, mid)] == ["day-3"]  # its moment had come: it stays
