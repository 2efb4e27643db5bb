"""Keep platform calendars (Discord Guild Scheduled Events) in step with live sessions.

It works from the database like every job: each run compares a session's title, time, link
and status with what was last written to each calendar (kept in `external_ids`), and
creates, edits or cancels the event only where they differ. A restart or a failed call
is simply caught up on the next run.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import timedelta

from bot.clock import Clock
from bot.ports import Calendar, PlatformError
from bot.services.community import CommunityContext
from storage.database import Database
from storage.models import LiveSession
from storage.repositories import live as repo

log = logging.getLogger(__name__)

LOOK_BACK = timedelta(hours=12)  # a session that started recently may still be moved or cancelled


class CalendarSync:
    def __init__(self, database: Database, clock: Clock, community: CommunityContext) -> None:
        self._database = database
        self._clock = clock
        self._community = community
        self._calendars: list[Calendar] = []

    def bind_platforms(self, platforms: Mapping[str, object]) -> None:
        self._calendars = [p for p in platforms.values() if isinstance(p, Calendar)]

    async def sync(self) -> int:
        """Bring every calendar up to date; returns how many events were written."""
        if not self._calendars:
            return 0
        written = 0
        async with self._database.session() as session:
            for live in await repo.not_yet_over(session, self._community.id, self._clock.now() - LOOK_BACK):
                ids = dict(live.external_ids or {})
                for calendar in self._calendars:
                    for workspace in calendar.workspaces:
                        slot = f"{calendar.name}:{workspace}"
                        before = ids.get(slot) or {}
                        updated = await self._sync_one(calendar, workspace, live, before)
                        if updated != before:
                            ids[slot] = updated
                            written += 1
                live.external_ids = ids
        return written

    async def _sync_one(
        self, calendar: Calendar, workspace: str, live: LiveSession, before: dict[str, str]
    ) -> dict[str, str]:
        fingerprint = f"{live.status}|{live.starts_at.isoformat()}|{live.duration_min}|{live.title}|{live.link or ''}"
        if before.get("fp") == fingerprint:
            return before
        try:
            if live.status == "canceled":
                if before.get("id"):
                    await calendar.cancel_scheduled_event(workspace, before["id"])
                return {**before, "fp": fingerprint}
            event_id = await calendar.upsert_scheduled_event(
                workspace,
                key=f"live-{live.id}",
                title=live.title,
                starts_at=live.starts_at,
                ends_at=live.starts_at + timedelta(minutes=live.duration_min),
                description=live.description,
                location=live.link or self._community.name,
            )
        except PlatformError as exc:
            log.warning("calendar %s: session %s not synced: %s", calendar.name, live.id, type(exc).__name__)
            return before  # tried again on the next run
        return {"id": event_id, "fp": fingerprint}
