"""Weekly live series from community.toml (import creates, updates and calls off, idempotently),
the pure series rules, and the occurrence upsert on SQLite and PostgreSQL."""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from bot.app import App
from bot.clock import FakeClock
from bot.community.loader import load_community
from bot.community.schema import DropSlot
from bot.community.schema import LiveSeries as LiveSeriesSpec
from bot.platforms.memory import MemoryPlatform
from bot.services.errors import UserError
from bot.services.importer import import_community
from bot.services.live.series_rules import announce_at, occurrence_days, occurrence_start, parse_weekday
from storage.database import Database
from storage.models import LiveSeries, LiveSession
from storage.repositories import communities
from storage.repositories import live as repo
from tests.conftest import EditedApp
from tests.live.test_live import members, rows, run_jobs_at, text_of
from tests.live.test_series import THURSDAYS, occurrences

SERIES = """
[[live.series]]
key = "thursday-live"
title = "Thursday live"
day = "thursday"
time = 17:00:00
minutes = 75
link = "https://zoom.example/j/9"
"""
OSLO = ZoneInfo("Europe/Oslo")


def with_series(community_path: Path, tmp_path: Path, extra: str = SERIES) -> Path:
    path = tmp_path / "with-series"
    shutil.copytree(community_path, path)
    toml = path / "community.toml"
    toml.write_text(toml.read_text() + extra)
    return path


async def reimport(app: App, clock: FakeClock, path: Path) -> dict[str, int]:
    """What the import did to live series (the community's settings change with the file too)."""
    report = await import_community(app.database, load_community(path), clock.now())
    buckets = {bucket: getattr(report, bucket) for bucket in ("created", "updated", "removed")}
    return {f"{bucket}:live_series": n["live_series"] for bucket, n in buckets.items() if "live_series" in n}


# -- community.toml -------------------------------------------------------------------------


async def test_import_creates_the_series_once_and_the_job_makes_its_sessions(
    app: App, clock: FakeClock, community_path: Path, tmp_path: Path
) -> None:
    path = with_series(community_path, tmp_path)
    assert await reimport(app, clock, path) == {"created:live_series": 1}
    assert await reimport(app, clock, path) == {}  # importing twice changes nothing
    [series] = await rows(app, LiveSeries)
    assert (series.key, series.source, series.weekday, series.local_time) == ("thursday-live", "file", 3, time(17))
    assert series.timezone == "Europe/Oslo"  # the community's, as the file names none
    await app.tick()
    made = await occurrences(app)
    assert [s.starts_at for s in made] == THURSDAYS[:4]
    assert {(s.duration_min, s.link) for s in made} == {(75, "https://zoom.example/j/9")}


async def test_changing_the_file_retimes_coming_sessions_but_not_one_moved_by_hand(
    app: App, memory: MemoryPlatform, clock: FakeClock, community_path: Path, tmp_path: Path
) -> None:
    await reimport(app, clock, with_series(community_path, tmp_path))
    await app.tick()
    made = await occurrences(app)
    await memory.command("creator", "live", f"move {made[2].id} 2026-12-11 09:00")
    later = with_series(community_path, tmp_path / "b", SERIES.replace("17:00:00", "18:30:00").replace("75", "90"))
    assert await reimport(app, clock, later) == {"updated:live_series": 1}
    after = {s.id: s for s in await occurrences(app)}
    assert after[made[0].id].starts_at == datetime(2026, 11, 26, 17, 30, tzinfo=UTC)
    assert after[made[3].id].starts_at == datetime(2026, 12, 17, 17, 30, tzinfo=UTC)
    assert after[made[2].id].starts_at == datetime(2026, 12, 11, 8, 0, tzinfo=UTC)  # moved by hand: kept
    assert {s.duration_min for s in after.values()} == {90}
    await app.tick()
    assert len(await occurrences(app)) == 4  # the same occurrences, not new ones


