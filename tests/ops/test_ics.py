"""Calendar files written by the icalendar package: a publish, a move (higher SEQUENCE) and a
cancellation (METHOD:CANCEL of the same UID), each read back with icalendar's own parser."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar

from bot.app import App
from bot.clock import FakeClock
from bot.platforms.memory import MemoryPlatform
from bot.services.live.ics import CalendarEvent, escape_text, fold, to_ics

PRICING = "2026-12-03 17:00 Europe/Oslo 60 https://zoom.example/j/1 | Pricing clinic"


async def calendar(memory: MemoryPlatform) -> Calendar:
    reply = await memory.click("u1", "qa.ics:1")
    attachment = reply.replies[0][0].attachment
    assert attachment is not None and attachment.mime == "text/calendar"
    return Calendar.from_ical(attachment.data)


def the_event(cal: Calendar) -> dict[str, object]:
    [event] = cal.walk("VEVENT")
    return {
        "uid": str(event["UID"]),
        "sequence": int(event["SEQUENCE"]),
        "status": str(event["STATUS"]),
        "start": event.decoded("DTSTART"),
        "alarms": len(event.walk("VALARM")),
    }


async def test_publish_then_move_then_cancel(app: App, memory: MemoryPlatform, clock: FakeClock) -> None:
    await memory.command("creator", "live", f"schedule {PRICING}")
    first = await calendar(memory)
    published = the_event(first)
    assert str(first["METHOD"]) == "PUBLISH" and str(first["VERSION"]) == "2.0"
    assert published["status"] == "CONFIRMED" and published["alarms"] == 1
    assert published["start"] == datetime(2026, 12, 3, 16, 0, tzinfo=UTC)

    clock.advance(timedelta(minutes=5))
    await memory.command("creator", "live", "move 1 2026-12-04 18:00")
    moved = the_event(await calendar(memory))
    assert moved["uid"] == published["uid"]
    assert moved["start"] == datetime(2026, 12, 4, 17, 0, tzinfo=UTC)
    assert moved["sequence"] > published["sequence"]  # calendar apps take the moved copy

    clock.advance(timedelta(minutes=5))
    await memory.command("creator", "live", "cancel 1")
    canceled_cal = await calendar(memory)
    canceled = the_event(canceled_cal)
    assert str(canceled_cal["METHOD"]) == "CANCEL"
    assert canceled["uid"] == published["uid"] and canceled["status"] == "CANCELLED"
    assert canceled["sequence"] > moved["sequence"]
    assert canceled["alarms"] == 0  # no reminder for a session that will not happen


def event(**changes: object) -> CalendarEvent:
    base: dict[str, object] = {
        "uid": "live-1@x.membot",
        "start": datetime(2026, 1, 1, 9, tzinfo=UTC),
        "end": datetime(2026, 1, 1, 10, tzinfo=UTC),
        "summary": "Q&A",
        "stamp": datetime(2026, 1, 1, tzinfo=UTC),
    }
    return CalendarEvent(**{**base, **changes})  # type: ignore[arg-type]


def test_text_is_escaped_and_round_trips() -> None:
    summary = "Pricing, margins; and “you” 🎙\\ new\nline " * 3
    cal = Calendar.from_ical(to_ics(event(summary=summary, url="https://z.example/j?pwd=a,b;c")))
    [vevent] = cal.walk("VEVENT")
    assert str(vevent["SUMMARY"]) == summary
    assert str(vevent["URL"]) == "https://z.example/j?pwd=a,b;c"
    assert escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    line = "SUMMARY:" + "é🎙" * 40
    assert fold(line).replace("\r\n ", "") == line


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        to_ics(event(start=datetime(2026, 1, 1, 9)))
