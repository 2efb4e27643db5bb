"""The nudge scan reads the members of its band of quiet days whose check is due in (check time, id)
order, a page at a time, on the `ix_members_nudge_check` index (issue 19): pages follow each other
across ties and lose no one."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import text, update

from bot.clock import FakeClock
from bot.platforms.memory import MemoryPlatform
from bot.settings import Settings
from storage.database import Database
from storage.models import Member
from storage.repositories.engagement import nudges as repo
from storage.repositories.members import DEFAULT_GRACE
from tests.conftest import make_app
from tests.kits.members import become_member, member_id

# Quiet days of each member; two pairs start their stretch at the same moment.
QUIET_DAYS = {"u1": 12, "u2": 15, "u3": 12, "u4": 40, "u5": 11, "u6": 15, "u7": 13}


async def test_candidates_page_by_check_time_then_id_across_page_boundaries(
    db: Database, settings: Settings, clock: FakeClock, memory: MemoryPlatform, community_path: Path
) -> None:
    app = await make_app(db, settings, clock, {"memory": memory}, community_path)
    try:
        now = clock.now()
        ids = {}
        for user in QUIET_DAYS:
            await become_member(memory, user, user.upper())
            ids[user] = await member_id(app, user)
        async with db.session() as session:
            for user, days in QUIET_DAYS.items():
                quiet_since = now - timedelta(days=days)
                check = quiet_since + timedelta(days=10 if days < 13 else 5)  # two checks: ties broken by id
                await session.execute(
                    update(Member)
                    .where(Member.id == ids[user])
                    .values(last_active_at=quiet_since, nudge_check_at=check)
                )
        community = app.services.community.id
        pages: list[list[int]] = []
        after = None
        while True:
            async with db.session() as session:
                page, after = await repo.candidates(
                    session,
                    community,
                    now,
                    DEFAULT_GRACE,
                    quiet_by=now - timedelta(days=10),
                    quiet_after=now - timedelta(days=21),  # the day-10 band: u4 (40 days) is beyond it
                    checked_by=now,
                    had_none_of=("day-10", "day-21", "day-30"),
                    gap=None,
                    after=after,
                    limit=2,
                )
            pages.append([p.id for p in page])  # a full last page is followed by an empty one
            if after is None:
                break

        checks = {
            user: now - timedelta(days=days) + timedelta(days=10 if days < 13 else 5)
            for user, days in QUIET_DAYS.items()
        }
        expected = sorted(
            (user for user, days in QUIET_DAYS.items() if 10 <= days < 21),
            key=lambda user: (checks[user], ids[user]),
        )
        assert [mid for page in pages for mid in page] == [ids[user] for user in expected]
        assert [len(page) for page in pages] == [2, 2, 2, 0]
    finally:
        await app.stop()


async def test_the_stretch_index_exists_on_both_engines(db: Database) -> None:
    async with db.engine.connect() as conn:
        if db.is_sqlite:
            sql = "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = 'ix_members_stretch'"
        else:
            sql = "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_members_stretch' AND schemaname = current_schema()"
        definition = str(await conn.scalar(text(sql)) or "").lower()
    assert "coalesce(last_active_at, joined_at)" in definition.replace('"', "")
