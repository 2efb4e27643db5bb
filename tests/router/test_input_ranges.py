"""Numbers and times people type: out of range is a friendly message, never "something went wrong"."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.app import App
from bot.messages import ActionId
from bot.platforms.memory import MemoryPlatform
from bot.services.announcements.segments import parse_delay
from bot.services.errors import UserError
from bot.services.parsing import MAX_ID, duration, whole
from tests.conftest import START

HUGE = "9999999999999999999999"


COMMANDS = [
    ("members", "inactive 3000000", "Pick a number of days between 1 and 365."),
    ("members", f"inactive {HUGE}", "Pick a number of days between 1 and 365."),
    ("members", "inactive ²", "Pick a number of days between 1 and 365."),
    ("members", "inactive -5", "Pick a number of days between 1 and 365."),  # found as an outsider: the usage
    ("members", "inactive abc", "Pick a number of days between 1 and 365."),
    ("poll", f"results {HUGE}", f"“{HUGE}” is not a poll number."),
    ("poll", f"close {HUGE}", f"“{HUGE}” is not a poll number."),
    ("announce", f"cancel {HUGE}", "Tell me which one: `/announce cancel 12`."),
    ("announce", "cancel ²", "Tell me which one: `/announce cancel 12`."),
    ("privacy", f"export {HUGE}", "Use /privacy export MEMBER_ID"),
    ("drop", f"publish-now {HUGE}", f"There is no drop called “{HUGE}”."),
    ("drop", f"schedule {HUGE} 2027-01-04 09:00", f"There is no drop called “{HUGE}”."),
    ("stats", "²", "Pick a number of days between 1 and 365."),
    ("doors", "cap ²", "Give the seat cap as a number from 1 to 100000"),
    ("briefing", "5", "`/briefing` always covers the last 7 days"),  # found as an outsider: ignored
]


async def test_out_of_range_numbers_get_the_range_message(app: App, memory: MemoryPlatform) -> None:
    for command, args, expected in COMMANDS:  # one app for all: starting one per case is slow
        reply = await memory.command("creator", command, args)
        [text] = reply.texts
        assert text.startswith(expected), (command, args, text)


BUTTONS = [
    f"poll.vote:{HUGE}:0",
    f"poll.vote:1:{HUGE}",
    f"poll.results:{HUGE}",
    f"announce.send:{HUGE}",
    f"announce.cancel:{HUGE}",
    f"faq.up:{HUGE}",
    f"faq.forward:{HUGE}",
    f"library.open:{HUGE}",
    f"faq.save:{HUGE}",
]


async def test_buttons_with_impossible_ids_are_stale_not_broken(app: App, memory: MemoryPlatform) -> None:
    for action_id in BUTTONS:
        reply = await memory.click("creator", action_id)
        assert reply.texts == ["That button no longer does anything. Type /help to see what I can do."], action_id


def test_action_ids_carry_numbers_an_integer_column_holds() -> None:
    assert ActionId.parse(f"qa.mark:{MAX_ID}-{MAX_ID}").arg == f"{MAX_ID}-{MAX_ID}"
    for raw in (f"qa.mark:{MAX_ID + 1}-1", f"qa.rsvp:{HUGE}", "qa.rsvp:00000000000001"):
        with pytest.raises(ValueError):
            ActionId.parse(raw)


def test_whole_numbers_are_plain_ascii_digits_in_range() -> None:
    assert whole("42") == 42 and whole(" 7 ", 1, 10) == 7
    assert [whole(t) for t in ("²", "٣", "-1", "1.5", "+3", "", HUGE, str(MAX_ID + 1))] == [None] * 8


@pytest.mark.parametrize("raw", ["1.5h", "-5d", "+5d", "1,5h", "2h2h", "5", "h", "99999999d", "3 fortnights"])
def test_in_delays_that_are_not_whole_units_are_refused(raw: str) -> None:
    assert duration(raw) is None
    with pytest.raises(UserError) as caught:
        parse_delay(raw, START)
    assert caught.value.key == "announce.errors.when"


def test_in_delays_in_whole_units_are_read() -> None:
    assert parse_delay("1 h 30 m", START) == START + timedelta(minutes=90)
    assert parse_delay("5d", START) == START + timedelta(days=5)


def test_a_delay_too_long_for_a_calendar_is_too_far_not_unreadable() -> None:
    """Found as an outsider: `in 99999d` said "I couldn't read the time", `in 400d` "more than a year away"."""
    for raw in ("99999d", "999999 days", "999999h"):
        with pytest.raises(UserError) as refused:
            parse_delay(raw, START)
        assert refused.value.key == "announce.errors.too_far", raw


async def test_far_dates_are_refused_as_announce_does(app: App, memory: MemoryPlatform) -> None:
    """Dates are shown without their year ("Wed 01 Dec"), so nothing is scheduled more than a year ahead."""
    for raw in ("1.5h", "-5d"):  # read as 15 hours and +5 days before
        reply = await memory.command("creator", "announce", f"in {raw} | Doors open soon")
        [text] = reply.texts
        assert text.startswith(f"I couldn't read the time “{raw}”"), text
    for when, expected in [
        ("2040-01-01 09:00", "2040-01-01 09:00 is more than a year away. Pick something sooner."),
        ("9999-12-31 23:59", "9999-12-31 23:59 is more than a year away. Pick something sooner."),
        ("0001-01-01 00:00", "That time has already passed: pick a time in the future."),
    ]:
        reply = await memory.command("creator", "drop", f"schedule 1 {when}")
        assert reply.texts == [expected]
    reply = await memory.command("creator", "drop", "schedule 1 2027-06-07 09:00")
    assert "now goes out" in reply.texts[0]
    reply = await memory.command("creator", "live", "schedule 2027-12-01 18:00 | Pricing clinic")
    assert reply.texts == ["2027-12-01 is more than a year away. Please pick a closer date. Nothing was changed."]
