"""Live sessions are for members: the RSVP, questions in advance, the join link, calendar files,
reminders and the recording.

Someone who never joined, or whose membership ended, is told how to join and nothing changes.
Reminders and the recording look again at the moment they are sent, so a member removed between
their RSVP and the reminder gets nothing more, and the creator's counts leave them out.
"""

from __future__ import annotations

from datetime import timedelta

from bot.app import App
from bot.clock import FakeClock
from bot.platforms.memory import MemoryPlatform
from storage.models import LiveQuestion, Rsvp
from storage.repositories import live as repo
from tests.kits.members import member_id
from tests.live.test_live import SUNDAY, SUNDAY_START, count, members, run_jobs_at, schedule, text_of

SECRET = "https://meet.example/secret-room"
SESSION = f"2026-11-22 17:00 Europe/Oslo 60 {SECRET} | Hot seats"
REMINDERS = ("Tomorrow", "In 1 hour", "Starting now")
FOR_MEMBERS = (
    "Live sessions are for members: the RSVP, the join link, reminders and the recording. "
    "Type `/join` to become a member (or to come back), and you're welcome to join in."
)


def everything_to(memory: MemoryPlatform, user: str) -> str:
    """All DMs to `user`, blocks and button links included."""
    parts = []
    for message in memory.dms_to(user):
        parts.append(text_of(message))
        for block in message.blocks:
            parts += [str(getattr(b, "url", "")) for b in getattr(block, "buttons", ())]
    return "\n".join(parts)


def readable(reply: object) -> str:
    """A reply's text, blocks and button links."""
    parts = []
    for message, _ in reply.replies:  # type: ignore[attr-defined]
        parts.append(text_of(message))
        for block in message.blocks:
            parts += [str(getattr(b, "url", "")) for b in getattr(block, "buttons", ())]
    return "\n".join(parts)


async def test_someone_who_never_joined_is_told_how_and_gets_no_link(app: App, memory: MemoryPlatform) -> None:
    await schedule(memory, app, SESSION)
    await memory.join("bea", "Bea")  # arrived in the workspace, never joined

    for reply in (
        await memory.command("bea", "live", "rsvp 1"),
        await memory.click("bea", "qa.rsvp:1"),
        await memory.command("bea", "live", "ask 1 non-member question"),
        await memory.command("bea", "live", "ask a question for the next one"),
    ):
        assert reply.texts == [FOR_MEMBERS]
        assert SECRET not in readable(reply)
    assert await count(app, Rsvp) == 0
    assert await count(app, LiveQuestion) == 0

    calendar = await memory.click("bea", "qa.ics:1")  # the date is public; the link is not
    [(file, _), _] = calendar.replies  # the file, then the web calendar links
    assert file.attachment is not None and b"BEGIN:VEVENT" in file.attachment.data
    assert b"secret-room" not in file.attachment.data and "secret-room" not in readable(calendar)
    member_calendar = await memory.click("creator", "qa.ics:1")
    assert member_calendar.replies[0][0].attachment is not None
    assert b"secret-room" in member_calendar.replies[0][0].attachment.data

    here = await memory.click("bea", "qa.here:1")  # "I'm here" answers with the link
    assert here.texts == [FOR_MEMBERS] and SECRET not in readable(here)
    await app.settle()
    assert SECRET not in everything_to(memory, "bea")


async def test_a_removed_member_gets_no_reminders_no_link_and_no_recording(
    app: App, memory: MemoryPlatform, clock: FakeClock
) -> None:
    await members(memory, "alex", "max")
    await schedule(memory, app, SESSION)
    for user in ("alex", "max"):
        rsvp = await memory.command(user, "live", "rsvp 1")
        assert SECRET in readable(rsvp)  # a member gets the link
    removed = await memory.command("creator", "member", "remove @alex")
    assert "membership has ended" in removed.texts[0]

    refused = await memory.command("alex", "live", "ask 1 still here?")
    assert refused.texts == [FOR_MEMBERS]
    here_too_late = await memory.click("alex", "qa.rsvp:1")
    assert here_too_late.texts == [FOR_MEMBERS]

    for when in (
        SUNDAY_START - timedelta(hours=24),
        SUNDAY_START - timedelta(hours=1),
        SUNDAY_START,
        SUNDAY_START + timedelta(minutes=5),
    ):
        await run_jobs_at(app, clock, when)
    headers = [m.text for m in memory.dms_to("max") if "Hot seats" in m.text]
    assert headers == ["Tomorrow: Hot seats", "In 1 hour: Hot seats", "Starting now: Hot seats"]
    assert SECRET in everything_to(memory, "max")
    assert [m.text for m in memory.dms_to("alex") if m.text.startswith(REMINDERS)] == []
    assert SECRET not in everything_to(memory, "alex")

    [digest] = [m for m in memory.dms_to("creator") if m.blocks and "Questions for" in text_of(m)]
    assert "with 1 RSVP" in text_of(digest)  # max only

    clock.set(SUNDAY_START + timedelta(hours=2))
    reply = await memory.command("creator", "live", "recording 1 https://videos.example/members-only Recording")
    assert reply.texts == [
        "Added the recording of *Hot seats* to the library. "
        "I sent it to 0 members who came and 1 member who RSVP'd but missed it."
    ]
    await app.settle()
    assert "videos.example/members-only" in everything_to(memory, "max")
    assert "videos.example/members-only" not in everything_to(memory, "alex")


