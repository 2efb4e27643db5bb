"""Drops given a time of their own (`/drop schedule`, `publish_at` in a file) go out at that time, not at
the next slot firing; and pinning a queued drop elsewhere leaves no empty week in its slot."""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from bot.app import App
from bot.clock import FakeClock
from bot.jobs.content import DUE_SCAN_MINUTES
from bot.platforms.memory import MemoryPlatform
from storage.models import ContentItem
from tests.content.test_drop_editing import MINI, mini_dates
from tests.content.test_runway import creator_dms


def headers(memory: MemoryPlatform) -> list[str]:
    return [m.blocks[0].text for m in memory.posts_in("drops")]  # type: ignore[attr-defined]


async def walk_to(app: App, clock: FakeClock, moment: datetime) -> None:
    await app.advance_time(moment - clock.now())


async def published_at(app: App, slug: str) -> datetime | None:
    async with app.database.session() as session:
        return await session.scalar(select(ContentItem.published_at).where(ContentItem.slug == slug))


async def test_drops_given_their_own_time_go_out_then_in_order_and_once(
    app: App, memory: MemoryPlatform, clock: FakeClock
) -> None:
    """The tester's repro (05-own-time.sh): both went out at the next slot firing, or never."""
    sunday = await memory.command("creator", "drop", "schedule w3-the-weekly-marketing-rhythm 2026-11-22 18:30")
    assert sunday.texts == ["*The weekly marketing rhythm* now goes out Sun 22 Nov, 18:30 CET."]
    await memory.command("creator", "drop", "schedule w2-price-on-value-not-hours 2026-11-24 12:00")  # a Tuesday

    await walk_to(app, clock, datetime(2026, 11, 22, 17, 29, tzinfo=UTC))  # Sun 18:29 in Oslo
    assert headers(memory) == ["Deep-dive: The niche paradox: why narrowing down grows your business"]
    await walk_to(app, clock, datetime(2026, 11, 22, 17, 30, tzinfo=UTC))  # 18:30: its time
    assert headers(memory)[-1] == "Mini-training: The weekly marketing rhythm"
    assert await published_at(app, "w3-the-weekly-marketing-rhythm") == datetime(2026, 11, 22, 17, 30, tzinfo=UTC)

    await walk_to(app, clock, datetime(2026, 11, 24, 12, 0, tzinfo=UTC))
    assert headers(memory) == [
        "Deep-dive: The niche paradox: why narrowing down grows your business",  # Sat 10:00, its slot
        "Mini-training: The weekly marketing rhythm",  # Sun 18:30, its own time
        "Mini-training: Find your one customer",  # Mon 09:00, its slot
        "Mini-training: Price on value, not hours",  # Tue 12:00, its own time
    ]
    assert await published_at(app, "w2-price-on-value-not-hours") == datetime(2026, 11, 24, 11, 0, tzinfo=UTC)
    await app.tick()  # a restart, and a scan again: nothing twice
    await app.tick()
    assert len(headers(memory)) == 4


async def test_a_drop_due_while_the_bot_was_down_goes_out_on_restart_once(
    app: App, memory: MemoryPlatform, clock: FakeClock
) -> None:
    await memory.command("creator", "drop", "schedule w2-price-on-value-not-hours 2026-11-20 15:00")
    clock.set(datetime(2026, 11, 20, 16, 0, tzinfo=UTC))  # down at 15:00: no job ran
    await app.tick()  # what start-up does
    await app.tick()
    assert headers(memory) == ["Mini-training: Price on value, not hours"]


