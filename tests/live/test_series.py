"""Weekly live series from chat: occurrences made ahead, announced once by the "live" drop slot,
each a real session (RSVP, reminders, questions, recording); skip, move, call off; friendly errors."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.app import App
from bot.clock import FakeClock
from bot.messages import OutboundMessage
from bot.platforms.memory import MemoryPlatform
from bot.views.common import local_time
from storage.models import LiveSeries, LiveSession
from tests.kits.members import become_member
from tests.live.test_live import actions, count, members, rows, run_jobs_at, text_of

WEEKLY = "every thursday 17:00 Europe/Oslo 60 https://zoom.example/j/7 | Office hours"
# The fake clock starts Friday 20 Nov 2026, 12:00 UTC; Thursdays 17:00 in Oslo (CET) are 16:00 UTC.
THURSDAYS = [datetime(2026, 11, 26, 16, 0, tzinfo=UTC) + timedelta(weeks=n) for n in range(6)]


async def start_series(memory: MemoryPlatform, app: App, args: str = WEEKLY) -> str:
    reply = await memory.command("creator", "live", f"schedule {args}")
    await app.settle()
    return "\n".join(text_of(message) for message, _ in reply.replies)


async def occurrences(app: App, status: str | None = None) -> list[LiveSession]:
    found = sorted(await rows(app, LiveSession), key=lambda s: s.starts_at)
    return [s for s in found if s.series_id is not None and (status is None or s.status == status)]


def mentioning(messages: list[OutboundMessage], words: str) -> list[OutboundMessage]:
    return [m for m in messages if words in text_of(m)]


# -- starting a series ----------------------------------------------------------------------


async def test_schedule_every_starts_a_series_with_four_weeks_of_sessions(app: App, memory: MemoryPlatform) -> None:
    reply = await start_series(memory, app)
    assert "Started the weekly series #1 *Office hours*: every Thursday at 17:00 (Europe/Oslo), 60 min" in reply
    assert "posted in #drops at the weekly “live” drop slot" in reply  # the sample has a "live" slot
    [series] = await rows(app, LiveSeries)
    assert (series.weekday, series.timezone, series.source, series.status) == (3, "Europe/Oslo", "chat", "active")
    made = await occurrences(app)
    assert [s.starts_at for s in made] == THURSDAYS[:4]
    assert {(s.title, s.duration_min, s.link, s.series_id) for s in made} == {
        ("Office hours", 60, "https://zoom.example/j/7", series.id)
    }
    assert [f"#{s.id}" in reply for s in made] == [True] * 4
    # The Thursday slot posts each one a week ahead; the first one's firing has passed, so it is posted now.
    assert memory.posts_in("live") == []
    [post] = mentioning(memory.posts_in("drops"), "Office hours")
    assert f"qa.rsvp:{made[0].id}" in actions(post)


async def test_occurrences_are_made_once_and_roll_forward_week_by_week(
    app: App, memory: MemoryPlatform, clock: FakeClock
) -> None:
    await start_series(memory, app)
    await app.tick()
    await app.tick()
    assert len(await occurrences(app)) == 4
    await run_jobs_at(app, clock, THURSDAYS[1] - timedelta(hours=1))  # a week later: one more week comes into view
    assert [s.starts_at for s in await occurrences(app)] == THURSDAYS[:5]
    await run_jobs_at(app, clock, THURSDAYS[1])  # 31 Dec is 28 days ahead now
    assert [s.starts_at for s in await occurrences(app)] == THURSDAYS[:6]


async def test_the_live_slot_posts_the_occurrence_once_instead_of_a_static_drop(
    app: App, memory: MemoryPlatform, clock: FakeClock
) -> None:
    await start_series(memory, app)
    first, second = (await occurrences(app))[:2]
    await run_jobs_at(app, clock, THURSDAYS[0] - timedelta(minutes=1))
    assert len(mentioning(memory.posts_in("drops"), "Office hours")) == 1  # the first, when the series started
    await run_jobs_at(app, clock, THURSDAYS[0])
    await run_jobs_at(app, clock, THURSDAYS[0] + timedelta(minutes=5))
    drops = memory.posts_in("drops")
    # Found as an outsider: the slot at the session's own time posted it as it started, so nobody could
    # RSVP from the post in time; now each Thursday's firing announces the next Thursday's session.
    posts = mentioning(drops, "Office hours")
    assert [f"qa.rsvp:{live.id}" in actions(post) for post, live in zip(posts, (first, second), strict=True)] == [
        True,
        True,
    ]
    # The queued "live" drop of that Thursday is not posted on its own (it still goes to the library),
    # and, found as an outsider, `/next` no longer lists the ones to come as if they would be.
    assert mentioning(drops, "positioning hot seats") == []
    coming = await app.services.content.upcoming(12)  # what /next, /me and the Home tab list
    assert coming and [d.title for d in coming if d.kind == "live"] == []
    async with app.database.session() as session:
        from storage.models import ContentItem

        item = await session.scalar(select(ContentItem).where(ContentItem.slug == "w1-live-positioning-hot-seats"))
        assert item is not None and item.published_at is not None


async def test_without_a_series_the_live_slot_still_posts_its_drop(
    app: App, memory: MemoryPlatform, clock: FakeClock
) -> None:
    """The other side of the test above: the drop is skipped because of the series, not by accident."""
    await run_jobs_at(app, clock, THURSDAYS[0])
    assert len(mentioning(memory.posts_in("drops"), "positioning hot seats")) == 1


@pytest.mark.parametrize(("day", "drop_posted"), [("2026-11-27", False), ("2026-12-10", True)])
async def test_a_one_off_session_in_the_coming_week_is_the_live_slots_post_too(
    app: App, memory: MemoryPlatform, clock: FakeClock, day: str, drop_posted: bool
) -> None:
    """Found as an outsider: with a session scheduled for the week, the queued "live" drop was posted
    as well, so members saw two live announcements (one without an RSVP). A session further off
    leaves the week's drop alone."""
    reply = await memory.command("creator", "live", f"schedule {day} 17:00 | Pricing clinic | Bring your prices")
    assert "Pricing clinic" in reply.texts[0]
    await run_jobs_at(app, clock, THURSDAYS[0])
    assert len(mentioning(memory.posts_in("drops"), "positioning hot seats")) == int(drop_posted)


