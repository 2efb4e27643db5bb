"""The drip never piles steps up: one step per preferred-time slot, later days counted from day 0.

Someone who joins shortly before their preferred time gets the day-0 welcome at the next one,
the quick win an hour after it, and the day-1 step a day after the welcome, not all three at once.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.app import App
from bot.clock import FakeClock
from bot.platforms.memory import MemoryPlatform
from tests.kits.members import become_member

OSLO = ZoneInfo("Europe/Oslo")
NEW_YORK = ZoneInfo("America/New_York")
WELCOME, QUICK_WIN, HELLO = "Welcome to Strategy Club", "Your first quick win, Alex", "Say hello to the club"
INTAKE = {
    "why": "I want clients",
    "goal": "Land 3 clients",
    "level": "2",
    "format": "mixed",
    "time_of_day": "morning",
    "drops": "channel",
}


async def intake(memory: MemoryPlatform, zone: str) -> None:
    answered = await memory.submit("u1", "onboard.intake", {**INTAKE, "timezone": zone})
    assert "set you up for level 2" in answered.replies[0][0].text


async def arrivals(app: App, memory: MemoryPlatform, hours: int, zone: ZoneInfo) -> dict[str, list[str]]:
    """Walk the clock hour by hour: the headers of the DMs each hour brought, by the local hour they came in."""
    seen, by_hour = len(memory.dms_to("u1")), defaultdict(list)
    for _ in range(hours):
        await app.advance_time(timedelta(hours=1))
        new = memory.dms_to("u1")[seen:]
        seen += len(new)
        for message in new:
            by_hour[app.clock.now().astimezone(zone).strftime("%a %H:%M")].append(message.blocks[0].text)
    return dict(by_hour)


def steps(by_hour: dict[str, list[str]]) -> dict[str, list[str]]:
    drip = (WELCOME, QUICK_WIN, HELLO)
    return {hour: [h for h in headers if h in drip] for hour, headers in by_hour.items() if set(headers) & set(drip)}


async def test_joining_just_before_the_preferred_time_does_not_pile_up_steps(
    app: App, memory: MemoryPlatform, clock: FakeClock
) -> None:
    clock.set(datetime(2026, 11, 21, 6, 30, tzinfo=UTC))  # Saturday 07:30 in Oslo; mornings are 08:00
    await become_member(memory, "u1", "Alex")
    await intake(memory, "Europe/Oslo")
    await app.advance_time(timedelta(minutes=30))  # on the hour, so each hour below is one slot
    assert steps(await arrivals(app, memory, 50, OSLO)) == {
        "Sun 08:00": [WELCOME],  # day 0 at the first 08:00 at least an hour after joining
        "Sun 09:00": [QUICK_WIN],  # an hour after the welcome, not with it
        "Mon 08:00": [HELLO],  # day 1: a day after the welcome went out
    }


async def test_a_member_in_new_york_gets_one_step_at_a_time(app: App, memory: MemoryPlatform) -> None:
    """tz_display: joined at 07:00:30 in New York, a moment past the hour. The welcome, due an hour
    later, falls within the 08:00 minute: it goes then, not the next morning (a message due in the
    preferred minute itself used to wait a day), and the steps still come one at a time."""
    app.clock.advance(timedelta(seconds=30))  # type: ignore[attr-defined]
    await become_member(memory, "u1", "Alex")
    await intake(memory, "America/New_York")
    assert steps(await arrivals(app, memory, 60, NEW_YORK)) == {
        "Fri 08:00": [WELCOME],
        "Fri 09:00": [QUICK_WIN],
        "Sat 08:00": [HELLO],
    }


async def test_without_a_preferred_time_the_schedule_is_unchanged(app: App, memory: MemoryPlatform) -> None:
    await become_member(memory, "u1", "Alex")  # Friday 13:00 in Oslo, no preferred time
    assert steps(await arrivals(app, memory, 30, OSLO)) == {
        "Fri 14:00": [WELCOME],
        "Fri 15:00": [QUICK_WIN],
        "Sat 13:00": [HELLO],
    }
