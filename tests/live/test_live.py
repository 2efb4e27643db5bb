"""Live Q&A: scheduling, RSVPs, reminders exactly once, questions, attendance, recordings, calendar files."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from bot.app import App
from bot.clock import FakeClock
from bot.messages import Buttons, Form, OutboundMessage
from bot.platforms.memory import MemoryPlatform
from bot.services.live.ics import CalendarEvent, fold, to_ics
from bot.views.common import local_time
from storage.models import Activity, ContentItem, LiveQuestion, LiveSession, OutboxMessage, Rsvp
from tests.kits.members import become_member, member_id

OSLO = ZoneInfo("Europe/Oslo")
PRICING = "2026-12-03 17:00 Europe/Oslo 60 https://zoom.example/j/1 | Pricing clinic"
# Sunday 22 Nov 2026, 17:00 in Oslo (CET) = 16:00 UTC; the fake clock starts Friday 20 Nov, 12:00 UTC.
SUNDAY = "2026-11-22 17:00 | Sunday hot seats"
SUNDAY_START = datetime(2026, 11, 22, 16, 0, tzinfo=UTC)


def dec3(app: App) -> str:
    """Thursday 3 Dec 2026, 17:00 in Oslo as members read it (the format is CLDR's, so it is not spelled out here)."""
    return local_time(datetime(2026, 12, 3, 16, 0, tzinfo=UTC), OSLO, app.services.catalog.for_locale("en"))


def text_of(message: OutboundMessage) -> str:
    return " ".join([message.text, *(getattr(b, "text", "") for b in message.blocks)])


def about(messages: list[OutboundMessage], title: str) -> list[str]:
    """The headers (first block or text) of messages that mention `title`."""
    return [getattr(m.blocks[0], "text", m.text) if m.blocks else m.text for m in messages if title in text_of(m)]


def actions(message: OutboundMessage) -> list[str]:
    return [c.action_id for c in message.choices()]  # type: ignore[union-attr]


def links(message: OutboundMessage) -> list[str]:
    return [b.url for block in message.blocks if isinstance(block, Buttons) for b in block.buttons if b.url]


async def rows(app: App, model: type) -> list:  # type: ignore[type-arg]
    async with app.database.session() as session:
        return list((await session.scalars(select(model))).all())


async def count(app: App, model: type) -> int:  # type: ignore[type-arg]
    async with app.database.session() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def members(memory: MemoryPlatform, *users: str) -> None:
    """Live sessions are for members: these people join first (tests/live/test_members_only.py has the rest)."""
    for user in users:
        await become_member(memory, user)


async def schedule(memory: MemoryPlatform, app: App, args: str = PRICING) -> str:
    reply = await memory.command("creator", "live", f"schedule {args}")
    await app.settle()
    return reply.texts[-1]


async def sunday_with_one_rsvp(memory: MemoryPlatform, app: App) -> None:
    """Session #1 on Sunday, and member u1 has RSVP'd to it."""
    await members(memory, "u1")
    await schedule(memory, app, SUNDAY)
    await memory.click("u1", "qa.rsvp:1")


# -- scheduling ---------------------------------------------------------------------------


async def test_schedule_in_one_line_saves_and_announces_with_buttons(app: App, memory: MemoryPlatform) -> None:
    reply = await schedule(memory, app)
    assert reply.startswith(f"Scheduled #1 *Pricing clinic* for {dec3(app)} (60 min)")
    [live] = await rows(app, LiveSession)
    assert live.starts_at == datetime(2026, 12, 3, 16, 0, tzinfo=UTC)
    assert (live.duration_min, live.link, live.status) == (60, "https://zoom.example/j/1", "scheduled")
    [post] = memory.posts_in("live")
    assert post.blocks[0].text == "🎙 Live Q&A: Pricing clinic"  # type: ignore[union-attr]
    assert dec3(app) in text_of(post)
    assert actions(post) == ["qa.rsvp:1", "qa.ics:1"]


async def test_schedule_defaults_to_the_community_zone_and_an_hour(app: App, memory: MemoryPlatform) -> None:
    await schedule(memory, app, "2026-12-03 5pm 1h30 | Office hours | Bring your numbers")
    [live] = await rows(app, LiveSession)
    assert live.starts_at == datetime(2026, 12, 3, 16, 0, tzinfo=UTC)  # Oslo
    assert (live.duration_min, live.link, live.description) == (90, None, "Bring your numbers")


async def test_schedule_in_another_zone_case_insensitively(app: App, memory: MemoryPlatform) -> None:
    await schedule(memory, app, "2026-12-03 09:00 america/new_york 45 | Early bird")
    [live] = await rows(app, LiveSession)
    assert live.starts_at == datetime(2026, 12, 3, 14, 0, tzinfo=UTC)
    assert live.duration_min == 45


async def test_schedule_without_arguments_opens_a_form_that_validates_the_same_way(
    app: App, memory: MemoryPlatform
) -> None:
    opened = await memory.command("creator", "live", "schedule")
    [form] = opened.forms
    assert isinstance(form, Form) and form.form_id == "qa.schedule"
    assert [f.name for f in form.fields] == ["title", "date", "time", "zone", "duration", "link", "description"]
    assert form.fields[3].initial == "Europe/Oslo"

    values = {
        "title": "Form session",
        "date": "2026-12-03",
        "time": "17:00",
        "zone": "Europe/Oslo",
        "duration": "60",
        "link": "",
    }
    bad = await memory.submit("creator", "qa.schedule", {**values, "date": "03/12/2026"})
    assert "couldn't read the date “03/12/2026”" in bad.texts[0]
    assert await count(app, LiveSession) == 0

    good = await memory.submit("creator", "qa.schedule", values)
    assert good.texts[0].startswith("Scheduled #1 *Form session*")
    await app.settle()
    assert len(memory.posts_in("live")) == 1


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ("2026-13-03 17:00 | X", "couldn't read the date “2026-13-03”"),
        ("2026-12-03 25:00 | X", "couldn't read the time “25:00”"),
        ("2026-12-03 17:00 Mars/Olympus | X", "don't know the time zone “Mars/Olympus”"),
        ("2026-12-03 17:00 5 | X", "couldn't read the length “5”"),
        ("2026-12-03 17:00 ftp://files.example | X", "doesn't look like a link"),
        ("2026-12-03 17:00 60 90 | X", "couldn't tell what “90” is"),
        ("2026-11-19 17:00 | X", "is already in the past"),
        ("2026-12-03 17:00 Pricing clinic", "needs a title after a `|`"),
        ("2026-12-03", "Tell me when"),
        ("2026-12-03 17:00 | " + "x" * 151, "151 characters"),
    ],
)
async def test_bad_schedule_input_names_the_problem_and_changes_nothing(
    app: App, memory: MemoryPlatform, args: str, expected: str
) -> None:
    reply = await schedule(memory, app, args)
    assert expected in reply
    assert await count(app, LiveSession) == 0
    assert await count(app, OutboxMessage) == 0