# -- each occurrence is a live session --------------------------------------------------------


async def test_an_occurrence_has_rsvp_reminders_questions_and_a_recording(
    app: App, memory: MemoryPlatform, clock: FakeClock
) -> None:
    await members(memory, "u1")
    await start_series(memory, app)
    second = (await occurrences(app))[1]
    rsvp = await memory.click("u1", f"qa.rsvp:{second.id}")
    assert rsvp.texts[0].startswith("You're in! See you at *Office hours*")
    asked = await memory.command("u1", "live", f"ask #{second.id} How do I price a retainer?")
    assert asked.texts[0].startswith("Thanks! Yours is question 1 for *Office hours*")

    await run_jobs_at(app, clock, THURSDAYS[1] - timedelta(hours=24))
    assert [m.text for m in mentioning(memory.dms_to("u1"), "Office hours")] == ["Tomorrow: Office hours"]
    await run_jobs_at(app, clock, THURSDAYS[1] - timedelta(hours=1))
    digest = mentioning(memory.dms_to("creator"), "How do I price a retainer?")
    assert len(digest) == 1

    await run_jobs_at(app, clock, THURSDAYS[1] + timedelta(hours=2))
    reply = await memory.command("creator", "live", f"recording {second.id} https://video.example/oh2")
    await app.settle()
    assert reply.texts[0].startswith("Added the recording of *Office hours*")
    assert len(mentioning(memory.dms_to("u1"), "Here's the recording")) == 1


async def test_the_rsvp_onboarding_step_offers_the_next_real_session(
    app: App, memory: MemoryPlatform, clock: FakeClock
) -> None:
    await start_series(memory, app)
    first = (await occurrences(app))[0]
    await become_member(memory, "newbie", "Nora New")
    joined = clock.now()
    for hours in range(0, 3 * 24 + 5, 4):  # the drip goes day by day: later steps follow when day 0 went out
        await run_jobs_at(app, clock, joined + timedelta(hours=hours))
    [step] = mentioning(memory.dms_to("newbie"), "Join your first live session")
    assert f"qa.rsvp:{first.id}" in actions(step)
    assert "Office hours" in text_of(step)


# -- skip, move, call off -----------------------------------------------------------------------


