"""The console lives a real month: daily `/time +1d` jumps from 05:59 deliver what one long jump
does, check-ins included (every daily jump lands in the quiet hours, and stopping only where a
jump ends never sent them)."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.app import App
from bot.clock import FakeClock
from bot.platforms.console import ConsolePlatform
from bot.settings import Settings
from storage.database import Database
from storage.models import OutboxMessage
from tests.conftest import make_app

START = datetime(2026, 11, 2, 4, 59, tzinfo=UTC)  # Monday 05:59 in Oslo: quiet hours (21:00-08:00)
DAYS = 40  # forty daily jumps: past the check-ins on days 10 and 21 and the creator's list on day 30
ARRIVALS = ("/join", "/as Bea", "/join", "/as creator", "/as Alex")


def copy_database(template: Path, folder: Path) -> None:
    folder.mkdir()
    shutil.copy(template, folder / "membot.db")


@asynccontextmanager
async def console_app(template: Path, folder: Path, community: Path) -> AsyncIterator[tuple[App, list[str]]]:
    """The real app on the console platform (output collected), on its own copy of the database."""
    copy_database(template, folder)
    database = Database(f"sqlite+aiosqlite:///{folder / 'membot.db'}")
    lines: list[str] = []
    console = ConsolePlatform(write=lines.append, echo_input=False, files=folder / "files")
    settings = Settings(database_url=f"sqlite+aiosqlite:///{folder / 'unused.db'}", _env_file=None)
    app = await make_app(database, settings, FakeClock(START), {"console": console}, community)
    try:
        for line in ARRIVALS:
            await console.handle_line(line)
        yield app, lines
    finally:
        await app.stop()
        await database.dispose()


async def sent_keys(app: App) -> set[str]:
    async with app.database.session() as session:
        return set(await session.scalars(select(OutboxMessage.dedupe_key).where(OutboxMessage.status == "sent")))


@pytest.mark.long
async def test_a_month_of_daily_jumps_sends_what_one_long_jump_does(
    sqlite_template: Path, tmp_path: Path, community_path: Path
) -> None:
    async with console_app(sqlite_template, tmp_path / "daily", community_path) as (daily, out):
        console = daily.platforms["console"]
        assert isinstance(console, ConsolePlatform)
        for _ in range(DAYS):
            await console.handle_line("/time +1d")
        by_day = await sent_keys(daily)
    async with console_app(sqlite_template, tmp_path / "once", community_path) as (once, _):
        console = once.platforms["console"]
        assert isinstance(console, ConsolePlatform)
        await console.handle_line(f"/time +{DAYS}d")
        at_once = await sent_keys(once)

    assert by_day == at_once
    checkins = sorted(k.split(":since:")[0].split(":members:")[0] for k in by_day if k.startswith("nudge:"))
    assert checkins == [
        "nudge:day-10:member:2",  # Alex (Maya's account, known from the start, is member 1)
        "nudge:day-10:member:3",
        "nudge:day-21:member:2",
        "nudge:day-21:member:3",
        "nudge:day-30:creator:1",  # Maya hears who has been quiet for a month
    ]
    # The console said when each message arrived: Alex's first check-in on day 10, at a waking hour.
    first = next(n for n, line in enumerate(out) if "It's been 10 days since we last saw you" in line)
    stamp = next(line for line in reversed(out[:first]) if line.startswith("-- "))
    assert stamp.startswith("-- Thu 12 Nov, ") and "05:59" not in stamp
