"""Once a day, at the creator's hour (`[nudges] creator_time`, community time), tell the creator about any
experiment that has found its winner (once per experiment and variant: the outbox key names both)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from apscheduler.triggers.cron import CronTrigger

from bot.jobs.job import Job

if TYPE_CHECKING:
    from bot.services.registry import Services


def jobs(services: Services) -> list[Job]:
    community = services.community
    if not community.config.experiments:
        return []
    at = community.config.nudges.creator_time
    trigger = CronTrigger(hour=at.hour, minute=at.minute, timezone=community.tz)
    return [Job("experiments.winners", services.experiments.tell_winners, (trigger,))]