async def test_skip_one_occurrence_tells_who_rsvped_and_the_series_goes_on(
    app: App, memory: MemoryPlatform, clock: FakeClock
) -> None:
    await members(memory, "u1")
    await start_series(memory, app)
    second = (await occurrences(app))[1]
    await memory.click("u1", f"qa.rsvp:{second.id}")
    reply = await memory.command("creator", "live", f"skip {second.id}")
    await app.settle()
    assert reply.texts[0].startswith(f"Skipped #{second.id} *Office hours*")
    assert "I told 1 member who had RSVP'd" in reply.texts[0]
    assert len(mentioning(memory.dms_to("u1"), "is cancelled")) == 1
    assert memory.posts_in("live") == []  # it was never announced, so nothing to take back in public
    listing = await memory.command("creator", "live", "series")
    listed = text_of(listing.replies[0][0])
    assert f"#{second.id} " in listed and "(skipped)" in listed

    await run_jobs_at(app, clock, THURSDAYS[1] + timedelta(days=1))  # the job does not make it again
    skipped = [s for s in await occurrences(app) if s.occurrence_on == second.occurrence_on]
    assert [s.status for s in skipped] == ["canceled"]
    ahead = [s.starts_at for s in await occurrences(app, "scheduled")]
    assert ahead == [THURSDAYS[0], *THURSDAYS[2:6]]  # the first (over by now), then 10 Dec to 31 Dec


async def test_skip_by_date_ahead_of_the_sessions_made_so_far(
    app: App, memory: MemoryPlatform, clock: FakeClock
) -> None:
    await start_series(memory, app)
    reply = await memory.command("creator", "live", "skip 2026-12-31")  # five weeks out: not made yet
    assert reply.texts[0].startswith("Skipped #")
    await run_jobs_at(app, clock, THURSDAYS[2])
    on_new_year = [s for s in await occurrences(app) if s.occurrence_on and s.occurrence_on.isoformat() == "2026-12-31"]
    assert [s.status for s in on_new_year] == ["canceled"]


async def test_moving_one_occurrence_keeps_it_the_same_one(app: App, memory: MemoryPlatform, clock: FakeClock) -> None:
    await members(memory, "u1")
    await start_series(memory, app)
    second = (await occurrences(app))[1]
    await memory.click("u1", f"qa.rsvp:{second.id}")
    reply = await memory.command("creator", "live", f"move {second.id} 2026-12-04 18:00")
    await app.settle()
    assert reply.texts[0].startswith(f"Moved #{second.id} *Office hours*")
    assert len(mentioning(memory.dms_to("u1"), "has moved to")) == 1
    await app.tick()
    [moved] = [s for s in await occurrences(app) if s.id == second.id]
    assert moved.starts_at == datetime(2026, 12, 4, 17, 0, tzinfo=UTC)
    assert [s.starts_at for s in await occurrences(app)] == [THURSDAYS[0], moved.starts_at, *THURSDAYS[2:4]]


async def test_calling_off_a_series_cancels_what_is_ahead_and_tells_each_member_once(
    app: App, memory: MemoryPlatform, clock: FakeClock
) -> None:
    await members(memory, "u1", "u2")
    await start_series(memory, app)
    made = await occurrences(app)
    for session in made[1:3]:
        await memory.click("u1", f"qa.rsvp:{session.id}")
    await memory.click("u2", f"qa.rsvp:{made[3].id}")
    await run_jobs_at(app, clock, THURSDAYS[0])  # the first one is announced by the slot
    reply = await memory.command("creator", "live", "series cancel 1")
    await app.settle()
    assert reply.texts[0] == (
        "Called off the weekly series #1 *Office hours*: 4 sessions cancelled, "
        "and I told 2 members who had RSVP'd (one message each)."
    )
    # The running one (started at THURSDAYS[0]) is left alone; the four ahead (to 24 Dec) are cancelled.
    assert [s.status for s in await occurrences(app)] == ["scheduled", *["canceled"] * 4]
    [told] = mentioning(memory.dms_to("u1"), "has been called off")
    assert "the 2 sessions you RSVP'd to" in text_of(told)
    assert len(mentioning(memory.dms_to("u2"), "has been called off")) == 1
    assert len(mentioning(memory.posts_in("live"), "has come to an end")) == 1

    await run_jobs_at(app, clock, THURSDAYS[2])
    assert len(await occurrences(app)) == 5  # nothing new is made
    assert len(mentioning(memory.dms_to("u1"), "has been called off")) == 1
    again = await memory.command("creator", "live", "series cancel 1")
    assert again.texts[0] == "Weekly series #1 *Office hours* was already called off."


