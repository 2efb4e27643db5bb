"""Live sessions appear in platform calendars (Discord Guild Scheduled Events) and follow every change."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.app import App
from bot.clock import FakeClock
from bot.platforms.memory import MemoryPlatform
from bot.ports import TransientError
from bot.settings import Settings
from storage.database import Database
from tests.conftest import make_app


class CalendarPlatform(MemoryPlatform):
    """The memory platform plus the two calendar calls the Discord adapter has."""

    def __init__(self) -> None:
        super().__init__(name="memory", workspaces=("G1",))  # "memory:creator" is the creator
        self.events: dict[str, dict[str, Any]] = {}
        self.calls: list[tuple[str, str]] = []
        self.fail_calendar = 0

    async def upsert_scheduled_event(
        self,
        workspace_id: str,
        key: str,
        title: str,
        starts_at: datetime,
        ends_at: datetime,
        description: str,
        location: str,
    ) -> str:
        if self.fail_calendar:
            self.fail_calendar -= 1
            raise TransientError("503")
        self.calls.append(("upsert", key))
        self.events[key] = {
            "title": title,
            "starts_at": starts_at,
            "ends_at": ends_at,
            "location": location,
            "status": "scheduled",
        }
        return f"evt-{key}"

    async def cancel_scheduled_event(self, workspace_id: str, event_id: str) -> None:
        self.calls.append(("cancel", event_id))
        self.events[event_id.removeprefix("evt-")]["status"] = "canceled"


@pytest.fixture
def calendar() -> CalendarPlatform:
    return CalendarPlatform()


@pytest.fixture
async def app_with_calendar(
    sqlite_db: Database, settings: Settings, clock: FakeClock, community_path: Path, calendar: CalendarPlatform
) -> AsyncIterator[App]:
    application = await make_app(sqlite_db, settings, clock, {"memory": calendar}, community_path)
    yield application
    await application.stop()


async def test_scheduled_moved_and_cancelled_sessions_follow_in_the_calendar(
    app_with_calendar: App, calendar: CalendarPlatform
) -> None:
    app = app_with_calendar
    await calendar.command(
        "creator", "live", "schedule 2026-12-03 17:00 Europe/Oslo 60 https://meet.example/x | Pricing clinic"
    )
    await app.tick()
    event = calendar.events["live-1"]
    assert (event["title"], event["starts_at"].isoformat(), event["location"]) == (
        "Pricing clinic",
        "2026-12-03T16:00:00+00:00",
        "https://meet.example/x",
    )
    assert event["ends_at"] - event["starts_at"] == timedelta(minutes=60)

    await app.tick()
    assert calendar.calls == [("upsert", "live-1")]  # nothing changed: nothing written

    await calendar.command("creator", "live", "move 1 2026-12-04 18:00")
    await app.tick()
    assert calendar.events["live-1"]["starts_at"].isoformat() == "2026-12-04T17:00:00+00:00"

    await calendar.command("creator", "live", "cancel 1")
    await app.tick()
    assert calendar.calls[-1] == ("cancel", "evt-live-1") and calendar.events["live-1"]["status"] == "canceled"
    await app.tick()
    assert len(calendar.calls) == 3


async def test_a_failed_calendar_call_is_caught_up_on_the_next_run(
    app_with_calendar: App, calendar: CalendarPlatform
) -> None:
    calendar.fail_calendar = 1
    await calendar.command("creator", "live", "schedule 2026-12-03 17:00 | Pricing clinic")
    await app_with_calendar.tick()
    assert calendar.events == {}
    await app_with_calendar.tick()
    assert list(calendar.events) == ["live-1"]


async def test_platforms_without_a_calendar_are_left_alone(app: App, memory: MemoryPlatform) -> None:
    await memory.command("creator", "live", "schedule 2026-12-03 17:00 | Pricing clinic")
    assert await app.services.calendar.sync() == 0
