"""The reminder scan runs every minute of a reminder's late window: once a member's reminder is
queued, later runs read past them instead of inserting it again (issue 19)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from bot.clock import FakeClock
from bot.platforms.memory import MemoryPlatform
from bot.settings import Settings
from storage.database import Database
from storage.models import OutboxMessage
from tests.conftest import make_app
from tests.kits.members import become_member
from tests.kits.statements import inserts

SUNDAY = "2026-11-22 17:00 | Sunday hot seats"
SUNDAY_START = datetime(2026, 11, 22, 16, 0, tzinfo=UTC)
GOING = ("u1", "u2", "u3", "u4")


async def reminders_queued(database: Database, label: str) -> int:
    async with database.session() as session:
        return int(
            await session.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.dedupe_key.like(f"qa:%:remind-{label}:member:%"))
            )
            or 0
        )


async def test_a_reminder_already_queued_is_not_inserted_again(
    db: Database, settings: Settings, clock: FakeClock, memory: MemoryPlatform, community_path: Path
) -> None:
    app = await make_app(db, settings, clock, {"memory": memory}, community_path)
    try:
        await memory.command("creator", "live", f"schedule {SUNDAY}")
        for user in GOING:
            await become_member(memory, user)  # live sessions are for members
            await memory.click(user, "qa.rsvp:1")
        clock.set(SUNDAY_START - timedelta(hours=1))
        with inserts(db) as first:
            queued = await app.services.live.send_due_reminders()
        assert queued == len(GOING) + 1  # one per RSVP, and the creator's question digest
        assert first["outbox"] == 2  # the RSVPs' reminders in one statement, the digest in another
        assert await reminders_queued(db, "1h") == len(GOING)

        for minutes in (1, 5, 19):  # the rest of the 1-hour reminder's window
            clock.set(SUNDAY_START - timedelta(hours=1) + timedelta(minutes=minutes))
            with inserts(db) as later:
                assert await app.services.live.send_due_reminders() == 0
            assert later["outbox"] == 0
        assert await reminders_queued(db, "1h") == len(GOING)
    finally:
        await app.stop()
