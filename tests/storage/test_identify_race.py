"""Two first events at once for an account membot has never seen: both are handled, one member results.

A Slack `team_join` and `member_joined_channel`, or `/membot join` and `/membot help` back to
back, reach the router together. Both look the account up, find nothing, and register it;
the unique platform identity lets one win, and the other must re-read instead of failing.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.app import App
from bot.clock import FakeClock
from bot.events import CommandInvoked, Event, MemberJoined
from bot.platforms.memory import MemoryPlatform, MemoryResponder
from bot.settings import Settings
from storage.database import Database
from storage.models import Member, Membership, OutboxMessage, PlatformIdentity
from tests.conftest import make_app

USERS = 80
INTERNAL = "something went wrong"


@pytest.fixture
async def race_app(
    db: Database, settings: Settings, clock: FakeClock, memory: MemoryPlatform, community_path: Path
) -> AsyncIterator[App]:
    """The real app on SQLite and on PostgreSQL."""
    application = await make_app(db, settings, clock, {"memory": memory}, community_path)
    yield application
    await application.stop()


def pair(memory: MemoryPlatform, n: int) -> tuple[Event, Event, list[MemoryResponder]]:
    """Two first events for user n: an arrival and /help, or /join and /help."""
    user = memory.user(f"new{n}", f"Newcomer {n}")
    help_reply = MemoryResponder()
    second = CommandInvoked(user=user, name="help", event_id=f"help-{n}", responder=help_reply)
    if n % 2 == 0:
        return MemberJoined(user=user, event_id=f"join-{n}"), second, [help_reply]
    join_reply = MemoryResponder()
    return (
        CommandInvoked(user=user, name="join", event_id=f"cmd-join-{n}", responder=join_reply),
        second,
        [join_reply, help_reply],
    )


async def test_concurrent_first_events_are_all_handled(race_app: App, memory: MemoryPlatform) -> None:
    events: list[Event] = []
    responders: list[MemoryResponder] = []
    for n in range(USERS):
        first, second, replies = pair(memory, n)
        events += [first, second]
        responders += replies

    results = await asyncio.gather(*(race_app.router.dispatch(e) for e in events), return_exceptions=True)

    failed = [r for r in results if isinstance(r, BaseException)]
    assert failed == [], f"{len(failed)} of {len(events)} events lost, first: {failed[:1]!r}"
    assert all(r is not None for r in results)  # none taken for a repeated delivery
    assert all(r.texts and not any(INTERNAL in t for t in r.texts) for r in responders)
    async with race_app.database.session() as session:
        members = await session.scalar(
            select(func.count()).select_from(Member).where(Member.display_name.like("Newcomer %"))
        )
        accounts = await session.scalar(
            select(func.count()).select_from(PlatformIdentity).where(PlatformIdentity.user_id.like("new%"))
        )
        welcomes = await session.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.dedupe_key.like("welcome:member:%"))
        )
        joined = await session.scalar(select(func.count(func.distinct(Membership.member_id))))
    assert (members, accounts) == (USERS, USERS)  # exactly one member per person
    assert welcomes == USERS // 2  # every arrival handled: its welcome DM queued
    assert joined == USERS // 2  # every /join handled: a membership each
