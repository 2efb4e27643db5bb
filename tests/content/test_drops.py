"""The weekly drop: due content is posted to the drops channel on its cron slot, exactly once."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.app import App
from bot.clock import FakeClock
from bot.community.schema import DropSlot, QuietHours
from bot.platforms.memory import MemoryPlatform
from bot.services.schedule import next_slot_after
from bot.services.timing import next_send_time

OSLO = ZoneInfo("Europe/Oslo")


def headers(memory: MemoryPlatform) -> list[str]:
    return [m.blocks[0].text for m in memory.posts_in("drops")]  # type: ignore[attr-defined]


async def test_nothing_is_posted_before_the_first_slot(app: App, memory: MemoryPlatform, clock: FakeClock) -> None:
    clock.set(datetime(2026, 11, 21, 8, 59, tzinfo=UTC))  # Sat 09:59 in Oslo
    await app.tick()
    assert headers(memory) == []


async def test_the_saturday_slot_posts_the_first_deep_dive_at_10_oslo_time(
    app: App, memory: MemoryPlatform, clock: FakeClock
) -> None:
    clock.set(datetime(2026, 11, 21, 9, 0, tzinfo=UTC))  # Sat 10:00 CET = 09:00 UTC
    await app.tick()
    assert headers(memory) == ["Deep-dive: The niche paradox: why narrowing down grows your business"]


async def test_running_the_job_twice_posts_once(app: App, memory: MemoryPlatform, clock: FakeClock) -> None:
    clock.set(datetime(2026, 11, 21, 9, 0, tzinfo=UTC))
    await app.tick()
    await app.tick()
    await app.scheduler.run_all()
    await app.settle()
    assert len(headers(memory)) == 1


async def test_a_week_of_drops_in_queue_order_and_kind_order(
    app: App, memory: MemoryPlatform, clock: FakeClock
) -> None:
    for _ in range(8 * 24):
        await app.advance_time(timedelta(hours=1))
    assert headers(memory) == [
        "Deep-dive: The niche paradox: why narrowing down grows your business",  # Sat 21
        "Mini-training: Find your one customer",  # Mon 23
        "Resource: The one-sentence positioning worksheet",  # Wed 25
        "Live session: Live: positioning hot seats",  # Thu 26
        "Deep-dive: When and how to raise your prices",  # Sat 28: week 2 deep-dive
    ]


async def test_a_bot_that_was_down_catches_up_on_restart(app: App, memory: MemoryPlatform, clock: FakeClock) -> None:
    clock.advance(timedelta(days=3, hours=22))  # down over the weekend and Monday: no job ran
    assert headers(memory) == []
    await app.tick()  # what start-up does
    assert len(headers(memory)) == 2  # Saturday's deep-dive and Monday's mini-training, once each


async def test_drop_appears_in_the_library_and_leaves_next(app: App, memory: MemoryPlatform, clock: FakeClock) -> None:
    before = await memory.command("u1", "next")
    assert "The niche paradox" in before.replies[0][0].blocks[1].text  # type: ignore[attr-defined]
    clock.set(datetime(2026, 11, 21, 9, 0, tzinfo=UTC))
    await app.tick()
    library = await memory.command("u1", "library")
    assert library.texts == ["The library: 1 item"]
    after = await memory.command("u1", "next")
    assert "The niche paradox" not in after.replies[0][0].blocks[1].text  # type: ignore[attr-defined]


async def test_drop_is_posted_on_every_platform_workspace(
    sqlite_db, settings, clock: FakeClock, community_path
) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import make_app

    a = MemoryPlatform(name="memory", workspaces=("W1", "W2"))
    application = await make_app(sqlite_db, settings, clock, {"memory": a}, community_path)
    try:
        clock.set(datetime(2026, 11, 21, 9, 0, tzinfo=UTC))
        await application.tick()
        assert sorted(d.target.workspace_id for d in a.sent if d.target.channel == "drops") == ["W1", "W2"]
    finally:
        await application.stop()


def test_slots_follow_the_community_clock_across_daylight_saving() -> None:
    monday_nine = DropSlot(kind="mini-training", cron="0 9 * * mon")
    summer = next_slot_after([monday_nine], "mini-training", datetime(2026, 6, 1, 0, 0, tzinfo=UTC), OSLO)
    winter = next_slot_after([monday_nine], "mini-training", datetime(2026, 12, 1, 0, 0, tzinfo=UTC), OSLO)
    assert summer == datetime(2026, 6, 1, 7, 0, tzinfo=UTC)  # 09:00 CEST
    assert winter == datetime(2026, 12, 7, 8, 0, tzinfo=UTC)  # 09:00 CET
    assert next_slot_after([monday_nine], "deep-dive", summer, OSLO) is None


def test_scheduler_triggers_are_the_slots_in_the_community_zone(app: App) -> None:
    [job] = [j for j in app.scheduler.jobs if j.name == "drops.publish"]
    assert len(job.triggers) == 4
    fire = job.triggers[0].get_next_fire_time(None, datetime(2026, 11, 20, 12, tzinfo=UTC))
    assert fire.astimezone(OSLO).strftime("%a %H:%M") == "Mon 09:00"


def drop_dms(memory: MemoryPlatform, user: str) -> list[str]:
    return [m.text for m in memory.dms_to(user) if m.text.startswith("New ")]


async def test_drops_by_dm_come_at_the_time_of_day_a_member_chose(
    app: App, memory: MemoryPlatform, clock: FakeClock
) -> None:
    """Found as an outsider: "When should my messages reach you? Morning" did not apply to drops by DM,
    which came at 09:00, 10:00 and 17:00. A live session's news still goes at once."""
    for user, when in (("u1", "morning"), ("u2", "evening")):
        await memory.join(user, user.upper())
        await memory.command(user, "join")
        await memory.command(user, "prefs", "drops dm-every")
        await memory.command(user, "prefs", f"time {when}")
    await app.settle()
    memory.sent.clear()
    clock.set(datetime(2026, 11, 23, 8, 0, 5, tzinfo=UTC))  # Monday 09:00:05 in Oslo: the mini-training slot
    await app.tick()
    await app.settle()
    assert drop_dms(memory, "u1") == [] and drop_dms(memory, "u2") == []
    clock.set(datetime(2026, 11, 23, 18, 0, tzinfo=UTC))  # 19:00 in Oslo: the evening reader's time
    await app.tick()
    await app.settle()
    assert "New Mini-training: Find your one customer" in drop_dms(memory, "u2")  # with Saturday's deep-dive
    assert drop_dms(memory, "u1") == []
    clock.set(datetime(2026, 11, 24, 7, 0, tzinfo=UTC))  # Tuesday 08:00 in Oslo: the morning reader's
    await app.tick()
    await app.settle()
    assert drop_dms(memory, "u1") == drop_dms(memory, "u2")
    clock.set(datetime(2026, 11, 26, 16, 0, 5, tzinfo=UTC))  # Thursday 17:00 in Oslo: the live slot
    await app.tick()
    await app.settle()
    assert "New Live session: Live: positioning hot seats" in drop_dms(memory, "u1")  # at once


def test_a_message_due_within_the_preferred_minute_goes_then_not_a_day_later() -> None:
    """Found as an outsider: a drop that fired at 08:00:00.4 in the Azores, the member's morning time,
    waited for the next morning."""
    zone, quiet = ZoneInfo("Atlantic/Azores"), QuietHours()
    morning = time(8, 0)
    fired = datetime(2026, 11, 21, 8, 0, 0, 400_000, tzinfo=zone)
    assert next_send_time(fired, zone=zone, quiet=quiet, preferred=morning) == fired
    early = datetime(2026, 11, 21, 7, 59, tzinfo=zone)
    assert next_send_time(early, zone=zone, quiet=quiet, preferred=morning) == datetime(2026, 11, 21, 8, 0, tzinfo=zone)
    late = datetime(2026, 11, 21, 8, 1, tzinfo=zone)
    assert next_send_time(late, zone=zone, quiet=quiet, preferred=morning) == datetime(2026, 11, 22, 8, 0, tzinfo=zone)
