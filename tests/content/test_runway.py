"""The content runway: weeks of drops queued per slot, and the first firing with nothing to send."""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from bot.app import App
from bot.clock import FakeClock
from bot.community.schema import DropSlot, Runway
from bot.notices.content import ContentPiece, SlotRunway
from bot.platforms.memory import MemoryPlatform
from bot.services.content.runway import compute_runway


async def test_the_sample_has_four_weeks_queued_in_every_slot(app: App) -> None:
    runway = await app.services.content.runway()
    assert [(r.kind, r.weeks_queued, r.items_queued) for r in runway] == [
        ("mini-training", 4.0, 4),
        ("resource", 4.0, 4),
        ("live", 4.0, 4),
        ("deep-dive", 4.0, 4),
    ]
    mini = runway[0]
    assert mini.first_empty == date(2026, 12, 21)  # Mondays 23 and 30 Nov, 7 and 14 Dec are filled
    assert mini.first_empty_at == datetime(2026, 12, 21, 8, 0, tzinfo=UTC)  # 09:00 in Oslo
    assert [q.at.date() for q in mini.queued] == [
        date(2026, 11, 23),
        date(2026, 11, 30),
        date(2026, 12, 7),
        date(2026, 12, 14),
    ]
    assert not mini.short  # 4 weeks is not under the default 2


RUNWAY_DM = "runs dry"


async def creator_dms(memory: MemoryPlatform) -> list[str]:
    return [m.blocks[0].text for m in memory.dms_to("creator") if RUNWAY_DM in m.text]  # type: ignore[attr-defined]


@pytest.fixture
async def creator(app: App, memory: MemoryPlatform) -> None:
    await memory.join("creator", "Maya")
    await app.settle()


async def test_the_creator_hears_14_7_and_2_days_before_a_slot_runs_dry_once_each(
    app: App, memory: MemoryPlatform, clock: FakeClock, creator: None
) -> None:
    clock.set(datetime(2026, 12, 5, 9, 30, tzinfo=UTC))  # Sat 10:30 Oslo: the last queued deep-dive is out
    await app.tick()
    runway = {r.kind: r for r in await app.services.content.runway()}
    deep = runway["deep-dive"]
    assert (deep.weeks_queued, deep.first_empty, deep.short) == (1.0, date(2026, 12, 19), True)
    assert await creator_dms(memory) == ["Your Deep-dive slot runs dry in 14 days"]
    [dm] = [m for m in memory.dms_to("creator") if RUNWAY_DM in m.text]
    words = " ".join(b.text for b in dm.blocks if hasattr(b, "text"))  # type: ignore[attr-defined]
    assert "Sat 19 Dec, 10:00 CET" in words and "/drop add" in words and "content/" in words
    assert "kind: deep-dive" in words

    await app.tick()
    assert await app.services.content.warn_short_runway() == 0  # a rerun sends nothing twice
    assert await creator_dms(memory) == ["Your Deep-dive slot runs dry in 14 days"]

    for _ in range(14):
        await app.advance_time(timedelta(days=1))
    deep_dms = [h for h in await creator_dms(memory) if "Deep-dive" in h]
    assert deep_dms == [
        "Your Deep-dive slot runs dry in 14 days",
        "Your Deep-dive slot runs dry in 7 days",
        "Your Deep-dive slot runs dry in 2 days",
    ]  # and nothing more each week once the slot has gone out empty
    assert "Your Mini-training slot runs dry in 14 days" in await creator_dms(memory)


async def test_no_warning_is_worked_out_in_quiet_hours_so_a_slot_filled_by_morning_gets_none(
    app: App, memory: MemoryPlatform, clock: FakeClock, creator: None
) -> None:
    """Found as an outsider: a warning worked out at 07:00 waited for the end of quiet hours (08:00)
    and arrived after the creator had filled the slot."""
    clock.set(datetime(2026, 12, 5, 9, 30, tzinfo=UTC))  # the 14-day warning, as above
    await app.tick()
    clock.set(datetime(2026, 12, 12, 6, 0, tzinfo=UTC))  # Sat 07:00 Oslo, quiet hours: 7 days before it runs dry
    assert await app.services.content.warn_short_runway() == 0
    await memory.submit("creator", "drops.add", {"title": "Bonus deep-dive", "kind": "deep-dive"})
    clock.set(datetime(2026, 12, 12, 7, 30, tzinfo=UTC))  # 08:30 Oslo: the first scan after quiet hours
    await app.services.content.warn_short_runway()
    await app.settle()
    assert "Your Deep-dive slot runs dry in 7 days" not in await creator_dms(memory)


async def test_a_slot_with_enough_weeks_queued_is_not_warned(
    app: App, memory: MemoryPlatform, clock: FakeClock, creator: None
) -> None:
    for _ in range(10):  # to Mon 30 Nov: every slot still has 2 or more weeks queued
        await app.advance_time(timedelta(days=1))
    assert await creator_dms(memory) == []


async def test_filling_a_slot_moves_its_date_and_a_new_date_warns_afresh(
    app: App, memory: MemoryPlatform, clock: FakeClock, creator: None
) -> None:
    clock.set(datetime(2026, 12, 5, 9, 30, tzinfo=UTC))
    await app.tick()
    await memory.submit("creator", "drops.add", {"title": "Bonus deep-dive", "kind": "deep-dive"})
    deep = {r.kind: r for r in await app.services.content.runway()}["deep-dive"]
    assert (deep.weeks_queued, deep.first_empty, deep.short) == (2.0, date(2026, 12, 26), False)
    assert await app.services.content.warn_short_runway() == 0


