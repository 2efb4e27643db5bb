"""/announce: segments, time parsing, preview before anything is sent, send now, scheduled once, cancel."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from bot.app import App
from bot.clock import FakeClock
from bot.messages import Buttons, Fields, OutboundMessage
from bot.platforms.memory import MemoryPlatform
from bot.services.announcements.segments import Segment, parse_delay, parse_request, parse_segment, parse_when
from bot.services.errors import UserError
from storage.models import Announcement, Member, Membership, OutboxMessage, Tier
from storage.repositories import members
from tests.conftest import START

OSLO = ZoneInfo("Europe/Oslo")
TIERS = ["member", "inner-circle"]


def words(message: OutboundMessage) -> str:
    """Everything a person can read in a message, blocks included."""
    parts = [message.text]
    for block in message.blocks:
        if isinstance(block, Fields):
            parts += [f"{k}: {v}" for k, v in block.items]
        elif isinstance(block, Buttons):
            parts += [b.label for b in block.buttons]
        else:
            parts.append(getattr(block, "text", ""))
    return "\n".join(parts)


def announced(memory: MemoryPlatform) -> list[tuple[str, str]]:
    """(recipient, text) of every announcement delivered; other features' messages are ignored."""
    return [
        (d.target.user_id or f"#{d.target.channel}", d.message.text)
        for d in memory.sent
        if any("📣" in getattr(b, "text", "") for b in d.message.blocks)
    ]


def actions(message: OutboundMessage) -> list[str]:
    return [c.action_id for c in message.choices()]  # type: ignore[union-attr]


async def add_member(
    app: App,
    memory: MemoryPlatform,
    user: str,
    name: str,
    *,
    level: int | None = None,
    tier: str | None = "member",
    founding: bool = False,
    idle_days: int | None = None,
    left: bool = False,
) -> int:
    """A member in a given state (`tier=None`: arrived, never joined); their welcome is delivered and forgotten."""
    await memory.join(user, name)
    await app.settle()
    memory.sent.clear()
    now = app.clock.now()
    async with app.database.session() as session:
        member = await members.by_identity(session, "memory", "W1", user)
        assert member is not None
        member.level = level
        if tier:
            tier_id = await session.scalar(select(Tier.id).where(Tier.key == tier))
            session.add(
                Membership(member_id=member.id, tier_id=tier_id, status="active", founding=founding, started_at=now)
            )
        if idle_days is not None:
            member.last_active_at = now - timedelta(days=idle_days)
        if left:
            member.left_at = now
        return member.id


async def announcements(app: App) -> list[Announcement]:
    async with app.database.session() as session:
        return list((await session.scalars(select(Announcement).order_by(Announcement.id))).all())


async def outbox_count(app: App, like: str = "%") -> int:
    async with app.database.session() as session:
        query = select(func.count()).select_from(OutboxMessage).where(OutboxMessage.dedupe_key.like(like))
        return await session.scalar(query) or 0


@pytest.fixture
async def club(app: App, memory: MemoryPlatform) -> dict[str, int]:
    """Five people in different segments, plus the creator and a moderator."""
    await memory.command("creator", "help")
    await memory.command("mod", "help")
    ids = {
        "ana": await add_member(app, memory, "ana", "Ana", level=3, tier="member"),
        "ben": await add_member(app, memory, "ben", "Ben", level=3, idle_days=20),
        "cy": await add_member(app, memory, "cy", "Cy", level=5, tier="inner-circle", founding=True),
        "dee": await add_member(app, memory, "dee", "Dee", level=3, tier="member", left=True),
        "eli": await add_member(app, memory, "eli", "Eli", idle_days=13),
        "fay": await add_member(app, memory, "fay", "Fay", level=3, idle_days=20, tier=None),  # never joined
    }
    return ids


# -- parsing ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("", "all"),
        ("all", "all"),
        ("Level 3", "level:3"),
        ("level:3", "level:3"),
        ("level3", "level:3"),
        ("tier:inner-circle", "tier:inner-circle"),
        ("tier member", "tier:member"),
        ("inactive", "inactive"),
        ("FOUNDING", "founding"),
    ],
)
def test_segments_parse_to_a_canonical_form(raw: str, expected: str) -> None:
    assert str(parse_segment(raw, TIERS)) == expected
    assert Segment.stored(expected) == parse_segment(raw, TIERS)


