"""Engagement scans: win-backs, inactivity nudges, milestones and the monthly recap, every hour."""

from __future__ import annotations

from typing import TYPE_CHECKING

from apscheduler.triggers.interval import IntervalTrigger

from bot.jobs.job import Job
from bot.services.engagement.common import SCAN_EVERY

if TYPE_CHECKING:
    from bot.services.registry import Services


def jobs(services: Services) -> list[Job]:
    engagement = services.engagement
    every = (IntervalTrigger(seconds=int(SCAN_EVERY.total_seconds())),)
    return [
        # Returns first: a member who came back is no longer quiet when the nudge scan looks.
        Job(name="engagement.returns", run=engagement.nudges.record_returns, triggers=every),
        Job(name="engagement.nudges", run=engagement.nudges.scan, triggers=every),
        Job(name="engagement.milestones", run=engagement.milestones.scan, triggers=every),
        Job(name="engagement.recap", run=engagement.recap.scan, triggers=every),
    ]
