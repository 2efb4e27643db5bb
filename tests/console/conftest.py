"""The console on the real app, for the tests here that type into it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import App
from bot.platforms.console import ConsolePlatform
from bot.settings import Settings
from storage.database import Database
from tests.kits.console import console_app_on


@pytest.fixture
async def console_app(
    sqlite_db: Database, settings: Settings, community_path: Path, tmp_path: Path
) -> AsyncIterator[tuple[App, ConsolePlatform, list[str]]]:
    async for wired in console_app_on(sqlite_db, settings, community_path, tmp_path):
        yield wired
