"""Live Q&A reminders: every minute, queue whatever reminder has come due (computed from the database)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from apscheduler.triggers.interval import IntervalTrigger

from bot.jobs.job import Job

if TYPE_CHECKING:
    from bot.services.registry import Services

SCAN_EVERY_SECONDS = 60


def jobs(services: Services) -> list[Job]:
    return [
        Job(
            name="live.reminders",
            run=services.live.send_due_reminders,
            triggers=(IntervalTrigger(seconds=SCAN_EVERY_SECONDS),),
        )
    ]
