"""The creator's weekly briefing: at its time (`[briefing]` in community.toml, community time), and an hourly
scan that catches up on a briefing the bot was down for (the outbox's dedupe key sends each week's once)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.jobs.job import Job

if TYPE_CHECKING:
    from bot.services.registry import Services

CATCH_UP_SCAN_HOURS = 1


def jobs(services: Services) -> list[Job]:
    settings = services.community.config.briefing
    if not settings.enabled:
        return []
    triggers: tuple[BaseTrigger, ...] = (
        CronTrigger(
            day_of_week=settings.day[:3],
            hour=settings.time.hour,
            minute=settings.time.minute,
            timezone=services.community.tz,
        ),
        IntervalTrigger(hours=CATCH_UP_SCAN_HOURS),
    )
    return [Job(name="briefing.weekly", run=services.briefing.send_due, triggers=triggers)]
