"""The console on the real app: a fixture's worth of wiring and typing lines into it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

from bot.app import App
from bot.clock import FakeClock
from bot.platforms.console import ConsolePlatform
from bot.settings import Settings
from storage.database import Database
from tests.conftest import START, make_app


async def console_app_on(
    sqlite_db: Database, settings: Settings, community_path: Path, tmp_path: Path
) -> AsyncIterator[tuple[App, ConsolePlatform, list[str]]]:
    """The app with a console whose output lands in a list (what the person would read)."""
    out: list[str] = []
    console = ConsolePlatform(write=out.append, echo_input=False, files=tmp_path / "membot-files")
    app = await make_app(sqlite_db, settings, FakeClock(START), {"console": console}, community_path)
    yield app, console, out
    await app.stop()


async def type_lines(console: ConsolePlatform, *lines: str) -> None:
    for line in lines:
        await console.handle_line(line)