@pytest.mark.parametrize(
    ("raw", "key"),
    [("level 9", "level"), ("level:x", "level"), ("tier:gold", "tier"), ("vips", "segment"), ("inactive 3", "segment")],
)
def test_bad_segments_name_the_problem(raw: str, key: str) -> None:
    with pytest.raises(UserError) as caught:
        parse_segment(raw, TIERS)
    assert caught.value.key == f"announce.errors.{key}"


@pytest.mark.parametrize(
    ("raw", "expected_utc"),
    [
        ("17:30", datetime(2026, 11, 20, 16, 30)),  # later today, Oslo time (CET)
        ("10:00", datetime(2026, 11, 21, 9, 0)),  # already past today: tomorrow
        ("5pm", datetime(2026, 11, 20, 16, 0)),
        ("tomorrow 9am", datetime(2026, 11, 21, 8, 0)),
        ("tomorrow", datetime(2026, 11, 21, 8, 0)),  # a day alone means 09:00
        ("mon 09:00", datetime(2026, 11, 23, 8, 0)),
        ("Friday 09:00", datetime(2026, 11, 27, 8, 0)),  # today's 09:00 has passed: next week
        ("fri 17:00", datetime(2026, 11, 20, 16, 0)),
        # Found as an outsider: a Norwegian community's "fre 17:30" was "I couldn't read the time".
        ("fre 17:30", datetime(2026, 11, 20, 16, 30)),
        ("fre. 17:30", datetime(2026, 11, 20, 16, 30)),
        ("Mandag 9", datetime(2026, 11, 23, 8, 0)),
        ("lørdag 10:00", datetime(2026, 11, 21, 9, 0)),
        ("vrijdag 17:00", datetime(2026, 11, 20, 16, 0)),
        ("周一 09:00", datetime(2026, 11, 23, 8, 0)),
        ("thurs 09:00", datetime(2026, 11, 26, 8, 0)),
        ("2026-12-01 09:00", datetime(2026, 12, 1, 8, 0)),
        ("2026-12-01T09:15", datetime(2026, 12, 1, 8, 15)),
        ("2027-06-01 09:00", datetime(2027, 6, 1, 7, 0)),  # summer time
    ],
)
def test_times_are_read_in_the_community_zone(raw: str, expected_utc: datetime) -> None:
    assert parse_when(raw, START, OSLO) == expected_utc.replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("raw", "delta"),
    [
        ("2h", timedelta(hours=2)),
        ("90 minutes", timedelta(minutes=90)),
        ("1h30m", timedelta(minutes=90)),
        ("3 days", timedelta(days=3)),
    ],
)
def test_delays(raw: str, delta: timedelta) -> None:
    assert parse_delay(raw, START) == START + delta


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("yesterday", "when"),
        ("do 09:00", "when"),  # a two-letter abbreviation reads as another word: not a weekday
        ("25:00", "when"),
        ("13pm", "when"),
        ("2026-02-30 09:00", "when"),
        ("2020-01-01 09:00", "past"),
        ("today 08:00", "past"),
        ("2028-01-01", "too_far"),
    ],
)
def test_bad_times_are_friendly_errors(raw: str, key: str) -> None:
    with pytest.raises(UserError) as caught:
        parse_when(raw, START, OSLO)
    assert caught.value.key == f"announce.errors.{key}"


def test_the_announce_line() -> None:
    request = parse_request("level 3 at tomorrow 9am | Hi level 3!", START, OSLO, TIERS)
    assert (str(request.segment), request.text) == ("level:3", "Hi level 3!")
    assert request.send_at == datetime(2026, 11, 21, 8, 0, tzinfo=UTC)
    now = parse_request(" | Hello | with a bar", START, OSLO, TIERS)
    assert (str(now.segment), now.text, now.send_at) == ("all", "Hello | with a bar", None)
    assert parse_request("founding in 2h | x", START, OSLO, TIERS).send_at == START + timedelta(hours=2)
    for bad, key in (
        ("hello everyone", "usage"),
        ("founding |  ", "empty"),
        ("all at | x", "when"),
        ("all | " + "x" * 3001, "too_long"),
    ):
        with pytest.raises(UserError) as caught:
            parse_request(bad, START, OSLO, TIERS)
        assert caught.value.key == f"announce.errors.{key}"


# -- segments in the database ------------------------------------------------------------------


