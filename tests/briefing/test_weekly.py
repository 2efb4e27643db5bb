"""The weekly briefing DM: at its day and time (Monday 08:00 community time by default), once a week,
caught up after downtime, configurable in community.toml, with a personal-note button per member at risk."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.app import App
from bot.clock import FakeClock
from bot.community.schema import Briefing as BriefingSettings
from bot.messages import Buttons, OutboundMessage
from bot.platforms.memory import MemoryPlatform
from bot.services.briefing import latest_moment, week_key
from bot.settings import Settings
from storage.database import Database
from tests.conftest import START, EditedApp, make_app
from tests.kits.analytics import add_member, add_membership

HEADER = "📋 Your week in Strategy Club"


def briefings(memory: MemoryPlatform) -> list[OutboundMessage]:
    return [m for m in memory.dms_to("creator") if m.blocks and getattr(m.blocks[0], "text", "") == HEADER]


def body(message: OutboundMessage) -> str:
    return "\n".join(getattr(b, "text", "") for b in message.blocks)


def button_ids(message: OutboundMessage) -> list[str]:
    return [b.action_id for block in message.blocks if isinstance(block, Buttons) for b in block.buttons]


def briefing_block(community_toml: str, settings: str) -> str:
    """The sample's community.toml with its [briefing] table's settings replaced by `settings`."""
    block = '[briefing]\nenabled = true\nday = "monday"\ntime = 08:00:00\n'
    assert block in community_toml, "the sample community.toml changed shape"
    return community_toml.replace(block, f"[briefing]\n{settings}\n")


async def go_to(app: App, clock: FakeClock, when: datetime) -> None:
    await app.advance_time(when - clock.now())


# START is Friday 20 Nov 2026, 13:00 in Oslo; the next Monday 08:00 there is 07:00 UTC.
MONDAY_8 = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)


async def test_monday_at_eight_once_a_week(app: App, memory: MemoryPlatform, clock: FakeClock) -> None:
    await memory.command("creator", "help")
    quiet = await add_member(app.database, app.services.community.id, "Ada Quiet", joined=100, active=25)
    await add_membership(app.database, quiet, "active", "monthly", 100)
    await go_to(app, clock, MONDAY_8 - timedelta(minutes=1))
    assert briefings(memory) == []
    await go_to(app, clock, MONDAY_8)
    [first] = briefings(memory)
    text = body(first)
    assert "Ada Quiet (quiet 27 days)" in text  # 25 days before START, 2 days and 19 hours on
    assert f"analytics.note:{quiet}" in button_ids(first)  # one click to a personal note
    assert "• Mon 23 Nov, 09:00 CET: Find your one customer (Mini-training)" in text  # later today
    assert "• Sat 28 Nov, 10:00 CET: When and how to raise your prices (Deep-dive)" in text
    assert "• Wed 25 Nov, 09:00 CET: The one-sentence positioning worksheet (Resource)" in text
    await go_to(app, clock, MONDAY_8 + timedelta(days=2))  # the hourly scans run on: nothing twice
    assert len(briefings(memory)) == 1
    await go_to(app, clock, MONDAY_8 + timedelta(days=7))
    assert len(briefings(memory)) == 2

    opened = await memory.click("creator", f"analytics.note:{quiet}")
    assert opened.forms[0].form_id == "analytics.note"


async def test_a_missed_briefing_is_caught_up_for_two_days_then_skipped(
    app: App, memory: MemoryPlatform, clock: FakeClock
) -> None:
    await memory.command("creator", "help")
    clock.advance(MONDAY_8 + timedelta(hours=27) - clock.now())  # down until Tuesday 11:00 in Oslo
    await app.tick()
    assert len(briefings(memory)) == 1
    await app.tick()
    assert len(briefings(memory)) == 1
    clock.advance(timedelta(days=7, hours=22))  # down again until Wednesday 09:00 of the next week
    await app.tick()
    assert len(briefings(memory)) == 1  # too late for that week's


async def test_a_bot_first_started_after_the_briefing_time_waits_for_next_week(
    sqlite_db: Database, settings: Settings, memory: MemoryPlatform, clock: FakeClock, community_path: Path
) -> None:
    """Found as an outsider: a bot first started on a Tuesday sent "Your week" that morning, as if it
    had missed Monday's; it had not been running then."""
    clock.set(MONDAY_8 + timedelta(hours=26))  # Tuesday 10:00 in Oslo: the community is imported now
    app = await make_app(sqlite_db, settings, clock, {"memory": memory}, community_path)
    try:
        await memory.command("creator", "help")
        await app.tick()
        assert briefings(memory) == []
        clock.advance(timedelta(days=6))  # next Monday 10:00: that one is theirs
        await app.tick()
        assert len(briefings(memory)) == 1
    finally:
        await app.stop()


