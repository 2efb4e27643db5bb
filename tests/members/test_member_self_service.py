"""/me and /prefs: a member sees their membership and changes how and when they hear from the bot."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.app import App
from bot.platforms.memory import MemoryPlatform
from storage.models import Member, MemberPreferences, Membership


async def prefs_of(app: App) -> tuple[Member, MemberPreferences]:
    async with app.database.session() as session:
        member = await session.scalar(select(Member).where(Member.display_name == "Ann"))
        return member, await session.get(MemberPreferences, member.id)


async def test_me_shows_status_level_progress_and_next(app: App, memory: MemoryPlatform) -> None:
    await memory.join("u1", "Ann Lee")
    await memory.command("u1", "join")
    await memory.submit(
        "u1",
        "onboard.intake",
        {"why": "grow", "goal": "ten clients", "level": "3", "format": "mixed", "drops": "channel"},
    )
    for _ in range(4):
        await app.advance_time(timedelta(days=1))
    reply = await memory.command("u1", "me")
    page = reply.replies[0][0]
    assert page.text == "Your membership, Ann"
    fields = dict(page.blocks[1].items)  # type: ignore[attr-defined]
    assert fields["Status"] == "Active · Member" and fields["Level"] == "3"
    assert fields["Getting started"] == "4 of 7 steps so far"  # quick win, day 0, day 1 (sent), day 3
    assert "• 2 drops published since you joined, 0 opened" in page.blocks[2].text  # type: ignore[attr-defined]
    assert page.blocks[3].text == "Next: Resource *The one-sentence positioning worksheet*, Wed 25 Nov, 09:00 CET"  # type: ignore[attr-defined]


async def test_an_ex_members_page_counts_only_the_drops_of_their_membership(app: App, memory: MemoryPlatform) -> None:
    """Found as an outsider: after leaving, /me went on counting every drop published since."""
    await memory.join("u1", "Ann Lee")
    await memory.command("u1", "join")
    for _ in range(4):
        await app.advance_time(timedelta(days=1))
    async with app.database.session() as session:
        membership = await session.scalar(select(Membership))
        assert membership is not None
        membership.ended_at = app.clock.now()
    await app.advance_time(timedelta(days=1))  # Wednesday's resource goes out after they left
    page = (await memory.command("u1", "me")).replies[0][0]
    assert "• 2 drops published since you joined, 0 opened" in "\n".join(getattr(b, "text", "") for b in page.blocks)


async def test_me_tells_a_newcomer_to_join_and_an_ex_member_to_come_back(app: App, memory: MemoryPlatform) -> None:
    async def fields() -> dict[str, str]:
        page = (await memory.command("u1", "me")).replies[0][0]
        return dict(page.blocks[1].items)  # type: ignore[attr-defined]

    async def status() -> str:
        return (await fields())["Status"]

    await memory.join("u1", "Ann Lee")
    assert await status() == "Not a member yet (/join)"
    assert "Member since" not in await fields()  # found as an outsider: it named the day they arrived
    await memory.command("u1", "join")
    assert await status() == "Active · Member" and "Member since" in await fields()
    async with app.database.session() as session:  # the creator's /member remove, or the end of a paid period
        member = await session.scalar(select(Member).where(Member.display_name == "Ann Lee"))
        membership = await session.scalar(select(Membership).where(Membership.member_id == member.id))
        membership.ended_at = app.clock.now()
    assert await status() == "Your membership has ended (/join to come back)"
    # Found as an outsider: an ex-member's page still said "Member since", how far they had got in
    # getting started, and which drop comes next (they won't get it).
    ended = (await memory.command("u1", "me")).replies[0][0]
    assert set(dict(ended.blocks[1].items)) == {"Status", "Level"}  # type: ignore[attr-defined]
    assert not any("Next:" in getattr(block, "text", "") for block in ended.blocks)


async def test_prefs_by_command_and_by_control(app: App, memory: MemoryPlatform) -> None:
    await memory.join("u1", "Ann")
    shown = await memory.command("u1", "prefs")
    assert [c[1].value if isinstance(c, tuple) else c.action_id for c in shown.replies[0][0].choices()][:3] == [
        "channel",
        "dm-every",
        "dm-weekly",
    ]

    assert (await memory.command("u1", "prefs", "drops dm-weekly")).texts == [
        "Saved. You can change it any time with /prefs."
    ]
    await memory.command("u1", "prefs", "time evening")
    await memory.command("u1", "prefs", "timezone Asia/Tokyo")
    await memory.command("u1", "prefs", "language nb") if "nb" in app.services.catalog.locales else None
    await memory.click("u1", "prefs.set:nudges", "off")
    await memory.click("u1", "prefs.set:celebrate", "channel")
    member, prefs = await prefs_of(app)
    assert (prefs.delivery, prefs.digest, prefs.time_of_day.hour, member.timezone) == ("dm", "weekly", 18, "Asia/Tokyo")
    assert (prefs.nudges, prefs.celebrate) == (False, "channel")


@pytest.mark.parametrize(
    ("typed", "saved"), [("utc", "UTC"), ("europe/oslo", "Europe/Oslo"), ("America/New York", "America/New_York")]
)
async def test_a_time_zone_typed_in_any_case_is_saved_as_spelled(
    app: App, memory: MemoryPlatform, typed: str, saved: str
) -> None:
    """Found as an outsider: `/prefs timezone utc` was refused ("I don't know the time zone")."""
    await memory.join("u1", "Ann")
    reply = await memory.command("u1", "prefs", f"timezone {typed}")
    assert reply.texts == ["Saved. You can change it any time with /prefs."]
    member, _ = await prefs_of(app)
    assert member.timezone == saved


@pytest.mark.parametrize(
    ("typed", "locale"), [("NB", "nb"), ("Norsk bokmål", "nb"), ("english", "en"), ("中文", "zh"), ("Nl", "nl")]
)
async def test_a_language_typed_in_any_case_or_by_its_name_is_saved(
    app: App, memory: MemoryPlatform, typed: str, locale: str
) -> None:
    """Found as an outsider: `/prefs language NB` was refused while `/prefs timezone utc` was taken."""
    await memory.join("u1", "Ann")
    await memory.command("u1", "prefs", f"language {typed}")
    await memory.command("u1", "prefs", "nudges Off")
    member, prefs = await prefs_of(app)
    assert (member.locale, prefs.nudges) == (locale, False)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ("volume 11", "I can change these: drops, time, timezone, language, nudges, celebrate."),
        ("drops carrier-pigeon", "For `/prefs drops`, choose one of: channel, dm-every, dm-weekly."),
        ("timezone Mars/Base", "I don't know the time zone “Mars/Base”"),
        ("language tlh", "For `/prefs language`, choose one of:"),
        (
            "nudges",
            "For `/prefs nudges`, choose one of: on, off.",
        ),  # found as an outsider: "for example: /prefs nudges ..."
        (  # found as an outsider: codes alone, and "For language kan du velge" in Norwegian
            "language",
            "For `/prefs language`, choose one of: da (Dansk), en (English), nb (Norsk bokmål), nl (Nederlands), zh (中文).",
        ),
        ("timezone", "Say which time zone, for example: /prefs timezone Europe/Oslo"),
    ],
)
async def test_bad_prefs_explain_and_change_nothing(app: App, memory: MemoryPlatform, args: str, message: str) -> None:
    await memory.join("u1", "Ann")
    before = await prefs_of(app)
    reply = await memory.command("u1", "prefs", args)
    assert reply.texts[0].startswith(message)
    after = await prefs_of(app)
    assert (after[0].timezone, after[0].locale, after[1].digest, after[1].nudges) == (
        before[0].timezone,
        before[0].locale,
        before[1].digest,
        before[1].nudges,
    )


async def test_home_page_shows_membership_next_drop_live_and_recent_library(app: App, memory: MemoryPlatform) -> None:
    from bot.handlers.home import render_home

    await memory.join("u1", "Ann Lee")
    await memory.command("u1", "join")
    await app.advance_time(timedelta(days=1))  # Saturday's deep-dive is out
    page = await render_home(app.services, memory.user("u1"))
    assert page.text == "Strategy Club: welcome back, Ann"
    fields = dict(page.blocks[1].items)  # type: ignore[attr-defined]
    assert fields["Status"] == "Active"
    assert fields["Next drop"] == "Mini-training: Find your one customer, Mon 23 Nov, 09:00 CET"
    assert fields["Next live session"] == "Nothing scheduled yet"
    recent = next(b for b in page.blocks if b.__class__.__name__ == "Buttons")
    assert [b.label for b in recent.buttons] == ["The niche paradox: why narrowing down…"]  # type: ignore[attr-defined]