async def test_recipient_counts_per_segment(app: App, club: dict[str, int]) -> None:
    service = app.services.announcements
    counts = {}
    for segment in ("all", "level:3", "level:5", "tier:member", "tier:inner-circle", "inactive", "founding"):
        preview = await service.draft(club["ana"], service.parse(f"{segment} | hi"))
        counts[segment] = preview.recipients
    # current members but the creator and whoever left: ana ben cy eli + the moderator (fay never joined)
    assert counts == {
        "all": 5,
        "level:3": 2,  # ana, ben (dee left; fay is no member)
        "level:5": 1,
        "tier:member": 3,  # ana, ben, eli (dee left)
        "tier:inner-circle": 1,
        "inactive": 1,  # ben: 20 days; eli's 13 days do not count yet; fay is no member
        "founding": 1,
    }


async def test_an_ended_founding_membership_no_longer_counts(app: App, club: dict[str, int]) -> None:
    async with app.database.session() as session:
        membership = await session.scalar(select(Membership).where(Membership.member_id == club["cy"]))
        membership.status = "canceled"
    preview = await app.services.announcements.draft(club["ana"], app.services.announcements.parse("founding | hi"))
    assert preview.recipients == 0


# -- the flow ----------------------------------------------------------------------------------


async def test_preview_first_then_send_to_the_segment_by_dm(
    app: App, memory: MemoryPlatform, club: dict[str, int]
) -> None:
    reply = await memory.command("creator", "announce", "level:3 | New worksheet for level 3 is up!")
    [(preview, ephemeral)] = reply.replies
    assert ephemeral
    shown = words(preview)
    assert "New worksheet for level 3 is up!" in shown and "Maya Lindqvist" in shown  # the message as sent
    assert "Audience: Level 3 members" in shown and "Reaches: 2 members, by DM" in shown
    [item] = await announcements(app)
    assert item.status == "draft"
    assert actions(preview) == [f"announce.send:{item.id}", f"announce.cancel:{item.id}"]

    await app.settle()
    assert memory.sent == [] and await outbox_count(app, "announce:%") == 0  # nothing before the creator confirms

    confirm = await memory.click("creator", f"announce.send:{item.id}")
    assert confirm.texts == ["Sent! Your announcement is on its way to 2 members."]
    await app.settle()
    assert sorted(announced(memory)) == [
        ("ana", "New worksheet for level 3 is up!"),
        ("ben", "New worksheet for level 3 is up!"),
    ]

    again = await memory.click("creator", f"announce.send:{item.id}")  # a double click
    assert "already been sent" in again.texts[0]
    await app.settle()
    assert len(announced(memory)) == 2
    [item] = await announcements(app)
    assert (item.status, item.sent_at) == ("sent", START)


async def test_all_is_posted_in_the_announcements_channel_not_dmed(
    app: App, memory: MemoryPlatform, club: dict[str, int]
) -> None:
    reply = await memory.command("creator", "announce", "| Doors open for the spring cohort!")
    assert "Reaches: #announcements (5 members)" in words(reply.replies[0][0])
    [item] = await announcements(app)
    await memory.click("creator", f"announce.send:{item.id}")
    await app.settle()
    assert announced(memory) == [("#announcements", "Doors open for the spring cohort!")]


async def test_scheduled_announcement_goes_out_once_when_due(
    app: App, memory: MemoryPlatform, clock: FakeClock, club: dict[str, int]
) -> None:
    reply = await memory.command("creator", "announce", "founding at tomorrow 9am | Founders' call moves to 10:00")
    [item] = await announcements(app)
    shown = words(reply.replies[0][0])
    assert "When: Sat 21 Nov, 09:00 CET" in shown
    assert actions(reply.replies[0][0]) == [
        f"announce.schedule:{item.id}",
        f"announce.send:{item.id}",
        f"announce.cancel:{item.id}",
    ]
    scheduled = await memory.click("creator", f"announce.schedule:{item.id}")
    assert scheduled.texts == [
        f"Scheduled: announcement #{item.id} goes out Sat 21 Nov, 09:00 CET. Type `/announce list` to see or cancel it."
    ]

    await app.advance_time(timedelta(hours=19, minutes=59))  # Sat 08:59 Oslo
    assert announced(memory) == []
    await app.advance_time(timedelta(minutes=1))
    await app.tick()
    await app.advance_time(timedelta(hours=1))
    assert announced(memory) == [("cy", "Founders' call moves to 10:00")]
    [item] = await announcements(app)
    assert item.status == "sent"


async def test_a_restarted_bot_sends_an_overdue_announcement_once(
    app: App, memory: MemoryPlatform, clock: FakeClock, club: dict[str, int]
) -> None:
    await memory.command("creator", "announce", "level:5 in 1h | Level 5 mastermind tonight")
    [item] = await announcements(app)
    await memory.click("creator", f"announce.schedule:{item.id}")
    clock.advance(timedelta(days=2))  # the bot was down when it was due
    await app.tick()
    await app.tick()
    assert announced(memory) == [("cy", "Level 5 mastermind tonight")]


