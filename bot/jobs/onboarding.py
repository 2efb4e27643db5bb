"""The drip: every few minutes, queue the onboarding steps that have come due."""

from __future__ import annotations

from typing import TYPE_CHECKING

from apscheduler.triggers.interval import IntervalTrigger

from bot.jobs.job import Job

if TYPE_CHECKING:
    from bot.services.registry import Services

SCAN_EVERY_MINUTES = 5


def jobs(services: Services) -> list[Job]:
    return [Job("onboarding.drip", services.onboarding.send_due_steps, (IntervalTrigger(minutes=SCAN_EVERY_MINUTES),))]