async def test_members_are_politely_refused_creator_subcommands(app: App, memory: MemoryPlatform) -> None:
    await schedule(memory, app)
    for args in ("schedule " + PRICING, "cancel 1", "move 1 2026-12-04 17:00", "recording 1 https://v.example/1"):
        reply = await memory.command("u1", "live", args)
        assert reply.texts == [
            f"Sorry, `/live {args.split()[0]}` is for Maya Lindqvist only. You can see what's coming up with `/live`, or send a question with `/live ask`."
        ]
    refused = await memory.command("u1", "live", "questions 1")
    assert "for Maya Lindqvist and the moderators" in refused.texts[0]
    assert "is for" in (await memory.command("mod", "live", "cancel 1")).texts[0]
    assert "#1 Pricing clinic: 0 questions" in (await memory.command("mod", "live", "questions 1")).texts[0]
    [live] = await rows(app, LiveSession)
    assert live.status == "scheduled" and await count(app, LiveSession) == 1


async def test_live_help_shows_each_role_what_it_may_do(app: App, memory: MemoryPlatform) -> None:
    member = text_of((await memory.command("u1", "live", "help")).replies[0][0])
    creator = text_of((await memory.command("creator", "live", "help")).replies[0][0])
    assert "/live ask" in member and "/live schedule" not in member
    assert "/live schedule DATE TIME" in creator and "/live attend" in creator


# -- RSVPs, lists, /next ------------------------------------------------------------------


async def test_rsvp_button_twice_keeps_one_rsvp(app: App, memory: MemoryPlatform) -> None:
    await members(memory, "u1")
    await schedule(memory, app)
    first = await memory.click("u1", "qa.rsvp:1")
    second = await memory.click("u1", "qa.rsvp:1")
    assert first.texts[0].startswith(f"You're in! See you at *Pricing clinic* on *{dec3(app)}*")
    assert second.texts[0].startswith("You're already on the list")
    assert "qa.unrsvp:1" in actions(first.replies[0][0])
    assert await count(app, Rsvp) == 1

    await memory.click("u1", "qa.unrsvp:1")
    assert await count(app, Rsvp) == 0


async def test_list_shows_counts_and_next_mentions_the_session(app: App, memory: MemoryPlatform) -> None:
    await members(memory, "u1", "u2")
    await schedule(memory, app)
    await schedule(memory, app, SUNDAY)
    await memory.click("u1", "qa.rsvp:1")
    await memory.click("u2", "qa.rsvp:1")
    await memory.command("u2", "live", "ask 1 How do I price a retainer?")
    listing = text_of((await memory.command("u1", "live")).replies[0][0])
    assert listing.index("Sunday hot seats") < listing.index("Pricing clinic")  # soonest first
    assert f"#1 *Pricing clinic*: {dec3(app)} (60 min), 2 RSVPs · ✓ you're going" in listing
    assert "1 question" not in listing  # counts of questions are for the creator
    staff = text_of((await memory.command("creator", "live", "list")).replies[0][0])
    assert "2 RSVPs, 1 question" in staff

    upcoming = await memory.command("u3", "next")
    assert "Next live Q&A:* Sunday hot seats, Sun 22 Nov, 17:00 CET" in text_of(upcoming.replies[0][0])