async def test_alerts_wait_for_the_end_of_quiet_hours(
    app: App, memory: MemoryPlatform, clock: FakeClock, creator: None
) -> None:
    clock.set(datetime(2026, 12, 5, 9, 30, tzinfo=UTC))
    await app.tick()
    memory.sent.clear()
    clock.set(datetime(2026, 12, 11, 23, 30, tzinfo=UTC))  # Sat 12 Dec 00:30 in Oslo: the 7-day mark
    await app.tick()
    assert await creator_dms(memory) == []
    clock.set(datetime(2026, 12, 12, 7, 0, tzinfo=UTC))  # 08:00 in Oslo
    await app.tick()
    assert "Your Deep-dive slot runs dry in 7 days" in await creator_dms(memory)


def test_gaps_twice_weekly_slots_and_the_queue_behind_manual_dates() -> None:
    oslo = ZoneInfo("Europe/Oslo")
    now = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)  # a Friday
    slots = (DropSlot(kind="resource", cron="0 9 * * mon,thu"), DropSlot(kind="deep-dive", cron="0 10 * * sat"))
    mon = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
    pending = (
        ContentPiece(1, "a", "A", "resource", publish_at=mon),
        ContentPiece(2, "b", "B", "resource", publish_at=datetime(2026, 11, 30, 8, 0, tzinfo=UTC)),  # Thu 26 is a gap
        ContentPiece(3, "c", "C", "resource"),  # waits: it takes the first firing after the last scheduled one
        ContentPiece(4, "d", "D", "deep-dive", publish_at=datetime(2026, 11, 22, 15, 0, tzinfo=UTC)),  # off-slot
    )
    resource, deep = compute_runway(slots, pending, {"resource": pending[1].publish_at}, now, oslo)  # type: ignore[dict-item]
    assert resource.first_empty == date(2026, 11, 26)
    assert resource.weeks_queued == 0.5  # one firing of a twice-weekly slot in a row
    assert [(q.item.slug, q.at.date()) for q in resource.queued] == [
        ("a", date(2026, 11, 23)),
        ("b", date(2026, 11, 30)),
        ("c", date(2026, 12, 3)),
    ]
    assert deep.queued == () and deep.weeks_queued == 0 and deep.first_empty == date(2026, 11, 21)
    assert deep.dry  # never had a drop of its kind: no weekly DMs, /next shows it


def test_slot_ids_are_stable_and_short() -> None:
    slot = SlotRunway("mini-training", "0 9 * * mon", 1.0, None, None, ())
    assert slot.slot_id == "mini-training@0_9_x_x_mon"
    long = SlotRunway("resource", "0 9 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20 * *", 1.0, None, None, ())
    assert len(long.slot_id) <= 60 and long.slot_id.startswith("resource@")


async def test_warn_weeks_comes_from_community_toml(
    sqlite_db, settings, clock: FakeClock, community_path: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import make_app

    folder = tmp_path / "club"
    shutil.copytree(community_path, folder)
    toml = folder / "community.toml"
    text = toml.read_text()
    assert "warn_weeks = 2" in text, "the sample community.toml changed shape"
    toml.write_text(text.replace("warn_weeks = 2", "warn_weeks = 1"))
    memory = MemoryPlatform(workspaces=("W1",))
    application = await make_app(sqlite_db, settings, clock, {"memory": memory}, folder)
    try:
        await memory.join("creator", "Maya")
        clock.set(datetime(2026, 12, 5, 9, 30, tzinfo=UTC))
        await application.tick()
        deep = {r.kind: r for r in await application.services.content.runway()}["deep-dive"]
        assert (deep.weeks_queued, deep.warn_weeks, deep.short) == (1.0, 1, False)
        assert await creator_dms(memory) == []  # one week queued is enough for this creator
    finally:
        await application.stop()


def test_warn_weeks_must_be_a_sensible_number() -> None:
    with pytest.raises(ValidationError, match="warn_weeks"):
        Runway.model_validate({"warn_weeks": 0})
    assert Runway().warn_weeks == 2


async def test_a_weekly_live_series_fills_the_live_slot_so_it_has_no_runway(
    app: App, memory: MemoryPlatform, creator: None
) -> None:
    assert "live" in [r.kind for r in await app.services.content.runway()]
    reply = await memory.command("creator", "live", "schedule every thursday 17:00 Europe/Oslo 60 | Office hours")
    assert "Office hours" in reply.texts[0]
    assert [r.kind for r in await app.services.content.runway()] == ["mini-training", "resource", "deep-dive"]


@pytest.mark.parametrize(
    ("locale", "weeks", "words"),
    [
        ("en", 1.0, "Only 1 week of Deep-dive drops is queued."),
        ("en", 3.0, "Only 3 weeks of Deep-dive drops are queued."),
        ("en", 1.5, "Only 1.5 weeks of Deep-dive drops are queued."),
        ("nl", 1.0, "Er staat nog maar 1 week aan"),
        ("nl", 2.0, "Er staan nog maar 2 weken aan"),
    ],
)
def test_the_runway_warning_agrees_with_the_weeks_queued(locale: str, weeks: float, words: str) -> None:
    """It said "Only 1 week of … drops are queued"."""
    from bot.i18n import Catalog
    from bot.notices.content import RunwayLow
    from bot.settings import REPO_ROOT
    from bot.views.content import runway_low

    t = Catalog.load(REPO_ROOT / "prompts").for_locale(locale)
    notice = RunwayLow("deep-dive", datetime(2026, 12, 19, 9, 0, tzinfo=UTC), 7, weeks, int(weeks))
    body = runway_low(notice, t, ZoneInfo("Europe/Oslo")).blocks[1].text  # type: ignore[attr-defined]
    assert body.startswith(words)
