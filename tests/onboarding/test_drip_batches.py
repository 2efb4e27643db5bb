"""The drip writes a batch of due members with one INSERT per step for the progress marks and one
for the outbox rows, as `Outbox.enqueue_many` does, not two statements per member (issue 19); and a
run with nothing new due writes nothing."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

from bot.clock import FakeClock
from bot.platforms.memory import MemoryPlatform
from bot.settings import Settings
from storage.database import Database
from storage.models import OnboardingProgress, OutboxMessage
from tests.conftest import make_app
from tests.kits.members import become_member
from tests.kits.statements import inserts

JOINERS = ("u1", "u2", "u3", "u4", "u5", "u6")


async def count(database: Database, model: type, *where: object) -> int:  # type: ignore[type-arg]
    async with database.session() as session:
        return int(await session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


async def test_due_members_are_marked_and_queued_in_one_statement_each_per_step(
    db: Database, settings: Settings, clock: FakeClock, memory: MemoryPlatform, community_path: Path
) -> None:
    app = await make_app(db, settings, clock, {"memory": memory}, community_path)
    try:
        for user in JOINERS:
            await become_member(memory, user, f"Member {user}")
        clock.set(clock.now() + timedelta(hours=2, minutes=5))  # the day-0 step and the quick win are due
        steps_before = await count(db, OnboardingProgress)
        with inserts(db) as first:
            queued = await app.services.onboarding.send_due_steps()
        marked = await count(db, OnboardingProgress) - steps_before
        assert queued == marked and queued >= len(JOINERS)  # at least the quick win for each
        steps = queued // len(JOINERS)
        assert queued == steps * len(JOINERS)
        assert first["onboarding_progress"] == steps  # one INSERT per step, not one per member
        assert first["outbox"] == steps
        drip_rows = await count(db, OutboxMessage, OutboxMessage.dedupe_key.like("onboard:%"))

        with inserts(db) as again:
            assert await app.services.onboarding.send_due_steps() == 0
        assert again["onboarding_progress"] == 0 and again["outbox"] == 0
        assert await count(db, OutboxMessage, OutboxMessage.dedupe_key.like("onboard:%")) == drip_rows
    finally:
        await app.stop()
