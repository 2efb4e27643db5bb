"""Scheduled announcements go out when due."""

from __future__ import annotations

from typing import TYPE_CHECKING

from apscheduler.triggers.interval import IntervalTrigger

from bot.jobs.job import Job

if TYPE_CHECKING:
    from bot.services.registry import Services

ANNOUNCE_EVERY_MINUTES = 1


def jobs(services: Services) -> list[Job]:
    every = IntervalTrigger(minutes=ANNOUNCE_EVERY_MINUTES)
    return [Job("announcements.send_due", services.announcements.send_due, (every,))]
