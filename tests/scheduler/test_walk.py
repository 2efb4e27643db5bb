"""Time that jumps: each job runs at every moment it would have run on the way, in order, with
what it queued delivered there; cutting a jump into pieces changes nothing."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.clock import FakeClock
from bot.jobs.job import Job
from bot.scheduler import JobScheduler
from storage.database import Database
from storage.leader import LeaderLock

OSLO = ZoneInfo("Europe/Oslo")
START = datetime(2026, 11, 2, 4, 59, tzinfo=UTC)  # Monday 05:59 in Oslo


def job(
    name: str, *triggers: object, log: list[tuple[str, datetime]] | None = None, clock: FakeClock | None = None
) -> Job:
    async def run() -> None:
        if log is not None and clock is not None:
            log.append((name, clock.now()))

    return Job(name, run, tuple(triggers))  # type: ignore[arg-type]  # the triggers are BaseTrigger


def at(hour: int, minute: int = 0, day: int = 2) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


def test_an_hourly_job_runs_every_hour_of_a_jump() -> None:
    hourly = job("hourly", IntervalTrigger(hours=1))
    assert hourly.firings(START, START + timedelta(hours=4)) == [at(5), at(6), at(7), at(8)]
    assert len(hourly.firings(START, START + timedelta(days=40))) == 40 * 24


def test_a_cron_job_runs_at_each_of_its_times_in_its_own_zone() -> None:
    drops = job("drops", CronTrigger.from_crontab("0 9 * * mon,wed", timezone=OSLO))
    week = drops.firings(START, START + timedelta(days=7))
    assert week == [at(8), at(8, day=4)]  # 09:00 in Oslo is 08:00 UTC in November
    assert not drops.polls


def test_a_poll_runs_fifteen_times_less_often_but_at_least_hourly_and_where_the_jump_ends() -> None:
    minute = job("minute", IntervalTrigger(minutes=1))
    five = job("five", IntervalTrigger(minutes=5))
    end = START + timedelta(hours=1)
    assert minute.firings(START, end) == [at(5), at(5, 15), at(5, 30), at(5, 45), end]
    assert five.firings(START, end) == [at(5), end]
    assert minute.polls and five.polls
    assert job("six", IntervalTrigger(hours=6)).firings(START, START + timedelta(days=1)) == [
        at(6),
        at(12),
        at(18),
        at(0, day=3),
    ]


def test_a_job_may_set_its_own_step_and_a_one_off_date_fires_once() -> None:
    exact = Job("exact", job("x").run, (IntervalTrigger(minutes=5),), jump_step=timedelta(minutes=5))
    assert len(exact.firings(START, START + timedelta(hours=1))) == 12 + 1  # every 5 minutes, and the end
    once = job("once", DateTrigger(at(7)))
    assert once.firings(START, START + timedelta(days=1)) == [at(7)]
    assert once.firings(at(7), START + timedelta(days=1)) == []  # already past


def test_cutting_a_jump_into_pieces_stops_at_the_same_moments() -> None:
    jobs = [
        job("drops", CronTrigger.from_crontab("0 9 * * mon,wed,thu,sat", timezone=OSLO)),
        job("hourly", IntervalTrigger(hours=1)),
        job("quarter", IntervalTrigger(minutes=15)),
        job("six", IntervalTrigger(hours=6)),
        job("nightly", CronTrigger(hour=4, minute=17, timezone=OSLO)),
    ]
    scheduler = JobScheduler(jobs, OSLO, LeaderLock(Database("sqlite+aiosqlite://")))
    whole = scheduler.plan(START, START + timedelta(days=40))
    days = [START + timedelta(days=n) for n in range(41)]
    pieces = [stop for after, until in pairwise(days) for stop in scheduler.plan(after, until)]
    named = {(moment, tuple(j.name for j in run)) for moment, run in pieces}
    assert {(moment, tuple(j.name for j in run)) for moment, run in whole} <= named
    # The only extra stops: a poll also runs where each piece ends (as it would have that minute).
    extra = named - {(moment, tuple(j.name for j in run)) for moment, run in whole}
    assert extra == {(day, ("quarter",)) for day in days[1:-1]}
    assert [moment for moment, _ in whole] == sorted({moment for moment, _ in whole})


async def test_a_walk_runs_each_jobs_moments_in_order_and_delivers_after_each_stop() -> None:
    clock = FakeClock(START)
    log: list[tuple[str, datetime]] = []
    jobs = [
        job("drops", CronTrigger.from_crontab("0 9 * * *", timezone=OSLO), log=log, clock=clock),
        job("hourly", IntervalTrigger(hours=1), log=log, clock=clock),
    ]
    settles: list[datetime] = []
    stops: list[datetime] = []

    async def settle() -> None:
        settles.append(clock.now())

    scheduler = JobScheduler(jobs, OSLO, LeaderLock(Database("sqlite+aiosqlite://")))
    made = await scheduler.walk(clock, timedelta(hours=4, minutes=30), settle=settle, on_step=stops.append)

    hours = [at(5), at(6), at(7), at(8), at(9)]
    assert log == [
        ("hourly", at(5)),
        ("hourly", at(6)),
        ("hourly", at(7)),
        ("drops", at(8)),
        ("hourly", at(8)),
        ("hourly", at(9)),
    ]
    assert made == 5 and stops == [*hours, at(9, 29)]
    assert settles == [*hours, at(9, 29)]  # and once more where the jump ends
    assert clock.now() == START + timedelta(hours=4, minutes=30)


async def test_a_failing_job_is_logged_once_per_walk_and_the_others_still_run(caplog: pytest.LogCaptureFixture) -> None:
    clock = FakeClock(START)
    ran: list[datetime] = []

    async def broken() -> None:
        raise RuntimeError("no such column")

    async def fine() -> None:
        ran.append(clock.now())

    async def settle() -> None:
        return None

    hourly = (IntervalTrigger(hours=1),)
    scheduler = JobScheduler(
        [Job("broken", broken, hourly), Job("fine", fine, hourly)], OSLO, LeaderLock(Database("sqlite+aiosqlite://"))
    )
    with caplog.at_level(logging.WARNING, logger="bot.scheduler"):
        await scheduler.walk(clock, timedelta(hours=5), settle=settle)
    assert len(ran) == 5
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1 and errors[0].exc_info is not None
    assert any("failed 5 times" in r.getMessage() for r in caplog.records)


async def test_time_never_walks_backwards() -> None:
    scheduler = JobScheduler([], OSLO, LeaderLock(Database("sqlite+aiosqlite://")))

    async def settle() -> None:
        return None

    with pytest.raises(ValueError, match="forward"):
        await scheduler.walk(FakeClock(START), timedelta(hours=-1), settle=settle)