async def test_rsvp_to_a_cancelled_or_unknown_session_is_refused(app: App, memory: MemoryPlatform) -> None:
    await members(memory, "u1")
    await schedule(memory, app)
    await memory.command("creator", "live", "cancel 1")
    assert "was cancelled" in (await memory.click("u1", "qa.rsvp:1")).texts[0]
    assert "no live session #9" in (await memory.click("u1", "qa.rsvp:9")).texts[0]
    assert await count(app, Rsvp) == 0


# -- reminders ----------------------------------------------------------------------------


async def run_jobs_at(app: App, clock: FakeClock, when: datetime, times: int = 3) -> None:
    clock.set(when)
    for _ in range(times):
        await app.tick()


async def test_reminders_at_24h_1h_and_start_each_exactly_once(
    app: App, memory: MemoryPlatform, clock: FakeClock
) -> None:
    await members(memory, "u1", "u2")
    await schedule(memory, app, SUNDAY)
    await memory.click("u1", "qa.rsvp:1")
    await memory.command("u2", "live", "ask What should I charge?")

    await run_jobs_at(app, clock, SUNDAY_START - timedelta(hours=24, minutes=1))
    assert about(memory.dms_to("u1"), "Sunday hot seats") == []
    await run_jobs_at(app, clock, SUNDAY_START - timedelta(hours=24))
    assert about(memory.dms_to("u1"), "Sunday hot seats") == ["Tomorrow: Sunday hot seats"]
    await run_jobs_at(app, clock, SUNDAY_START - timedelta(hours=1, minutes=1))
    await run_jobs_at(app, clock, SUNDAY_START - timedelta(hours=1))
    await run_jobs_at(app, clock, SUNDAY_START - timedelta(minutes=30))
    await run_jobs_at(app, clock, SUNDAY_START)
    await run_jobs_at(app, clock, SUNDAY_START + timedelta(minutes=10))
    await run_jobs_at(app, clock, SUNDAY_START + timedelta(hours=2))
    dms = [m for m in memory.dms_to("u1") if "Sunday hot seats" in text_of(m)]
    assert about(dms, "Sunday hot seats") == [
        "Tomorrow: Sunday hot seats",
        "In 1 hour: Sunday hot seats",
        "Starting now: Sunday hot seats",
    ]
    assert "Sun 22 Nov, 17:00 CET" in text_of(dms[0])
    assert "qa.here:1" in actions(dms[2])
    assert about(memory.dms_to("u2"), "Sunday hot seats") == []  # asked, but never RSVP'd

    [digest] = [m for m in memory.dms_to("creator") if m.blocks and "Questions for" in text_of(m)]
    assert "with 1 RSVP. 1 question so far" in text_of(digest) and "1. What should I charge?" in text_of(digest)
    assert about(memory.posts_in("live"), "Sunday hot seats")[-1].startswith("🔴 *Sunday hot seats* is starting now")


async def test_overdue_reminders_are_skipped_after_downtime(app: App, memory: MemoryPlatform, clock: FakeClock) -> None:
    await sunday_with_one_rsvp(memory, app)
    await run_jobs_at(app, clock, SUNDAY_START + timedelta(minutes=5))  # the bot was down since Friday
    assert about(memory.dms_to("u1"), "Sunday hot seats") == ["Starting now: Sunday hot seats"]


async def test_nothing_is_sent_long_after_the_start(app: App, memory: MemoryPlatform, clock: FakeClock) -> None:
    await sunday_with_one_rsvp(memory, app)
    await run_jobs_at(app, clock, SUNDAY_START + timedelta(minutes=40))
    assert about(memory.dms_to("u1"), "Sunday hot seats") == []


async def test_a_late_rsvp_gets_only_the_reminders_still_ahead(
    app: App, memory: MemoryPlatform, clock: FakeClock
) -> None:
    await members(memory, "u1")
    await schedule(memory, app, SUNDAY)
    await run_jobs_at(app, clock, SUNDAY_START - timedelta(minutes=50))
    await memory.click("u1", "qa.rsvp:1")
    await run_jobs_at(app, clock, SUNDAY_START - timedelta(minutes=45))
    await run_jobs_at(app, clock, SUNDAY_START)
    assert about(memory.dms_to("u1"), "Sunday hot seats") == ["Starting now: Sunday hot seats"]


