"""APScheduler triggers the jobs; one process (the leader) schedules, every process delivers."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.jobs import Job
from storage.leader import LeaderLock

log = logging.getLogger(__name__)


class JobScheduler:
    def __init__(self, jobs: Sequence[Job], tz: ZoneInfo, leader: LeaderLock) -> None:
        self.jobs = tuple(jobs)
        self._tz = tz
        self._leader = leader
        self._scheduler: AsyncIOScheduler | None = None

    async def start(self) -> bool:
        """Schedule the jobs if this process wins the leader lock. Returns whether it did."""
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

    async def run_all(self) -> None:
        """Run every job once now: catch-up at start-up, and after the console moves time."""
        for job in self.jobs:
            try:
                await job.run()
            except Exception:
                log.exception("job %s failed", job.name)

    async def stop(self) -> None:
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=False)
            self._scheduler = None
        await self._leader.release()