async def test_publish_at_in_a_file_is_honoured_between_slot_firings(
    sqlite_db, settings, clock: FakeClock, community_path: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """`publish_at: 2026-11-24T12:00` went out at the next slot firing (Wed 09:00), or only on restart."""
    from tests.conftest import make_app

    folder = tmp_path / "club"
    shutil.copytree(community_path, folder)
    (folder / "content" / "bonus-notes.md").write_text(
        '---\ntitle: "Bonus notes"\nkind: resource\npublish_at: 2026-11-24T12:00\n---\nThe notes.\n'
    )
    memory = MemoryPlatform(workspaces=("W1",))
    application = await make_app(sqlite_db, settings, clock, {"memory": memory}, folder)
    try:
        await walk_to(application, clock, datetime(2026, 11, 24, 10, 59, tzinfo=UTC))  # Tue 11:59 in Oslo
        assert "Resource: Bonus notes" not in headers(memory)
        await walk_to(application, clock, datetime(2026, 11, 24, 11, 15, tzinfo=UTC))
        assert headers(memory)[-1] == "Resource: Bonus notes"
        assert await published_at(application, "bonus-notes") == datetime(2026, 11, 24, 11, 0, tzinfo=UTC)
    finally:
        await application.stop()


def test_the_due_scan_runs_every_minute_and_every_15_minutes_in_a_time_walk(app: App) -> None:
    [job] = [j for j in app.scheduler.jobs if j.name == "drops.due"]
    assert DUE_SCAN_MINUTES == 1
    start = datetime(2026, 11, 24, 11, 0, tzinfo=UTC)
    assert job.firings(start, start + timedelta(hours=1)) == [start + timedelta(minutes=15 * n) for n in (1, 2, 3, 4)]


async def test_nothing_due_costs_the_scan_one_look_up_and_publishes_nothing(
    app: App, memory: MemoryPlatform, clock: FakeClock
) -> None:
    clock.set(datetime(2026, 11, 21, 8, 59, tzinfo=UTC))  # a minute before the first slot firing
    assert await app.services.content.publish_if_due() == []
    clock.set(datetime(2026, 11, 21, 9, 0, tzinfo=UTC))
    [piece] = await app.services.content.publish_if_due()
    assert piece.slug == "w1-the-niche-paradox"
    assert await app.services.content.publish_if_due() == []


# -- /drop schedule on a queued drop: the ones after it move up (the tester's 02-schedule-hole.sh) ----------


async def test_scheduling_the_first_queued_drop_elsewhere_moves_the_ones_after_it_up(
    app: App, memory: MemoryPlatform
) -> None:
    await memory.command("creator", "drop", "schedule w1-find-your-one-customer 2026-12-06 10:00")  # a Sunday
    dates = await mini_dates(app)
    assert [dates[s] for s in MINI] == ["06 Dec", "23 Nov", "30 Nov", "07 Dec"]
    queue = await memory.command("creator", "drop", "queue")
    sections = [b.text for b in queue.replies[0][0].blocks if type(b).__name__ == "Section"]  # type: ignore[attr-defined]
    mini = sections[0].splitlines()
    assert mini[0] == "*Mini-training* · Mon 09:00 · 3 weeks queued"
    assert mini[1] == "• Mon 23 Nov, 09:00 CET: *Price on value, not hours* `w2-price-on-value-not-hours`"
    assert mini[-1] == "• Mon 14 Dec, 09:00 CET: _nothing queued yet_"
    runway = {r.kind: r for r in await app.services.content.runway()}["mini-training"]
    assert (runway.items_queued, runway.first_empty) == (3, date(2026, 12, 14))


async def test_no_false_runs_dry_warning_after_a_drop_is_given_its_own_time(
    app: App, memory: MemoryPlatform, clock: FakeClock
) -> None:
    await memory.join("creator", "Maya")
    await memory.command("creator", "drop", "schedule w1-find-your-one-customer 2026-12-06 10:00")
    for _ in range(3):
        await app.advance_time(timedelta(days=1))
    assert [h for h in await creator_dms(memory) if "Mini-training" in h] == []  # 3 weeks are queued


async def test_pinning_a_drop_onto_a_taken_firing_makes_room_behind_it(app: App, memory: MemoryPlatform) -> None:
    """w1 goes on 7 Dec: w2, w3 and w4 move up into the place it left, and w4, which landed on 7 Dec,
    moves back one firing instead of going out together with w1."""
    reply = await memory.command("creator", "drop", "schedule w1-find-your-one-customer 2026-12-07 09:00")
    assert reply.texts == ["*Find your one customer* now goes out Mon 7 Dec, 09:00 CET."]
    dates = await mini_dates(app)
    assert [dates[s] for s in MINI] == ["07 Dec", "23 Nov", "30 Nov", "14 Dec"]


async def test_a_drop_added_after_one_pinned_far_ahead_takes_the_next_free_firing(
    app: App, memory: MemoryPlatform
) -> None:
    """The queue carries on from the slots' last drop, not from a drop pinned months ahead."""
    await memory.command("creator", "drop", "schedule w4-the-weekly-ceo-hour 2027-03-03 18:00")  # a Wednesday
    done = await memory.submit("creator", "drops.add", {"title": "Bonus mini", "kind": "mini-training"})
    assert done.texts == ["Queued *Bonus mini*: it goes out Mon 14 Dec, 09:00 CET."]


async def test_publishing_a_queued_drop_now_moves_the_ones_after_it_up(
    app: App, memory: MemoryPlatform, clock: FakeClock
) -> None:
    await memory.command("creator", "drop", "publish-now w1-find-your-one-customer")
    dates = await mini_dates(app)
    assert [dates[s] for s in MINI[1:]] == ["23 Nov", "30 Nov", "07 Dec"]
