"""Group commit loses nothing it acknowledged: 64 producers log activity, the process is SIGKILLed at
random moments, and every event whose `record` had returned is in the database (SQLite, a real file)."""

from __future__ import annotations

import asyncio
import random
import signal
import sys
from pathlib import Path

from sqlalchemy import select

from bot.clock import SystemClock
from bot.settings import REPO_ROOT
from storage.database import Database
from storage.migrate import upgrade
from storage.models import Activity, Community, Member

KILLS = 4
MEMBERS = 20


async def test_no_acknowledged_event_is_missing_after_sigkill(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'membot.db'}"
    database = Database(url)
    await upgrade(database)
    now = SystemClock().now()
    async with database.session() as session:
        community = Community(slug="c", name="C", creator_name="M", locale="en", timezone="UTC", settings={},
                              imported_at=now)  # fmt: skip
        session.add(community)
        await session.flush()
        session.add_all(Member(community_id=community.id, display_name=f"M{n}", joined_at=now) for n in range(MEMBERS))
    acks = tmp_path / "acks.txt"
    rng = random.Random(5)
    for round_ in range(KILLS):
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "tests.reliability.activity_producer", url, str(acks), str(round_), str(MEMBERS),
            cwd=REPO_ROOT, stdout=asyncio.subprocess.PIPE,
        )  # fmt: skip
        assert process.stdout is not None
        assert (await asyncio.wait_for(process.stdout.readline(), 30)).strip() == b"ready"
        await asyncio.sleep(rng.uniform(0.3, 1.2))  # mid-batch, mid-commit: wherever it is
        process.send_signal(signal.SIGKILL)
        await process.wait()
    acknowledged = set(acks.read_text().split())
    async with database.session() as session:
        stored = set((await session.scalars(select(Activity.ref))).all())
    await database.dispose()
    assert len(acknowledged) > 100 * KILLS  # the producers really ran
    assert acknowledged <= stored  # nothing acknowledged is lost