# -- friendly errors ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ("schedule every thursdy 17:00 | X", "couldn't read the weekday “thursdy”"),
        ("schedule every thursday 25:00 | X", "couldn't read the time “25:00”"),
        ("schedule every thursday | X", "Tell me the day and time"),
        ("schedule every thursday 17:00 Mars/Olympus | X", "don't know the time zone “Mars/Olympus”"),
        ("schedule every thursday 17:00 5 | X", "couldn't read the length “5”"),
        ("schedule every thursday 17:00 Office hours", "needs a title after a `|`"),
        ("skip", "Say which session to skip"),
        ("skip next-week", "Say which session to skip"),
        ("skip 99", "There's no live session #99"),
        ("skip 2026-12-01", "No weekly series meets on 2026-12-01"),
        ("series cancel", "Say which series to call off"),
        ("series cancel 7", "There's no weekly series “7”"),
        ("series pause 1", "Say which series to call off"),
    ],
)
async def test_bad_input_gets_a_friendly_error_and_changes_nothing(
    app: App, memory: MemoryPlatform, args: str, expected: str
) -> None:
    reply = await memory.command("creator", "live", args)
    assert expected in reply.texts[0]
    assert await count(app, LiveSeries) == 0 and await count(app, LiveSession) == 0


async def test_a_second_series_at_the_same_time_is_refused(app: App, memory: MemoryPlatform) -> None:
    await start_series(memory, app)
    reply = await start_series(memory, app, "every thu 17:00 | Another")
    assert reply.startswith("Weekly series #1 *Office hours* already meets at that time.")
    assert await count(app, LiveSeries) == 1


async def test_skipping_a_one_off_session_points_to_cancel(app: App, memory: MemoryPlatform) -> None:
    await memory.command("creator", "live", "schedule 2026-12-03 17:00 | One-off")
    reply = await memory.command("creator", "live", "skip 1")
    assert "isn't part of a weekly series" in reply.texts[0] and "`/live cancel 1`" in reply.texts[0]


async def test_members_cannot_start_or_stop_a_series(app: App, memory: MemoryPlatform) -> None:
    for args in (f"schedule {WEEKLY}", "series", "skip 1", "series cancel 1"):
        reply = await memory.command("u1", "live", args)
        assert reply.texts[0].startswith("Sorry, `/live")
    assert await count(app, LiveSeries) == 0


async def test_the_lists_rsvp_buttons_tell_a_series_weeks_apart(app: App, memory: MemoryPlatform) -> None:
    """Found as an outsider: `/live` showed four "RSVP: Office hours" buttons, alike."""
    await start_series(memory, app)
    await become_member(memory, "u1", "Dana")
    listed = (await memory.command("u1", "live")).replies[0][0]
    labels = [b.label for block in listed.blocks for b in getattr(block, "buttons", ())]
    made = await occurrences(app)
    assert labels == [f"RSVP #{s.id}: Office hours" for s in made]


async def test_a_newcomers_welcome_names_a_drop_that_will_be_posted(
    app: App, memory: MemoryPlatform, clock: FakeClock
) -> None:
    """Found as an outsider: while a series ran, the welcome's "Your first drop arrives …" named a
    queued live drop that the series replaces and that is never posted."""
    await start_series(memory, app)
    clock.set(THURSDAYS[1] - timedelta(days=1))  # Wednesday evening: next comes Thursday's queued live drop
    from storage.models import ContentItem

    queued = sorted(
        (i for i in await rows(app, ContentItem) if i.published_at is None and i.publish_at > clock.now()),
        key=lambda i: i.publish_at,
    )
    assert queued[0].kind == "live"  # what the welcome used to name
    [first] = await app.services.content.upcoming(1)
    assert first.kind != "live" and first.publish_at is not None
    await memory.join("u9", "Noor")
    await app.settle()
    [welcome] = [m for m in memory.dms_to("u9") if "Your first drop arrives" in text_of(m)]
    t = app.services.catalog.for_locale("en")
    assert f"Your first drop arrives {local_time(first.publish_at, ZoneInfo('Europe/Oslo'), t)}." in text_of(welcome)