async def test_moved_session_reminders_follow_the_new_time(app: App, memory: MemoryPlatform, clock: FakeClock) -> None:
    await sunday_with_one_rsvp(memory, app)
    await run_jobs_at(app, clock, SUNDAY_START - timedelta(hours=24))  # the first "tomorrow" reminder
    moved = await memory.command("creator", "live", "move 1 2026-11-23 18:00")
    assert (
        moved.texts[0]
        == "Moved #1 *Sunday hot seats* to Mon 23 Nov, 18:00 CET (was Sun 22 Nov, 17:00 CET). Everyone who RSVP'd has been told."
    )
    await app.settle()
    new_start = datetime(2026, 11, 23, 17, 0, tzinfo=UTC)
    for when in (
        SUNDAY_START - timedelta(hours=1),
        SUNDAY_START,
        new_start - timedelta(hours=24),
        new_start - timedelta(hours=1),
        new_start,
    ):
        await run_jobs_at(app, clock, when)
    dms = about(memory.dms_to("u1"), "Sunday hot seats")
    assert dms[0] == "Tomorrow: Sunday hot seats"
    assert dms[1].startswith("Heads up: *Sunday hot seats* has moved to *Mon 23 Nov, 18:00 CET*")
    assert dms[2:] == ["Tomorrow: Sunday hot seats", "In 1 hour: Sunday hot seats", "Starting now: Sunday hot seats"]
    [in_an_hour] = [m for m in memory.dms_to("u1") if m.text == "In 1 hour: Sunday hot seats"]
    assert "Mon 23 Nov, 18:00 CET" in text_of(in_an_hour)


async def test_cancelled_session_tells_rsvps_and_sends_no_reminders(
    app: App, memory: MemoryPlatform, clock: FakeClock
) -> None:
    await sunday_with_one_rsvp(memory, app)
    reply = await memory.command("creator", "live", "cancel 1")
    assert reply.texts == ["Cancelled #1 *Sunday hot seats*. I told 1 member who had RSVP'd."]
    for when in (SUNDAY_START - timedelta(hours=24), SUNDAY_START - timedelta(hours=1), SUNDAY_START):
        await run_jobs_at(app, clock, when)
    [dm] = [m for m in memory.dms_to("u1") if "Sunday hot seats" in text_of(m)]
    assert dm.text.startswith("Sorry, *Sunday hot seats* on Sun 22 Nov, 17:00 CET is cancelled")
    assert "is cancelled" in about(memory.posts_in("live"), "Sunday hot seats")[-1]


# -- questions, attendance, recordings -----------------------------------------------------


async def test_questions_in_advance_are_listed_for_the_creator(app: App, memory: MemoryPlatform) -> None:
    await members(memory, "u1", "u2", "u3")
    await schedule(memory, app)
    await schedule(memory, app, SUNDAY)
    first = await memory.command("u1", "live", "ask How do I price a retainer?")  # the next session: Sunday
    assert first.texts == [
        "Thanks! Yours is question 1 for *Sunday hot seats* (Sun 22 Nov, 17:00 CET). I'll make sure it gets asked."
    ]
    await memory.command("u2", "live", "ask #1 What about discounts?")
    # 3 names no session: part of the question, or a wrong number? Nothing is guessed; the reply shows how.
    unsure = await memory.command("u2", "live", "ask 3 ways to raise prices?")
    assert "`/live ask #2 3 …` sends it to *Sunday hot seats*" in unsure.texts[0]
    await memory.command("u2", "live", "ask #2 3 ways to raise prices?")
    assert (await memory.command("u3", "live", "ask")).texts[0].startswith("What would you like to ask?")
    for which in ("rsvp", "cancel"):  # found as an outsider: "“?” isn't a session number"
        said = await memory.command("creator" if which == "cancel" else "u3", "live", which)
        assert said.texts == ["Which session? Add its number after the command (say, 3); `/live list` shows them."]
    for nothing in ("ask 1", "ask #2", "ask ?"):  # found as an outsider: "1" was filed as a question
        assert (await memory.command("u3", "live", nothing)).texts[0].startswith("What would you like to ask?")
    listing = text_of((await memory.command("creator", "live", "questions 1")).replies[0][0])
    assert "#1 Pricing clinic: 1 question" in listing and "1. What about discounts? (_U2_)" in listing
    sunday = text_of((await memory.command("creator", "live", "questions")).replies[0][0])
    assert "1. How do I price a retainer? (_U1_)" in sunday and "2. 3 ways to raise prices? (_U2_)" in sunday
    assert await count(app, LiveQuestion) == 3


