"""A changed time zone or slot cron in community.toml: on import, the queued drops the old slots placed
move to the new slots' firings (drops with a time of their own stay), so what the bot says (/drop
queue, the runway) and what it does (posts) agree. The tester's repro: 01-tz-cron-change.sh."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from bot.app import App
from bot.clock import FakeClock
from bot.community.loader import load_community
from bot.community.schema import CommunityFile
from bot.platforms.memory import MemoryPlatform
from bot.services.community import CommunityContext
from bot.services.content.placement import follow_new_slots
from bot.services.importer import import_community
from storage.database import Database
from storage.models import ContentItem
from tests.content.test_drop_editing import MINI

NY_TUE_NINE = "0 9 * * tue"


def changed_folder(community_path: Path, tmp_path: Path, *, zone: str, mini_cron: str) -> Path:
    """The sample community moved to `zone`, its mini-training slot to `mini_cron`."""
    folder = tmp_path / "club"
    shutil.copytree(community_path, folder)
    toml = folder / "community.toml"
    text = toml.read_text()
    assert 'timezone = "Europe/Oslo"' in text and 'cron = "0 9 * * mon"' in text, "the sample changed shape"
    toml.write_text(text.replace("Europe/Oslo", zone, 1).replace('cron = "0 9 * * mon"', f'cron = "{mini_cron}"', 1))
    return folder


async def times(database: Database, kind: str) -> dict[str, datetime | None]:
    async with database.session() as session:
        rows = (await session.scalars(select(ContentItem).where(ContentItem.kind == kind))).all()
    return {row.slug: row.publish_at for row in rows}


async def reimport(database: Database, folder: Path, before: CommunityFile, now: datetime) -> int:
    """`membot import` of the changed folder, and the queue following the new slots (what the importer
    calls with the settings it replaced; a second call moves nothing). Returns the drops given a time."""
    report = await import_community(database, load_community(folder), now)
    async with database.session() as session:
        moved = await follow_new_slots(session, await CommunityContext.load(database), before, now)
    return report.scheduled + moved


async def test_slot_drops_move_to_the_new_zone_and_cron_and_own_times_stay(
    app: App, memory: MemoryPlatform, clock: FakeClock, community_path: Path, tmp_path: Path
) -> None:
    await memory.command("creator", "drop", "schedule w2-price-on-value-not-hours 2026-12-02 18:00")  # its own time
    before = app.services.community.config
    folder = changed_folder(community_path, tmp_path, zone="America/New_York", mini_cron=NY_TUE_NINE)

    assert await reimport(app.database, folder, before, clock.now()) == 15  # every kind: a new zone
    mini = await times(app.database, "mini-training")
    tuesdays = [datetime(2026, 11, 24, 14, 0, tzinfo=UTC) + timedelta(weeks=n) for n in range(3)]  # 09:00 EST
    assert [mini[s] for s in MINI] == [tuesdays[0], datetime(2026, 12, 2, 17, 0, tzinfo=UTC), *tuesdays[1:]]
    resource = await times(app.database, "resource")
    assert min(t for t in resource.values() if t) == datetime(2026, 11, 25, 14, 0, tzinfo=UTC)  # Wed 09:00 EST
    assert await reimport(app.database, folder, load_community(folder).config, clock.now()) == 0  # idempotent


async def test_after_the_change_the_queue_the_runway_and_the_posts_agree(
    app: App, clock: FakeClock, community_path: Path, tmp_path: Path, settings
) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import make_app

    before = app.services.community.config
    folder = changed_folder(community_path, tmp_path, zone="America/Los_Angeles", mini_cron="30 18 * * tue")
    await reimport(app.database, folder, before, clock.now())
    memory = MemoryPlatform(workspaces=("W1",))
    restarted = await make_app(app.database, settings, clock, {"memory": memory}, folder)  # a restart
    try:
        await memory.join("creator", "Maya")
        reply = await memory.command("creator", "drop", "queue")
        sections = [b.text for b in reply.replies[0][0].blocks if type(b).__name__ == "Section"]  # type: ignore[attr-defined]
        assert sections[0].splitlines()[:2] == [
            "*Mini-training* · Tue 18:30 · 4 weeks queued",
            "• Tue 24 Nov, 18:30 PST: *Find your one customer* `w1-find-your-one-customer`",
        ]
        assert not any("At a time of their own" in s for s in sections)
        assert [r.weeks_queued for r in await restarted.services.content.runway()] == [4.0, 4.0, 4.0, 4.0]
        assert await restarted.services.content.warn_short_runway() == 0

        await restarted.advance_time(datetime(2026, 11, 25, 3, 0, tzinfo=UTC) - clock.now())  # Tue 19:00 PST
        async with app.database.session() as session:
            w1 = await session.scalar(select(ContentItem).where(ContentItem.slug == "w1-find-your-one-customer"))
        assert w1 is not None and w1.published_at == datetime(2026, 11, 25, 2, 30, tzinfo=UTC)  # Tue 18:30 PST
    finally:
        await restarted.stop()


async def test_a_kind_no_slot_sends_any_more_waits_in_the_queue(
    app: App, clock: FakeClock, community_path: Path, tmp_path: Path
) -> None:
    before = app.services.community.config
    folder = tmp_path / "club"
    shutil.copytree(community_path, folder)
    toml = folder / "community.toml"
    toml.write_text(
        toml.read_text()
        .replace('kind = "live"\ncron = "0 17 * * thu"\n', "", 1)
        .replace("[[drops.slots]]\n\n[[drops.slots]]", "[[drops.slots]]", 1)
    )
    assert [s.kind for s in load_community(folder).config.drops.slots] == ["mini-training", "resource", "deep-dive"]
    assert await reimport(app.database, folder, before, clock.now()) == 4
    assert set((await times(app.database, "live")).values()) == {None}


async def test_membot_import_moves_the_queue_to_the_new_slots(
    app: App, clock: FakeClock, community_path: Path, tmp_path: Path
) -> None:
    folder = changed_folder(community_path, tmp_path, zone="America/New_York", mini_cron=NY_TUE_NINE)
    await import_community(app.database, load_community(folder), clock.now())
    mini = await times(app.database, "mini-training")
    assert mini["w1-find-your-one-customer"] == datetime(2026, 11, 24, 14, 0, tzinfo=UTC)
