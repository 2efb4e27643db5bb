"""The examples of /announce, /doors and /drop name a day a week ahead, from the clock, in the
community's time zone (as /live's do: tests/live/test_live_examples.py), and the example, copied,
is taken by the same command."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from bot.app import App
from bot.clock import FakeClock
from bot.messages import OutboundMessage
from bot.platforms.memory import MemoryPlatform

# After every date the prompts used to name (2026-12-01, 2026-12-07, 2027-01-15); 13:00 in Oslo.
LATER = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)
WEEK_AHEAD = "2027-03-08"
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
SLUG = "w1-find-your-one-customer"  # a queued drop of the sample


def text_of(message: OutboundMessage) -> str:
    return " ".join([message.text, *(getattr(b, "text", "") or "" for b in message.blocks)])


def example_dates(text: str) -> list[str]:
    return sorted(set(DATE.findall(text)))


@pytest.mark.parametrize(
    ("command", "args", "start", "copied", "taken"),
    [
        ("announce", "all at someday | Hi", "I couldn't read the time", "all at {date} 09:00 | Hi", "Preview"),
        ("announce", "all at 2027-02-30 09:00 | Hi", "I couldn't read the time", "all at {date} 09:00 | Hi", "Preview"),
        ("doors", "open until", "Use: /doors open", "open until {date} 18:00", "The doors are open."),
        ("doors", "open founding later", "Use: /doors open", "open until {date}", "The doors are open."),
        (
            "doors",
            "open until 15/01/2027",
            "I can't read “15/01/2027” as a date",
            "open until {date}",
            "The doors are open.",
        ),
        (
            "drop",
            f"schedule {SLUG} someday 09:00",
            "I couldn't read that date",
            f"schedule {SLUG} {{date}} 09:00",
            "*Find your one customer* now goes out",
        ),
    ],
)
async def test_an_error_names_a_day_ahead_that_the_command_takes(
    paid_app: App,
    memory: MemoryPlatform,
    clock: FakeClock,
    command: str,
    args: str,
    start: str,
    copied: str,
    taken: str,
) -> None:
    """Found as an outsider: `at 2026-12-01 09:00`, `until 2027-01-15` and `2026-12-07 09:00`,
    copied from the errors months later, were refused as past."""
    clock.set(LATER)
    [said] = (await memory.command("creator", command, args)).texts
    assert said.startswith(start), said
    shown = [d for d in example_dates(said) if d not in args]
    assert shown == [WEEK_AHEAD], said
    [answer] = (await memory.command("creator", command, copied.format(date=shown[0]))).texts
    assert answer.startswith(taken), answer


async def test_the_doors_usage_line_names_a_day_ahead(paid_app: App, memory: MemoryPlatform, clock: FakeClock) -> None:
    clock.set(LATER)
    [(status, _)] = (await memory.command("creator", "doors")).replies
    assert example_dates(text_of(status)) == [WEEK_AHEAD]


async def test_the_announce_forms_hint_names_a_day_ahead_that_the_form_takes(
    paid_app: App, memory: MemoryPlatform, clock: FakeClock
) -> None:
    clock.set(LATER)
    [form] = (await memory.command("creator", "announce")).forms
    hint = next(f.placeholder for f in form.fields if f.name == "when") or ""
    assert example_dates(hint) == [WEEK_AHEAD]
    example = hint.rpartition(" · ")[2]  # `2027-03-08 09:00`, the last of the hints
    sent = await memory.submit("creator", form.form_id, {"segment": "all", "when": example, "text": "Hi"})
    assert sent.texts[0].startswith("Preview"), sent.texts
    refused = await memory.submit("creator", form.form_id, {"segment": "all", "when": "someday", "text": "Hi"})
    assert example_dates(refused.texts[0]) == [WEEK_AHEAD], refused.texts


async def test_the_example_day_is_the_communitys(paid_app: App, memory: MemoryPlatform, clock: FakeClock) -> None:
    """Late on Sunday evening in Oslo it is already Monday: a week from then is the next Monday."""
    clock.set(datetime(2027, 2, 28, 23, 30, tzinfo=UTC))  # Monday 1 March, 00:30 in Oslo
    [said] = (await memory.command("creator", "drop", f"schedule {SLUG} someday 09:00")).texts
    assert example_dates(said) == [WEEK_AHEAD], said