async def test_attendance_by_button_and_by_the_creator(app: App, memory: MemoryPlatform, clock: FakeClock) -> None:
    await members(memory, "u1", "u2", "u3", "u4", "u5")
    await schedule(memory, app, SUNDAY)
    for user in ("u1", "u2", "u3"):
        await memory.click(user, "qa.rsvp:1")
    await memory.command("u4", "live")  # known to the bot, but no RSVP
    early = await memory.click("u1", "qa.here:1")
    assert early.texts[0].startswith("Check-in opens at Sun 22 Nov, 16:45 CET")
    too_soon = await memory.command("creator", "live", "attend 1 @u2")
    assert too_soon.texts[0].startswith("Session #1 hasn't started yet (it's on Sun 22 Nov, 17:00 CET)")

    clock.set(SUNDAY_START - timedelta(minutes=10))
    here = await memory.click("u1", "qa.here:1")
    assert here.texts[0].startswith("Great to have you at *Sunday hot seats*!")
    assert "already marked" in (await memory.click("u1", "qa.here:1")).texts[0]

    marked = await memory.command("creator", "live", "attend 1 @u2 <@u4>")  # u4 walked in without an RSVP
    assert marked.texts[0] == "Marked 2 members as attending *Sunday hot seats*."
    listing = marked.replies[1][0]
    assert "#1 Sunday hot seats: 3 of 4 came" in text_of(listing)
    mark_u3 = f"qa.mark:1-{await member_id(app, 'u3')}"
    assert actions(listing) == [mark_u3]  # only u3 is left to mark
    assert "is for Maya Lindqvist and the moderators" in (await memory.click("u1", mark_u3)).texts[0]
    await memory.click("creator", mark_u3)
    assert "u9" in (await memory.command("creator", "live", "attend 1 @u9")).texts[0]  # unknown: nothing marked

    attended = {r.member_id for r in await rows(app, Rsvp) if r.attended}
    assert len(attended) == 4
    kinds = [a.kind for a in await rows(app, Activity) if a.kind == "live_attended"]
    assert len(kinds) == 4  # once per member, however often they clicked

    clock.set(SUNDAY_START + timedelta(minutes=61))
    assert "already over" in (await memory.click("u5", "qa.here:1")).texts[0]


async def test_recording_goes_to_the_library_attendees_and_no_shows(
    app: App, memory: MemoryPlatform, clock: FakeClock
) -> None:
    await members(memory, "u1", "u2", "u3")
    await schedule(memory, app, SUNDAY)
    await memory.click("u1", "qa.rsvp:1")
    await memory.click("u2", "qa.rsvp:1")
    await memory.command("u3", "live")  # a member who never RSVP'd
    too_early = await memory.command("creator", "live", "recording 1 https://video.example/r/1")
    assert "hasn't happened yet (it's on Sun 22 Nov, 17:00 CET)" in too_early.texts[0]
    clock.set(SUNDAY_START + timedelta(minutes=5))
    await memory.click("u1", "qa.here:1")
    clock.set(SUNDAY_START + timedelta(hours=2))

    reply = await memory.command("creator", "live", "recording 1 https://video.example/r/1 Pricing, answered live")
    assert reply.texts == [
        "Added the recording of *Sunday hot seats* to the library. I sent it to 1 member who came and 1 member who RSVP'd but missed it."
    ]
    again = await memory.command("creator", "live", "recording 1 https://video.example/r/2")
    # Found as an outsider: "Nobody gets it twice: 0 members and 0 members more got it just now."
    assert again.texts == [
        "Updated the recording of *Sunday hot seats* in the library. Everyone who should have it already did,"
        " so nobody was sent it again."
    ]
    await app.settle()

    came = [m for m in memory.dms_to("u1") if "recording" in text_of(m)]
    missed = [m for m in memory.dms_to("u2") if "recording" in text_of(m)]
    assert [m.text for m in came] == [
        "Thanks for coming to *Sunday hot seats*! Here's the recording, in case you want to rewatch anything."
    ]
    assert [m.text for m in missed] == [
        "Sorry we missed you at *Sunday hot seats*! Here's the recording, so you can catch up whenever suits you."
    ]
    assert [c.url for c in came[0].blocks[-1].buttons] == ["https://video.example/r/1"]  # type: ignore[union-attr]
    assert [m for m in memory.dms_to("u3") if "recording" in text_of(m)] == []

    [item] = [i for i in await rows(app, ContentItem) if i.slug == "live-1-recording"]
    assert (item.kind, item.url, item.published_at is not None) == ("live", "https://video.example/r/2", True)
    assert item.teaser == "Recording of the live Q&A on Sun 22 Nov, 17:00 CET."  # no description: the default blurb
    library = await memory.command("u3", "library")
    assert "Sunday hot seats" in text_of(library.replies[0][0])
    [live] = await rows(app, LiveSession)
    assert (live.status, live.recording_url, live.content_item_id) == ("done", "https://video.example/r/2", item.id)


# -- calendar files -----------------------------------------------------------------------


