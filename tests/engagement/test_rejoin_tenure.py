"""A member who leaves and comes back: milestones and the monthly recap count their current membership.

Tenure is the current continuous membership (periods that follow each other within a day count as
one): a re-joiner is not "one month in" an hour after coming back, and gets no recap of a month in
which they were not a member; a month they were a member for part of counts from their return.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from bot.app import App
from bot.clock import FakeClock
from bot.messages import OutboundMessage
from bot.platforms.memory import MemoryPlatform
from bot.settings import Settings
from storage.database import Database
from storage.models import ContentItem
from tests.conftest import make_app
from tests.kits.members import become_member


def headers(memory: MemoryPlatform, user: str) -> list[str]:
    return [getattr(m.blocks[0], "text", "") for m in memory.dms_to(user)]


def with_header(memory: MemoryPlatform, user: str, prefix: str) -> list[OutboundMessage]:
    return [m for m in memory.dms_to(user) if getattr(m.blocks[0], "text", "").startswith(prefix)]


def body(message: OutboundMessage) -> str:
    return "\n".join(str(getattr(b, "text", "")) for b in message.blocks)


async def join_then_removed(memory: MemoryPlatform, app: App) -> None:
    """Alex joins on Friday 20 November and the creator ends his membership at once."""
    await memory.command("creator", "help")  # the creator's account exists
    await become_member(memory, "u1", "Alex")
    removed = await memory.command("creator", "member", "remove u1")
    assert "membership has ended" in removed.texts[0]
    await app.settle()


async def publish_in_december(app: App, *days: int) -> None:
    """The drops of December: one on each of `days`, nothing else published."""
    async with app.database.session() as session:
        items = (await session.scalars(select(ContentItem).order_by(ContentItem.id))).all()
        for n, item in enumerate(items):
            item.published_at = datetime(2026, 12, days[n], 9, 0, tzinfo=UTC) if n < len(days) else None


async def test_a_rejoiner_is_not_one_month_in_an_hour_after_coming_back(
    app: App, memory: MemoryPlatform, clock: FakeClock
) -> None:
    await join_then_removed(memory, app)
    clock.advance(timedelta(days=33))  # 23 December: a month since he first arrived, but not as a member
    await memory.command("u1", "join")
    await app.advance_time(timedelta(days=1))
    assert with_header(memory, "u1", "One month") == []

    clock.set(datetime(2027, 1, 23, 11, 0, tzinfo=UTC))  # a month after coming back, less an hour
    await app.tick()
    assert with_header(memory, "u1", "One month") == []
    await app.advance_time(timedelta(hours=2))
    [dm] = with_header(memory, "u1", "One month in Strategy Club!")
    assert "Member since 23 December 2026" in body(dm)


async def test_a_short_break_between_memberships_keeps_the_tenure(
    app: App, memory: MemoryPlatform, clock: FakeClock
) -> None:
    """Ending one membership and starting the next the same day (a switch of plan) is one stretch."""
    await memory.command("creator", "help")
    await become_member(memory, "u1", "Alex")
    clock.advance(timedelta(days=10))
    await memory.command("creator", "member", "remove u1")
    clock.advance(timedelta(hours=3))
    await memory.command("u1", "join")
    clock.set(datetime(2026, 12, 20, 11, 30, tzinfo=UTC))
    await app.advance_time(timedelta(hours=2))
    [dm] = with_header(memory, "u1", "One month in Strategy Club!")
    assert "Member since 20 November 2026" in body(dm)


async def test_no_recap_of_a_month_without_membership(app: App, memory: MemoryPlatform, clock: FakeClock) -> None:
    await join_then_removed(memory, app)
    clock.advance(timedelta(days=43))  # Saturday 2 January, 12:00 UTC
    await memory.command("u1", "join")
    await publish_in_december(app, 5, 15, 20)
    await app.advance_time(timedelta(hours=2))
    assert with_header(memory, "u1", "Your December") == []
    assert with_header(memory, "u1", "Your November") == []


async def test_a_recap_of_a_month_partly_a_member_counts_from_the_return(
    app: App, memory: MemoryPlatform, clock: FakeClock
) -> None:
    await join_then_removed(memory, app)
    clock.set(datetime(2026, 12, 10, 12, 0, tzinfo=UTC))
    await memory.command("u1", "join")
    await publish_in_december(app, 5, 15, 20)  # one before he came back, two after

    clock.set(datetime(2027, 1, 1, 7, 30, tzinfo=UTC))  # 08:30 in Oslo: recaps go at 09:00
    await app.advance_time(timedelta(hours=1))
    [recap] = with_header(memory, "u1", "Your December in Strategy Club")
    assert recap.text.startswith("Your December: 2 drops,")
    assert recap.text.endswith("member since 10 December 2026")


async def test_me_counts_from_the_return_like_the_milestones(
    app: App, memory: MemoryPlatform, clock: FakeClock
) -> None:
    """Found as an outsider: /me said "Member since 20 November" and counted every drop since then
    for someone who had been away for a month and came back on 23 December."""
    await join_then_removed(memory, app)
    await publish_in_december(app, 1, 24)
    clock.advance(timedelta(days=33))  # 23 December
    await memory.command("u1", "join")
    clock.set(datetime(2026, 12, 28, 12, 0, tzinfo=UTC))
    [message] = [m for m, _ in (await memory.command("u1", "me")).replies]
    page = body(message)
    fields = dict(pair for block in message.blocks for pair in getattr(block, "items", ()))
    assert fields["Member since"] == "23 Dec 2026"
    assert "1 drop published since you joined" in page


async def test_a_rejoiner_is_not_at_risk_for_the_time_they_were_away(
    app: App, memory: MemoryPlatform, clock: FakeClock
) -> None:
    """Found as an outsider: back for an hour, Alex was "at risk: hasn't taken part in 33 days",
    counted from his first arrival."""
    await join_then_removed(memory, app)
    clock.advance(timedelta(days=33))
    await memory.command("u1", "join")
    assert [r.name for r in await app.services.analytics.at_risk()] == []
    clock.advance(timedelta(days=8))  # a week back without taking part: now he is
    [risk] = await app.services.analytics.at_risk()
    assert risk.name == "Alex" and {r.key: r.values for r in risk.reasons}["never_engaged"] == {"days": 8}


async def test_the_briefing_says_a_canceled_member_came_back(
    app: App, memory: MemoryPlatform, clock: FakeClock
) -> None:
    await join_then_removed(memory, app)
    clock.advance(timedelta(days=2))
    await memory.command("u1", "join")
    text = body((await memory.command("creator", "briefing")).replies[0][0])
    assert "• Canceled: 1: Alex (came back)" in text
    assert "• New members: 1: Alex" in text and "Came back:" not in text  # new this week: said once


async def test_the_briefing_names_who_came_back_after_leaving_in_an_earlier_week(
    db: Database, settings: Settings, memory: MemoryPlatform, clock: FakeClock, community_path: Path
) -> None:
    """Found as an outsider: Alex left, came back a week later, and the briefing said "New members: 0"
    and "Canceled: 0": the creator never learned he was back. (On both databases: its own query.)"""
    app = await make_app(db, settings, clock, {"memory": memory}, community_path)
    try:
        await _came_back_after_a_week(app, memory, clock)
    finally:
        await app.stop()


async def _came_back_after_a_week(app: App, memory: MemoryPlatform, clock: FakeClock) -> None:
    await join_then_removed(memory, app)
    await become_member(memory, "u2", "Bea")
    clock.advance(timedelta(days=9))
    await memory.command("u1", "join")
    await memory.command("creator", "member", "remove u2")  # a plan switch: ended and started the same day
    await memory.command("u2", "join")
    clock.advance(timedelta(hours=1))
    text = body((await memory.command("creator", "briefing")).replies[0][0])
    assert "• Came back: 1: Alex" in text and "• New members: 0" in text
    clock.advance(timedelta(days=8))  # a week later it is no longer this week's news
    assert "Came back" not in body((await memory.command("creator", "briefing")).replies[0][0])


async def test_members_inactive_gives_a_rejoiners_return_as_member_since(
    app: App, memory: MemoryPlatform, clock: FakeClock
) -> None:
    """Found as an outsider: `/members inactive` said "member since 20 November" for Alex, who came
    back on 23 December."""
    await join_then_removed(memory, app)
    clock.advance(timedelta(days=33))
    await memory.command("u1", "join")
    clock.advance(timedelta(days=20))
    listing = body((await memory.command("creator", "members", "inactive 14")).replies[0][0])
    assert "*Alex*" in listing and "member since 23 December 2026" in listing, listing
