"""Mirror live sessions into platform calendars every minute."""

from __future__ import annotations

from typing import TYPE_CHECKING

from apscheduler.triggers.interval import IntervalTrigger

from bot.jobs.job import Job

if TYPE_CHECKING:
    from bot.services.registry import Services


def jobs(services: Services) -> list[Job]:
    return [Job("live.calendar", services.calendar.sync, (IntervalTrigger(minutes=1),))]