async def test_a_series_removed_from_the_file_is_wound_down_and_members_told_once(
    app: App, memory: MemoryPlatform, clock: FakeClock, community_path: Path, tmp_path: Path
) -> None:
    await members(memory, "u1")
    await reimport(app, clock, with_series(community_path, tmp_path))
    await app.tick()
    made = await occurrences(app)
    await memory.click("u1", f"qa.rsvp:{made[1].id}")
    await memory.click("u1", f"qa.rsvp:{made[2].id}")
    assert await reimport(app, clock, community_path) == {"removed:live_series": 1}
    await run_jobs_at(app, clock, clock.now() + timedelta(minutes=1))
    assert {s.status for s in await occurrences(app)} == {"canceled"}
    told = [m for m in memory.dms_to("u1") if "has been called off" in text_of(m)]
    assert len(told) == 1 and "the 2 sessions you RSVP'd to" in text_of(told[0])
    assert await reimport(app, clock, community_path) == {}


async def test_a_file_series_called_off_in_chat_stays_off_on_reimport(
    app: App, memory: MemoryPlatform, clock: FakeClock, community_path: Path, tmp_path: Path
) -> None:
    path = with_series(community_path, tmp_path)
    await reimport(app, clock, path)
    await app.tick()
    listed = await memory.command("creator", "live", "series")
    assert "(from community.toml)" in text_of(listed.replies[0][0])
    await memory.command("creator", "live", "series cancel 1")
    assert await reimport(app, clock, path) == {}
    await app.tick()
    assert {s.status for s in await occurrences(app)} == {"canceled"}


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"day": "thursdy"}, "day"),
        ({"time": "25:00"}, "time"),
        ({"timezone": "Mars/Olympus"}, "unknown time zone"),
        ({"minutes": 5}, "minutes"),
        ({"link": "ftp://x.example"}, "link"),
        ({"key": "Not A Slug"}, "key"),
    ],
)
def test_the_file_says_which_setting_is_wrong(changes: dict[str, object], error: str) -> None:
    good = {"key": "k", "title": "T", "day": "thursday", "time": "17:00"}
    assert LiveSeriesSpec(**good).time == time(17)
    with pytest.raises(ValidationError, match=error):
        LiveSeriesSpec(**{**good, **changes})


# -- the pure rules -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "weekday"),
    [
        ("thursday", 3),
        ("Thursdays", 3),
        ("thu", 3),
        ("torsdag", 3),
        ("søn", 6),
        ("torsdager", 3),
        ("vrijdag", 4),
        ("tirs.", 1),
        ("星期日", 6),
    ],
)
def test_weekdays_in_english_and_norwegian(typed: str, weekday: int) -> None:
    assert parse_weekday(typed) == weekday


def test_an_unknown_weekday_is_a_user_error() -> None:
    with pytest.raises(UserError) as caught:
        parse_weekday("someday")
    assert caught.value.key == "live.errors.bad_weekday"


def test_occurrences_keep_the_local_time_across_daylight_saving() -> None:
    now = datetime(2027, 3, 20, 12, 0, tzinfo=UTC)
    days = list(occurrence_days(3, time(17), "Europe/Oslo", now, timedelta(days=14)))
    assert days == [date(2027, 3, 25), date(2027, 4, 1)]
    starts = [occurrence_start(d, time(17), "Europe/Oslo") for d in days]
    assert starts == [datetime(2027, 3, 25, 16, tzinfo=UTC), datetime(2027, 4, 1, 15, tzinfo=UTC)]


