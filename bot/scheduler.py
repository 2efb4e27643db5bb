"""APScheduler triggers the jobs; one process (the leader) schedules, every process delivers.

The leader is whoever holds the PostgreSQL advisory lock (storage/leader.py). Followers try
for it again every `retry_seconds`, and the leader checks on the same beat that its lock's
connection is still alive, so when the leader dies another process schedules within one
interval (plus PostgreSQL noticing the dead session, immediate when the process exits).

`walk` is time that jumps (the console's `/time +3d`, tests): the clock stops at every moment a
job would have run on the way, runs those jobs in order and delivers what they queued, so a
jump sends what the same stretch of real time would have sent.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.clock import Clock
from bot.jobs.job import Job
from storage.leader import LeaderLock

log = logging.getLogger(__name__)

LEADER_RETRY_SECONDS = 20.0


class MovableClock(Protocol):
    """A clock that can be pushed forward (FakeClock, OffsetClock)."""

    def now(self) -> datetime: ...

    def advance(self, delta: timedelta) -> None: ...


class JobScheduler:
    def __init__(self, jobs: Sequence[Job], tz: ZoneInfo, leader: LeaderLock) -> None:
        self.jobs = tuple(jobs)
        self._tz = tz
        self._leader = leader
        self._scheduler: AsyncIOScheduler | None = None

    @property
    def leading(self) -> bool:
        """Whether this process schedules the jobs right now."""
        return self._scheduler is not None

    async def start(self) -> bool:
        """Schedule the jobs if this process wins the leader lock. Returns whether it did."""
        if self._scheduler is not None:
            return True
        if not await self._leader.try_acquire():
            log.info("another process schedules the jobs; this one only delivers")
            return False
        scheduler = AsyncIOScheduler(timezone=self._tz, job_defaults={"coalesce": True, "misfire_grace_time": 3600})
        for job in self.jobs:
            for n, trigger in enumerate(job.triggers):
                scheduler.add_job(job.run, trigger, id=f"{job.name}#{n}", name=job.name, max_instances=1)
        scheduler.start()
        self._scheduler = scheduler
        return True

    async def check_leadership(self) -> bool:
        """One election beat: a leader whose lock died stops scheduling; a follower tries to take over.

        A new leader runs every job once at once, catching up on what the old one left due.
        Returns whether this process leads afterwards.
        """
        if self._scheduler is not None:
            if await self._leader.still_held():
                return True
            self._stop_scheduler()
        try:
            won = await self._leader.try_acquire()
        except Exception:  # the database is unreachable: stay a follower, try again next beat
            log.warning("could not reach the database to try for the scheduler lock")
            return False
        if not won:
            return False
        log.info("this process now schedules the jobs")
        await self.start()
        await self.run_all()
        return True

    async def keep_leader(self, clock: Clock, retry_seconds: float = LEADER_RETRY_SECONDS) -> None:
        """Run `check_leadership` every `retry_seconds` until cancelled (a background task)."""
        while True:
            await clock.sleep(retry_seconds)
            try:
                await self.check_leadership()
            except Exception:
                log.exception("scheduler election failed; trying again in %.0f s", retry_seconds)

    async def run_all(self) -> None:
        """Run every job once now: catch-up at start-up, and after the console moves time."""
        for job in self.jobs:
            try:
                await job.run()
            except Exception:
                log.exception("job %s failed", job.name)

    def plan(self, after: datetime, until: datetime) -> list[tuple[datetime, list[Job]]]:
        """Every moment in (after, until] at which some job runs, with those jobs in their order."""
        moments: dict[datetime, list[Job]] = {}
        for job in self.jobs:
            for moment in job.firings(after, until):
                moments.setdefault(moment, []).append(job)
        return sorted(moments.items(), key=lambda item: item[0])

    async def walk(
        self,
        clock: MovableClock,
        delta: timedelta,
        *,
        settle: Callable[[], Awaitable[object]],
        on_step: Callable[[datetime], None] | None = None,
    ) -> int:
        """Move `clock` forward by `delta`, stopping wherever a job would have run (see `plan`):
        there, run those jobs in order, then `settle` (deliver what is due). Returns the stops made.

        `on_step(moment)` is told each stop before its jobs run, and the jump's end. A job that
        fails is logged once per walk (with how often it failed), and the walk goes on.
        """
        if delta < timedelta(0):
            raise ValueError("time only moves forward")
        start = clock.now()
        end = start + delta
        failures: dict[str, int] = {}
        stops = self.plan(start, end)
        for moment, jobs in stops:
            if moment > clock.now():
                clock.advance(moment - clock.now())
            if on_step is not None:
                on_step(moment)
            for job in jobs:
                try:
                    await job.run()
                except Exception:
                    if job.name not in failures:
                        log.exception("job %s failed at %s", job.name, moment.isoformat(timespec="minutes"))
                    failures[job.name] = failures.get(job.name, 0) + 1
            await settle()
        if end > clock.now():  # where the jump ends: deliver what fell due since the last stop
            clock.advance(end - clock.now())
            if on_step is not None:
                on_step(end)
            await settle()
        for name, count in failures.items():
            if count > 1:
                log.warning("job %s failed %d times while time moved forward", name, count)
        return len(stops)

    def _stop_scheduler(self) -> None:
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=False)
            self._scheduler = None

    async def stop(self) -> None:
        self._stop_scheduler()
        await self._leader.release()
