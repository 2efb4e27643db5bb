"""Drops on a timer: each slot's cron (community time zone) publishes what is due; the Monday digest for members
who chose it; the runway scan that warns the creator before a slot runs dry."""

from __future__ import annotations

from typing import TYPE_CHECKING

from apscheduler.triggers.interval import IntervalTrigger

from bot.jobs.job import Job
from bot.services.schedule import slot_trigger

if TYPE_CHECKING:
    from bot.services.registry import Services

DIGEST_SCAN_MINUTES = 30
# The warning is due on a date (14, 7, 2 days ahead); a scan every six hours finds it the same night
# and it is sent after quiet hours. Hourly, it was a tenth of a month's /time walk.
RUNWAY_SCAN_HOURS = 6


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
        Job(
            name="drops.runway",
            run=services.content.warn_short_runway,
            triggers=(IntervalTrigger(hours=RUNWAY_SCAN_HOURS),),
        ),
    ]