async def test_cancel_from_the_preview_and_from_the_list(
    app: App, memory: MemoryPlatform, clock: FakeClock, club: dict[str, int]
) -> None:
    await memory.command("creator", "announce", "inactive | We miss you!")
    await memory.command("creator", "announce", "level:3 at mon 09:00 | Week plan")
    first, second = await announcements(app)
    canceled = await memory.click("creator", f"announce.cancel:{first.id}")
    assert canceled.texts == [f"Announcement #{first.id} is canceled. Nothing was sent."]
    late = await memory.click("creator", f"announce.send:{first.id}")
    assert "was canceled" in late.texts[0]

    await memory.click("creator", f"announce.schedule:{second.id}")
    listed = await memory.command("creator", "announce", "list")
    assert "Week plan" in words(listed.replies[0][0])
    assert f"announce.cancel:{second.id}" in actions(listed.replies[0][0])
    await memory.command("creator", "announce", f"cancel {second.id}")

    clock.advance(timedelta(days=4))
    await app.tick()
    assert announced(memory) == []
    assert [a.status for a in await announcements(app)] == ["canceled", "canceled"]
    listed = await memory.command("creator", "announce", "list")
    assert "No announcements yet" in words(listed.replies[0][0])


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ("hello everyone", "Write it like this"),
        ("level:9 | hi", "Levels go from 1 to 5"),
        ("tier:gold | hi", "There is no tier “gold”. The tiers are: member, inner-circle."),
        ("all at yesterday | hi", "I couldn't read the time “yesterday”"),
        ("all at 2020-01-01 10:00 | hi", "already in the past"),
        ("cancel x", "Tell me which one"),
        ("cancel 99", "I can't find announcement #99."),
    ],
)
async def test_bad_syntax_is_a_friendly_error_and_creates_nothing(
    app: App, memory: MemoryPlatform, args: str, expected: str
) -> None:
    reply = await memory.command("creator", "announce", args)
    assert expected in reply.texts[0]
    assert await announcements(app) == []
    assert await outbox_count(app) == 0


async def test_the_form_gives_the_same_preview(app: App, memory: MemoryPlatform, club: dict[str, int]) -> None:
    reply = await memory.command("creator", "announce")
    [form] = reply.forms
    assert [f.name for f in form.fields] == ["segment", "when", "text"]
    assert "tier:inner-circle" in [o.value for o in form.fields[0].options]
    submitted = await memory.submit("creator", form.form_id, {"segment": "level:3", "when": "in 2h", "text": "Hi!"})
    assert "Reaches: 2 members, by DM" in words(submitted.replies[0][0])
    [item] = await announcements(app)
    assert (item.segment, item.send_at) == ("level:3", START + timedelta(hours=2))
    bad = await memory.submit("creator", form.form_id, {"segment": "all", "when": "someday", "text": "Hi"})
    assert "couldn't read the time" in bad.texts[0]


async def test_members_and_moderators_cannot_confirm_or_compose(
    app: App, memory: MemoryPlatform, club: dict[str, int]
) -> None:
    await memory.command("creator", "announce", "level:3 | Hello")
    [item] = await announcements(app)
    for user in ("ana", "mod"):
        for action in (
            f"announce.send:{item.id}",
            f"announce.schedule:{item.id}",
            f"announce.cancel:{item.id}",
            "announce.list",
        ):
            reply = await memory.click(user, action)
            assert reply.texts == ["Sorry, /announce is for the creator and moderators only."]
        forged = await memory.submit(user, "announce.compose", {"segment": "all", "when": "", "text": "spam"})
        assert forged.texts == ["Sorry, /announce is for the creator and moderators only."]
    await app.settle()
    assert announced(memory) == []
    assert [a.status for a in await announcements(app)] == ["draft"]


async def test_an_unknown_member_locale_falls_back_to_the_community_words(app: App, club: dict[str, int]) -> None:
    async with app.database.session() as session:
        ben = await session.get(Member, club["ben"])
        ben.locale = "xx"  # no such catalog: falls back to the community's words
    preview = await app.services.announcements.draft(club["ana"], app.services.announcements.parse("level:3 | hi"))
    assert (await app.services.announcements.send_now(preview.announcement.id)).queued == 2