def parse_ics(data: bytes) -> list[tuple[str, dict[str, str], str]]:
    """A strict little reader: CRLF only, lines of at most 75 octets, folded lines unfolded."""
    text = data.decode("utf-8")
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    physical = text.split("\r\n")[:-1]
    assert all(len(line.encode("utf-8")) <= 75 for line in physical)
    logical: list[str] = []
    for line in physical:
        if line.startswith(" "):
            logical[-1] += line[1:]
        else:
            logical.append(line)
    parsed = []
    for line in logical:
        head, _, value = line.partition(":")
        name, *params = head.split(";")
        parsed.append((name, dict(p.split("=", 1) for p in params), value))
    return parsed


def unescape(value: str) -> str:
    out, chars = [], iter(value)
    for char in chars:
        if char == "\\":
            nxt = next(chars)
            out.append("\n" if nxt in "nN" else nxt)
        else:
            out.append(char)
    return "".join(out)


async def calendar_file(memory: MemoryPlatform, user: str = "u1") -> bytes:
    """The .ics file the calendar button of session 1 sends."""
    reply = await memory.click(user, "qa.ics:1")
    attachment = reply.replies[0][0].attachment
    assert attachment is not None
    return attachment.data


def first_props(lines: list[tuple[str, dict[str, str], str]]) -> dict[str, str]:
    props: dict[str, str] = {}
    for name, _, value in lines:
        props.setdefault(name, value)  # the first: VEVENT's DESCRIPTION, not VALARM's
    return props


async def test_ics_is_valid_and_stable(app: App, memory: MemoryPlatform, clock: FakeClock) -> None:
    await members(memory, "u1")
    await schedule(
        memory,
        app,
        "2026-12-03 17:00 90 https://zoom.example/j/1?pwd=a,b;c | Pricing, margins; and “you” 🎙 | "
        + "Line one, with commas; and semicolons\\ and a very long second line " * 3,
    )
    first = first_props(parse_ics(await calendar_file(memory)))
    clock.advance(timedelta(hours=3))
    lines = parse_ics(await calendar_file(memory))
    props = first_props(lines)
    names = [name for name, _, _ in lines]
    assert names[0] == "BEGIN" and lines[0][2] == "VCALENDAR" and lines[-1][2] == "VCALENDAR"
    assert [v for n, _, v in lines if n == "BEGIN"] == ["VCALENDAR", "VEVENT", "VALARM"]
    assert props["VERSION"] == "2.0" and props["PRODID"]
    assert first["UID"] == props["UID"] == "live-1@strategy-club.membot"
    assert props["DTSTART"] == "20261203T160000Z" and props["DTEND"] == "20261203T173000Z"
    assert unescape(props["SUMMARY"]) == "Pricing, margins; and “you” 🎙 (Strategy Club live Q&A)"
    assert unescape(props["DESCRIPTION"]).startswith("Line one, with commas; and semicolons\\ and a very long")
    assert props["URL"] == "https://zoom.example/j/1?pwd=a,b;c"
    assert int(props["SEQUENCE"]) > int(first["SEQUENCE"])  # a later download updates the event in calendar apps


def test_folding_never_splits_a_character() -> None:
    line = "SUMMARY:" + "é🎙" * 40
    folded = fold(line).split("\r\n ")
    assert "".join(folded) == line
    assert all(len(part.encode("utf-8")) <= (75 if i == 0 else 74) for i, part in enumerate(folded))
    event = CalendarEvent(
        uid="x",
        start=datetime(2026, 1, 1, tzinfo=UTC),
        end=datetime(2026, 1, 1, 1, tzinfo=UTC),
        summary="a\nb",
        stamp=datetime(2026, 1, 1, tzinfo=UTC),
    )
    assert b"SUMMARY:a\\nb\r\n" in to_ics(event)


async def test_calendar_button_sends_the_file_and_web_calendar_links(app: App, memory: MemoryPlatform) -> None:
    await members(memory, "u1")
    await schedule(memory, app)
    reply = await memory.click("u1", "qa.ics:1")
    (message, _), (links, _) = reply.replies
    assert message.text.startswith("Here's *Pricing clinic (Strategy Club live Q&A)* as a calendar file")
    attachment = message.attachment
    assert attachment is not None and (attachment.filename, attachment.mime) == (
        "pricing-clinic-strategy-club-live-q-a.ics",
        "text/calendar",
    )
    assert ("UID", {}, "live-1@strategy-club.membot") in parse_ics(attachment.data)
    assert links.text == "Or add it to a web calendar in one click:"
    urls = [b.url for b in links.blocks[-1].buttons]  # type: ignore[union-attr]
    assert urls[0].startswith("https://calendar.google.com/calendar/render?action=TEMPLATE")
    assert "dates=20261203T160000Z%2F20261203T170000Z" in urls[0]
    assert urls[1].startswith("https://outlook.live.com/calendar/0/deeplink/compose?")


# -- more edges ---------------------------------------------------------------------------


async def test_announcement_goes_to_every_workspace(sqlite_db, settings, clock: FakeClock, community_path) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import make_app

    platform = MemoryPlatform(name="memory", workspaces=("W1", "W2"))
    application = await make_app(sqlite_db, settings, clock, {"memory": platform}, community_path)
    try:
        await schedule(platform, application)
        assert sorted(d.target.workspace_id for d in platform.sent if d.target.channel == "live") == ["W1", "W2"]
    finally:
        await application.stop()


