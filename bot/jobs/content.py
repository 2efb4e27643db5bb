"""Drops on a timer: each slot's cron (community time zone) publishes what is due; the Monday digest for members who chose it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from apscheduler.triggers.interval import IntervalTrigger

from bot.jobs.job import Job
from bot.services.schedule import slot_trigger

if TYPE_CHECKING:
    from bot.services.registry import Services

DIGEST_SCAN_MINUTES = 30


def jobs(services: Services) -> list[Job]:
    community = services.community
    triggers = tuple(slot_trigger(slot, community.tz) for slot in community.config.drops.slots)
    return [
        Job(name="drops.publish", run=services.content.publish_due, triggers=triggers),
        Job(
            name="drops.digest",
            run=services.content.send_weekly_digests,
            triggers=(IntervalTrigger(minutes=DIGEST_SCAN_MINUTES),),
        ),
    ]
