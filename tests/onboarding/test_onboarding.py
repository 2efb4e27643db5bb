"""Onboarding: intake → level and start path; quick win; drip steps on time, with conditions, once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.app import App
from bot.clock import FakeClock
from bot.platforms.memory import MemoryPlatform
from storage.models import LiveSession, Member, MemberPreferences, OnboardingProgress, Rsvp
from tests.kits.members import become_member, member_id

OSLO = ZoneInfo("Europe/Oslo")
GOOD = {
    "why": "I want more clients",
    "goal": "Three new clients by March",
    "level": "2",
    "format": "video",
    "time_of_day": "morning",
    "drops": "dm-weekly",
    "timezone": "America/New_York",
}


def headers(messages) -> list[str]:  # type: ignore[no-untyped-def]
    return [m.blocks[0].text for m in messages]


async def run_hours(app: App, hours: int) -> None:
    for _ in range(hours):
        await app.advance_time(timedelta(hours=1))


async def test_intake_from_the_welcome_button_sets_level_and_shows_the_path(app: App, memory: MemoryPlatform) -> None:
    await memory.join("u1", "Dana")
    await app.settle()
    [welcome] = memory.dms_to("u1")
    assert welcome.choices()[0].action_id == "onboard.intake"  # type: ignore[union-attr]

    opened = await memory.click("u1", "onboard.intake")
    [form] = opened.forms
    assert [f.name for f in form.fields] == ["why", "goal", "level", "format", "time_of_day", "drops", "timezone"]
    assert [o.value for o in form.fields[2].options] == ["1", "2", "3", "4", "5"]

    done = await memory.submit("u1", "onboard.intake", GOOD)
    assert done.texts[0] == "Thank you! I've set you up for level 2. Here's where to start:"
    path = done.replies[1][0].blocks[1].text
    # In the zone just answered (America/New_York): 09:00 in Oslo is 03:00 there.
    assert "Find your one customer" in path and "arrives Mon 23 Nov, 03:00 EST" in path

    async with app.database.session() as session:
        member = await session.scalar(select(Member).where(Member.display_name == "Dana"))
        prefs = await session.get(MemberPreferences, member.id)
    assert (member.level, member.timezone, member.segments) == (2, "America/New_York", ["format:video", "level:2"])
    assert (prefs.delivery, prefs.digest, prefs.time_of_day.hour) == ("dm", "weekly", 8)
    assert prefs.answers["goal"] == "Three new clients by March"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"level": "7"}, "Please pick a level from 1 to 5."),
        ({"why": "  "}, "Please answer the question “Why did you join?”"),
        ({"timezone": "Mars/Base"}, "I don't know the time zone “Mars/Base”"),
        (
            {"drops": "carrier-pigeon"},
            "Please pick one of the offered answers for “How would you like the weekly drops?”",
        ),
        ({"goal": "x" * 501}, "Your answer to “What do you want to achieve in the next 3 months?” is a bit long"),
    ],
)
async def test_bad_intake_answers_explain_and_change_nothing(
    app: App, memory: MemoryPlatform, change: dict[str, str], message: str
) -> None:
    reply = await memory.submit("u1", "onboard.intake", {**GOOD, **change})
    assert message in reply.texts[0]
    async with app.database.session() as session:
        member = await session.scalar(select(Member).where(Member.role == "member"))
        prefs = await session.get(MemberPreferences, member.id)
    assert member.level is None and prefs.intake_done_at is None


async def test_start_asks_the_questions_first_then_shows_the_path(app: App, memory: MemoryPlatform) -> None:
    assert (await memory.command("u1", "start")).forms[0].form_id == "onboard.intake"
    await memory.submit("u1", "onboard.intake", {**GOOD, "level": "5"})
    again = await memory.command("u1", "start")
    assert again.forms == [] and "The niche paradox" in again.replies[0][0].blocks[1].text


async def test_quick_win_arrives_within_the_first_day(app: App, memory: MemoryPlatform) -> None:
    await become_member(memory, "u1", "Dana")  # Friday 13:00 Oslo
    await run_hours(app, 1)
    assert "Your first quick win, Dana" not in headers(memory.dms_to("u1"))
    await run_hours(app, 1)
    assert headers(memory.dms_to("u1")).count("Your first quick win, Dana") == 1


async def test_drip_follows_days_skips_done_steps_and_sends_each_once(
    app: App, memory: MemoryPlatform, clock: FakeClock
) -> None:
    await become_member(memory, "u1", "Dana")
    await memory.post("u1", "Hi all, I'm Dana!")  # she introduced herself: no "introduce yourself" step
    async with app.database.session() as session:  # and she has already booked a live session
        live = LiveSession(
            community_id=app.services.community.id,
            title="Q&A",
            starts_at=clock.now() + timedelta(days=9),
            created_at=clock.now(),
        )
        session.add(live)
        await session.flush()
        member = await session.scalar(select(Member).where(Member.role == "member"))
        session.add(Rsvp(session_id=live.id, member_id=member.id, created_at=clock.now()))
    for _ in range(15):
        await app.advance_time(timedelta(days=1))
        await app.tick()  # a second run of every job changes nothing

    titles = {step.title for step in app.services.community.config.onboarding.steps}
    steps = [h for h in headers(memory.dms_to("u1")) if h in titles]
    assert steps == [
        "Welcome to Strategy Club",
        "How was your first week?",
        "A quick tour of the library",
        "Two weeks in: a little check-in",
    ]
    async with app.database.session() as session:
        outcomes = dict((await session.execute(select(OnboardingProgress.step_id, OnboardingProgress.outcome))).all())
    assert outcomes["introduce-yourself"] == "skipped" and outcomes["first-live"] == "skipped"


async def test_a_question_to_the_bot_in_private_does_not_skip_saying_hello(app: App, memory: MemoryPlatform) -> None:
    await become_member(memory, "u1", "Dana")
    await memory.post("u1", "how do I pause my membership?", channel="D-u1")  # a DM, not a hello to the club
    await run_hours(app, 26)
    assert "Say hello to the club" in headers(memory.dms_to("u1"))


async def test_steps_arrive_at_the_preferred_time_in_the_members_zone(
    app: App, memory: MemoryPlatform, clock: FakeClock
) -> None:
    await become_member(memory, "u1", "Dana")
    await memory.submit("u1", "onboard.intake", GOOD)  # mornings, New York
    await run_hours(app, 24)  # day-1 "say hello" is due Saturday 12:00 UTC = 07:00 in New York
    assert "Say hello to the club" not in headers(memory.dms_to("u1"))
    await run_hours(app, 1)  # 08:00 in New York = 13:00 UTC
    delivered = [
        d for d in memory.sent if d.target.user_id == "u1" and d.message.blocks[0].text == "Say hello to the club"
    ]  # type: ignore[attr-defined]
    assert len(delivered) == 1
    async with app.database.session() as session:
        from storage.repositories import outbox

        row = await outbox.by_key(session, f"onboard:introduce-yourself:member:{await member_id(app, 'u1')}")
    assert row.next_attempt_at.astimezone(ZoneInfo("America/New_York")).strftime("%a %H:%M") == "Sat 08:00"


async def test_nothing_arrives_in_quiet_hours(app: App, memory: MemoryPlatform, clock: FakeClock) -> None:
    clock.set(datetime(2026, 11, 20, 20, 30, tzinfo=UTC))  # 21:30 in Oslo: quiet hours
    await become_member(memory, "u1", "Dana")
    await app.settle()  # the welcome answers the join itself, so it goes at once
    await run_hours(app, 12)
    async with app.database.session() as session:
        from storage.repositories import outbox

        quick = await outbox.by_key(session, f"onboard:quick-win:member:{await member_id(app, 'u1')}")
    # no preferred time: the quick win goes when quiet hours end (one who chose a time gets it an
    # hour after the welcome, tests/onboarding/test_drip_spacing.py)
    assert quick.next_attempt_at.astimezone(OSLO).strftime("%H:%M") == "08:00"
    assert quick.status == "sent"


async def test_editing_the_sequence_never_resends_and_never_backfills(
    app: App, memory: MemoryPlatform, clock: FakeClock, community_path: Path, tmp_path: Path
) -> None:
    import shutil

    from bot.community.loader import load_community
    from bot.services.community import CommunityContext
    from bot.services.importer import import_community

    await become_member(memory, "u1", "Dana")
    await run_hours(app, 2)
    assert "Welcome to Strategy Club" in headers(memory.dms_to("u1"))
    clock.advance(timedelta(days=20))
    await app.tick()

    edited = tmp_path / "edited"
    shutil.copytree(community_path, edited)
    toml = edited / "community.toml"
    toml.write_text(
        toml.read_text().replace('title = "Welcome to Strategy Club"', 'title = "Welcome aboard!"')
        + '\n[[onboarding.steps]]\nid = "new-day-2"\nday = 2\ntitle = "New step"\nbody = "Hi {name}"\n'
    )
    await import_community(app.database, load_community(edited), clock.now())
    app.services.onboarding._community = await CommunityContext.load(app.database)  # what a restart does
    sent_before = len(memory.dms_to("u1"))
    await app.tick()
    assert len(memory.dms_to("u1")) == sent_before  # no resend of the renamed step, no day-2 step 20 days late


async def test_the_drip_is_worded_in_the_members_language(app: App, memory: MemoryPlatform) -> None:
    await become_member(memory, "u1", "Dana Berg")
    await memory.command("u1", "prefs", "language nb")
    await run_hours(app, 2)
    dms = memory.dms_to("u1")
    assert "Din første lille seier, Dana" in headers(dms)  # the quick win, in her language, with her first name
    [step] = [
        m for m in dms if m.blocks[0].text == "Welcome to Strategy Club"
    ]  # the creator's own words stay as written
    assert [b.label for b in step.blocks[2].buttons] == ["Utforsk biblioteket", "Dette kommer snart"]  # type: ignore[union-attr]