async def test_reminder_keys_name_the_reason_and_the_start(app: App, memory: MemoryPlatform, clock: FakeClock) -> None:
    await sunday_with_one_rsvp(memory, app)
    await run_jobs_at(app, clock, SUNDAY_START - timedelta(hours=24))
    keys = {row.dedupe_key for row in await rows(app, OutboxMessage)}
    assert f"qa:1:remind-24h:member:{await member_id(app, 'u1')}@20261122T1600Z" in keys
    assert "qa:1:announce:memory:W1" in keys


async def test_asking_with_nothing_scheduled_says_so(app: App, memory: MemoryPlatform) -> None:
    await members(memory, "u1")
    reply = await memory.command("u1", "live", "ask Is there a session soon?")
    assert reply.texts[0].startswith("There's no live session coming up right now")
    assert await count(app, LiveQuestion) == 0
    # The sample's weekly live drops (Thursdays 17:00 Oslo) are still coming, so the list names them.
    first_drop = local_time(datetime(2026, 11, 26, 16, 0, tzinfo=UTC), OSLO, app.services.catalog.for_locale("en"))
    empty = (await memory.command("u1", "live")).texts[0]
    assert empty.startswith("No live Q&A to RSVP to is scheduled right now")
    assert f"• {first_drop}: *Live: positioning hot seats*" in empty
    assert empty.count("• ") == 3 and "`/next`" in empty
    staff = (await memory.command("creator", "live")).texts[0]
    assert "*Live: positioning hot seats*" in staff and "`/live schedule`" in staff


SUBCOMMANDS = [
    "",
    "list",
    "help",
    "rsvp",
    "ask",
    "questions",
    "attend",
    "schedule",
    "move",
    "cancel",
    "recording",
    "nope",
]
PIECES = st.sampled_from(
    [
        "1",
        "#1",
        "2",
        "٣",
        "²",
        "99999999999999999999",
        "2026-12-03",
        "17:00",
        "5pm",
        "Europe/Oslo",
        "europe/oslo",
        "Mars/Base",
        "60",
        "1h30",
        "0",
        "https://v.example/1",
        "ftp://x",
        "@u1",
        "<@u2>",
        "|",
        "||",
        "\x00",
        "a" * 300,
    ]
) | st.text(max_size=30)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    sub=st.sampled_from(SUBCOMMANDS), words=st.lists(PIECES, max_size=6), user=st.sampled_from(["u1", "mod", "creator"])
)
async def test_any_live_subcommand_gets_a_clear_answer(
    app: App, memory: MemoryPlatform, sub: str, words: list[str], user: str
) -> None:
    if await count(app, LiveSession) == 0:
        await schedule(memory, app)
    internal = app.services.catalog.for_locale("en")("errors.internal")
    reply = await memory.command(user, "live", " ".join([sub, *words]))
    assert reply.forms or any(t.strip() for t in reply.texts)
    assert internal not in reply.texts, (sub, words, user)


def test_every_live_notice_has_a_view() -> None:
    """A notice the outbox cannot word would fail at send time; each one has its view."""
    from bot.notices import Notice
    from bot.notices import live as notices
    from bot.views.notices import all_views

    kinds = {c for c in vars(notices).values() if isinstance(c, type) and issubclass(c, Notice) and c is not Notice}
    assert len(kinds) == 13
    assert kinds <= set(all_views())


async def test_only_the_reminders_still_to_come_are_promised(app: App, memory: MemoryPlatform) -> None:
    """Found as an outsider: a session 30 minutes away promised reminders "the day before, an hour
    before, and when it starts"."""
    await members(memory, "u1")
    scheduled = await schedule(memory, app, "2026-11-20 13:30 | Starts soon")  # the clock: 13:00 in Oslo
    assert "everyone who RSVPs gets a reminder when it starts." in scheduled
    rsvp = await memory.click("u1", "qa.rsvp:1")
    assert rsvp.texts[0].endswith("I'll remind you when it starts.")
    assert "day before" not in rsvp.texts[0] and "hour before" not in rsvp.texts[0]

    far = await schedule(memory, app)
    assert "everyone who RSVPs gets reminders 24 hours and 1 hour before, and when it starts." in far
    rsvp = await memory.click("u1", "qa.rsvp:2")
    assert rsvp.texts[0].endswith("I'll remind you the day before, an hour before, and when it starts.")