async def test_an_rsvp_from_before_is_passed_over_and_the_counts_leave_it_out(
    app: App, memory: MemoryPlatform, clock: FakeClock
) -> None:
    """An RSVP saved before this check existed (someone who never joined) gets nothing, and the
    creator's "told N" and the members' list count only members."""
    await members(memory, "max")
    await schedule(memory, app, SUNDAY)
    await memory.command("max", "live", "rsvp 1")
    await memory.join("bea", "Bea")
    await memory.command("bea", "live")  # known to the bot
    async with app.database.session() as session:
        await repo.add_rsvp(session, 1, await member_id(app, "bea"), clock.now())

    listing = text_of((await memory.command("max", "live")).replies[0][0])
    assert "1 RSVP" in listing
    # Found as an outsider: someone whose RSVP doesn't count was still told "✓ you're going".
    theirs = (await memory.command("bea", "live")).replies[0][0]
    assert "Sunday hot seats" in text_of(theirs) and "you're going" not in text_of(theirs)
    # Found as an outsider: the list offered her an "RSVP #1" button that then refused; it says how to join.
    assert [c.action_id for c in theirs.choices()] == [] and FOR_MEMBERS in text_of(theirs)
    await run_jobs_at(app, clock, SUNDAY_START - timedelta(hours=24))
    assert [m.text for m in memory.dms_to("max") if "Sunday hot seats" in m.text] == ["Tomorrow: Sunday hot seats"]
    assert [m for m in memory.dms_to("bea") if "Sunday hot seats" in text_of(m)] == []

    canceled = await memory.command("creator", "live", "cancel 1")
    assert canceled.texts == ["Cancelled #1 *Sunday hot seats*. I told 1 member who had RSVP'd."]


async def test_attendance_counts_the_rsvps_the_list_counts(app: App, memory: MemoryPlatform, clock: FakeClock) -> None:
    """Found as an outsider: after Bea left, `/live` said "1 RSVP" and `/live attend` "0 of 2 came · Bea"."""
    await members(memory, "max", "bea", "cy")
    await schedule(memory, app, SUNDAY)
    for user in ("max", "bea", "cy"):
        await memory.command(user, "live", "rsvp 1")
    await memory.command("cy", "leave")
    await memory.click("cy", "membership.leave")
    await memory.command("bea", "leave")
    await memory.click("bea", "membership.leave")
    clock.advance(SUNDAY_START - clock.now())
    await memory.click("bea", "qa.here:1")  # refused: not a member
    await memory.command("creator", "live", "attend 1 @cy")  # but the creator saw Cy there
    came = text_of((await memory.command("creator", "live", "attend 1")).replies[0][0])
    assert "1 of 2 came" in came and "Bea" not in came and "Cy" in came


async def test_coming_back_before_the_reminder_counts(app: App, memory: MemoryPlatform, clock: FakeClock) -> None:
    """Membership is looked at when the reminder is sent, not when the seat was saved."""
    await members(memory, "alex")
    await schedule(memory, app, SUNDAY)
    await memory.command("alex", "live", "rsvp 1")
    await memory.command("creator", "member", "remove @alex")
    await run_jobs_at(app, clock, SUNDAY_START - timedelta(hours=24))
    assert [m for m in memory.dms_to("alex") if m.text.startswith(REMINDERS)] == []

    back = await memory.command("alex", "join")
    assert back.texts, "rejoining answers"
    await run_jobs_at(app, clock, SUNDAY_START - timedelta(hours=1))
    assert [m.text for m in memory.dms_to("alex") if "Sunday hot seats" in m.text] == ["In 1 hour: Sunday hot seats"]