def test_announced_by_the_live_slot_in_the_week_before_else_six_days_ahead() -> None:
    starts = datetime(2026, 12, 3, 16, 0, tzinfo=UTC)  # Thursday 17:00 in Oslo
    monday = DropSlot(kind="live", cron="0 9 * * mon")
    same_time = DropSlot(kind="live", cron="0 17 * * thu")
    other_kind = DropSlot(kind="resource", cron="0 9 * * wed")
    assert announce_at(starts, [monday], OSLO) == (datetime(2026, 11, 30, 8, 0, tzinfo=UTC), True)
    # Found as an outsider: a slot at the session's own time posted it as it started, so nobody
    # could RSVP from the post or be reminded; the week before's firing announces it.
    assert announce_at(starts, [same_time], OSLO) == (starts - timedelta(days=7), True)
    half_an_hour_before = DropSlot(kind="live", cron="30 16 * * thu")  # too late: six days ahead instead
    assert announce_at(starts, [half_an_hour_before], OSLO) == (starts - timedelta(days=6), False)
    assert announce_at(starts, [other_kind], OSLO) == (starts - timedelta(days=6), False)


def test_the_week_before_is_a_week_of_the_community_clock_across_daylight_saving() -> None:
    """Found as an outsider: on Thu 25 Mar (CET) both that day's session and the 1 Apr one (CEST)
    were posted, and nothing on 1 Apr: the week before was counted as 168 hours."""
    same_time = DropSlot(kind="live", cron="0 17 * * thu")
    april = datetime(2027, 4, 1, 15, 0, tzinfo=UTC)  # Thursday 17:00 CEST
    assert announce_at(april, [same_time], OSLO) == (datetime(2027, 3, 25, 16, 0, tzinfo=UTC), True)  # 17:00 CET
    october = datetime(2027, 11, 4, 16, 0, tzinfo=UTC)  # Thursday 17:00 CET, the week after summer time ends
    assert announce_at(october, [same_time], OSLO) == (datetime(2027, 10, 28, 15, 0, tzinfo=UTC), True)  # CEST


# -- storage on both databases ------------------------------------------------------------------


async def test_an_occurrence_is_made_once_per_series_and_date(db: Database, clock: FakeClock) -> None:
    spec = load_community(Path(__file__).parents[2] / "examples" / "strategy-club")
    await import_community(db, spec, clock.now())
    now, day = clock.now(), date(2026, 11, 26)
    async with db.session() as session:
        community = await communities.by_slug(session, "strategy-club")
        assert community is not None
        series = await repo.add_series(
            session, community.id, now=now, key="k", title="T", weekday=3, local_time=time(17),
            timezone="Europe/Oslo", duration_min=60, link=None, description="", source="chat",
        )  # fmt: skip
        starts = occurrence_start(day, time(17), "Europe/Oslo")
        assert await repo.ensure_occurrence(session, series, day, starts, now) is True
        assert await repo.ensure_occurrence(session, series, day, starts, now) is False
        assert await repo.occurrence_days(session, series.id) == {day}
        assert await repo.has_active_series(session, community.id) is True
        made = await repo.occurrence(session, series.id, day)
        assert made is not None and (made.starts_at, made.status) == (starts, "scheduled")
        assert [s.id for s in await repo.occurrences_from(session, series.id, now)] == [made.id]
        rows_ = await repo.series_occurrences_between(session, community.id, now, now + timedelta(days=7))
        assert [s.id for s in rows_] == [made.id]
    assert isinstance(made, LiveSession)


async def test_without_a_live_slot_each_session_is_announced_six_days_ahead_in_the_live_channel(
    edited_app: EditedApp, memory: MemoryPlatform, clock: FakeClock
) -> None:
    slot = '[[drops.slots]]\nkind = "live"\ncron = "0 17 * * thu"\n'

    def series_without_a_live_slot(text: str) -> str:
        assert slot in text, "sample community.toml changed shape"
        return text.replace(slot, "") + SERIES

    app = await edited_app(series_without_a_live_slot)
    await app.tick()
    first = (await occurrences(app))[0]
    assert memory.posts_in("live") == []
    await run_jobs_at(app, clock, THURSDAYS[0] - timedelta(days=6))
    [post] = memory.posts_in("live")
    assert f"qa.rsvp:{first.id}" in [c.action_id for c in post.choices()]  # type: ignore[union-attr]
    assert memory.posts_in("drops") == []