@pytest.mark.parametrize(
    ("when", "note"),
    [
        (
            "2027-03-28 02:30",
            "There is no 02:30 that day: the clocks go forward an hour then, so it starts at Sun 28 Mar, 03:30 CEST.",
        ),
        (
            "2027-10-31 02:30",
            "02:30 comes twice that night, as the clocks go back an hour: I took the first one, Sun 31 Oct, 02:30 CEST.",
        ),
        ("2027-03-27 02:30", None),
    ],
)
async def test_a_time_a_clock_change_skips_or_repeats_is_pointed_out(
    app: App, memory: MemoryPlatform, when: str, note: str | None
) -> None:
    """Found as an outsider: 02:30 on the night summer time starts was scheduled for 03:30 without a word."""
    reply = await schedule(memory, app, f"{when} Europe/Oslo | Night owls")
    assert reply.startswith("Scheduled #1 *Night owls*")
    notes = [line for line in reply.splitlines() if "clocks go" in line]
    assert notes == ([f"{note} Use `/live move 1 DATE TIME` for another time."] if note else [])


async def test_the_creators_digest_without_questions_says_so(
    app: App, memory: MemoryPlatform, clock: FakeClock
) -> None:
    """Found as an outsider: the digest read "0 questions so far:" with nothing after it."""
    await sunday_with_one_rsvp(memory, app)
    await run_jobs_at(app, clock, SUNDAY_START - timedelta(hours=1))
    digests = [m for m in memory.dms_to("creator") if m.blocks and "Questions for" in text_of(m)]
    assert [d.text for d in digests] == [
        "*Sunday hot seats* starts at Sun 22 Nov, 17:00 CET with 1 RSVP. No questions sent in yet."
    ]


async def test_a_session_under_way_is_live_now_not_upcoming(app: App, memory: MemoryPlatform, clock: FakeClock) -> None:
    """Found as an outsider: ten minutes into a session, /live listed it as upcoming and an RSVP
    answered "See you at *Sunday hot seats* on Sun 22 Nov, 17:00"."""
    await members(memory, "u1", "u2")
    await schedule(memory, app, "2026-11-22 17:00 Europe/Oslo 60 https://zoom.example/j/2 | Sunday hot seats")
    await memory.click("u1", "qa.rsvp:1")
    clock.set(SUNDAY_START + timedelta(minutes=10))

    listing = text_of((await memory.command("u2", "live")).replies[0][0])
    assert "#1 *Sunday hot seats*: 🔴 live now (started Sun 22 Nov, 17:00 CET) (60 min), 1 RSVP" in listing
    late = (await memory.click("u2", "qa.rsvp:1")).replies[0][0]
    assert late.text == "*Sunday hot seats* is on now (it started Sun 22 Nov, 17:00 CET). Join with the button below."
    assert links(late) == ["https://zoom.example/j/2"]
    again = (await memory.click("u1", "qa.rsvp:1")).replies[0][0]
    assert again.text.startswith("*Sunday hot seats* is on now")

    await schedule(memory, app, "2026-11-22 17:30 | No link yet")
    clock.set(SUNDAY_START + timedelta(minutes=40))
    no_link = (await memory.click("u2", "qa.rsvp:2")).replies[0][0]
    assert no_link.text.endswith("No join link has been shared yet: watch the live channel.")
    assert links(no_link) == [] and not no_link.choices()


async def test_a_session_at_the_same_time_as_another_is_pointed_out(app: App, memory: MemoryPlatform) -> None:
    """Found as an outsider: a one-off session was scheduled on top of the weekly series' session
    without a word."""
    await schedule(memory, app, SUNDAY)  # 17:00-18:00
    clash = await schedule(memory, app, "2026-11-22 17:30 | Double booked")
    assert clash.splitlines()[-1] == (
        "Heads-up: #1 *Sunday hot seats* is on at the same time (Sun 22 Nov, 17:00 CET). "
        "Use `/live move 2 DATE TIME` or `/live cancel 2` if that wasn't meant."
    )
    after = await schedule(memory, app, "2026-11-22 18:30 | Right after")  # when both have ended
    assert "Heads-up" not in after


async def test_a_session_at_the_live_slots_own_minute_is_the_weeks_only_announcement(
    app: App, memory: MemoryPlatform, clock: FakeClock
) -> None:
    """Found as an outsider: a one-off session at the sample's live slot (Thursday 17:00) had begun by
    the time the slot fired a moment later, so the queued live drop was posted too: two posts and two
    links for one event."""
    await schedule(memory, app, "2026-11-26 17:00 Europe/Oslo 60 https://zoom.example/j/9 | Positioning hot seats")
    memory.sent.clear()
    clock.set(datetime(2026, 11, 26, 16, 0, 1, tzinfo=UTC))  # the slot's job runs just after 17:00 in Oslo
    await app.tick()
    await app.settle()
    drops = [m.text for m in memory.posts_in("drops")]
    assert not any("positioning hot seats" in text.lower() for text in drops), drops
    async with app.database.session() as session:
        live_drop = await session.scalar(select(ContentItem).where(ContentItem.kind == "live").order_by(ContentItem.id))
    assert live_drop is not None and live_drop.published_at is not None  # still in the library
