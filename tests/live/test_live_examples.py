"""/live's help and usage examples name a day ahead, from the clock: never a date already past."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from bot.app import App
from bot.clock import FakeClock
from bot.messages import OutboundMessage
from bot.platforms.memory import MemoryPlatform

LATER = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)  # months after the sample's first drops
WEEK_AHEAD = "2027-03-08"
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def text_of(message: OutboundMessage) -> str:
    return " ".join([message.text, *(getattr(b, "text", "") or "" for b in message.blocks)])


def example_dates(text: str, typed: str = "") -> list[str]:
    """The dates a reply names, but for one the creator typed and that it repeats."""
    return [d for d in DATE.findall(text) if d not in typed]


async def test_live_help_names_a_day_a_week_ahead(app: App, memory: MemoryPlatform, clock: FakeClock) -> None:
    """Found as an outsider: `/live help` showed `/live schedule 2026-12-03 ...` long after that day."""
    clock.set(LATER)
    reply = await memory.command("creator", "live", "help")
    assert example_dates(text_of(reply.replies[0][0])) == [WEEK_AHEAD]
    form = (await memory.command("creator", "live", "schedule")).forms[0]
    assert next(f.placeholder for f in form.fields if f.name == "date") == WEEK_AHEAD


@pytest.mark.parametrize(
    ("args", "start"),
    [
        ("schedule 2027-03-10", "Tell me when"),
        ("schedule 2027-03-10 17:00 Pricing clinic", "The session needs a title"),
        ("schedule every thursday 17:00", "The session needs a title"),
        ("schedule next-week 17:00 | Pricing clinic", "I couldn't read the date"),
        ("move 1", "Say which session and the new time"),
        ("skip someday", "Say which session to skip"),
    ],
)
async def test_live_usage_errors_name_a_day_a_week_ahead(
    app: App, memory: MemoryPlatform, clock: FakeClock, args: str, start: str
) -> None:
    clock.set(LATER)
    [said] = (await memory.command("creator", "live", args)).texts
    assert said.startswith(start), said
    assert example_dates(said, args) == [WEEK_AHEAD], said


async def test_the_example_day_is_the_communitys(app: App, memory: MemoryPlatform, clock: FakeClock) -> None:
    """Late on Sunday evening in Oslo it is already Monday: a week from then is the next Monday."""
    clock.set(datetime(2027, 2, 28, 23, 30, tzinfo=UTC))  # Monday 1 March, 00:30 in Oslo
    reply = await memory.command("creator", "live", "help")
    assert example_dates(text_of(reply.replies[0][0])) == [WEEK_AHEAD]