async def test_the_creator_reads_it_in_their_language(app: App, memory: MemoryPlatform, clock: FakeClock) -> None:
    await memory.command("creator", "prefs", "language nb")
    await go_to(app, clock, MONDAY_8)
    texts = [body(m) for m in memory.dms_to("creator") if "Uka di i Strategy Club" in body(m)]
    assert len(texts) == 1 and "*De siste 7 dagene*" in texts[0] and "*Trenger deg*" in texts[0]


@pytest.fixture
async def friday_app(edited_app: EditedApp) -> App:
    return await edited_app(lambda text: briefing_block(text, 'day = "friday"\ntime = 17:30:00'))


async def test_day_and_time_come_from_community_toml(friday_app: App, memory: MemoryPlatform, clock: FakeClock) -> None:
    await memory.command("creator", "help")
    friday_5pm = datetime(2026, 11, 20, 16, 30, tzinfo=UTC)  # 17:30 in Oslo
    await go_to(friday_app, clock, friday_5pm - timedelta(minutes=1))
    assert briefings(memory) == []
    await go_to(friday_app, clock, friday_5pm)
    assert len(briefings(memory)) == 1
    await go_to(friday_app, clock, MONDAY_8 + timedelta(hours=1))
    assert len(briefings(memory)) == 1


async def test_a_briefing_can_be_switched_off(edited_app: EditedApp, memory: MemoryPlatform, clock: FakeClock) -> None:
    app = await edited_app(lambda text: briefing_block(text, "enabled = false"))
    await memory.command("creator", "help")
    assert "briefing.weekly" not in [job.name for job in app.scheduler.jobs]
    clock.advance(MONDAY_8 - clock.now())
    assert await app.services.briefing.send_due() == 0
    assert (await memory.command("creator", "briefing")).replies  # on demand still works


def test_settings_and_the_weeks_they_name() -> None:
    assert BriefingSettings() == BriefingSettings(day="monday", time=datetime(2026, 1, 1, 8).time(), enabled=True)
    with pytest.raises(ValidationError, match="day"):
        BriefingSettings.model_validate({"day": "someday"})
    assert week_key(datetime(2026, 11, 23, 8)) == "2026-W48"
    assert week_key(datetime(2027, 1, 4, 8)) == "2027-W01"
    assert START.isoformat() == "2026-11-20T12:00:00+00:00"


async def test_the_latest_moment_is_in_community_time(app: App) -> None:
    community, settings = app.services.community, BriefingSettings()
    local = community.tz
    assert latest_moment(MONDAY_8, settings, community) == datetime(2026, 11, 23, 8, tzinfo=local)
    before = MONDAY_8 - timedelta(seconds=1)
    assert latest_moment(before, settings, community) == datetime(2026, 11, 16, 8, tzinfo=local)
    summer = datetime(2026, 6, 29, 6, 0, tzinfo=UTC)  # Monday 08:00 in Oslo in summer time (UTC+2)
    assert latest_moment(summer, settings, community) == datetime(2026, 6, 29, 8, tzinfo=local)
