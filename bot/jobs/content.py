"""Drops on a timer: each slot's cron (community time zone) publishes what is due, and a scan every
minute publishes drops given a time of their own (`/drop schedule`, `publish_at` in a file); the
Monday digest for members who chose it; the runway scan that warns the creator before a slot runs dry."""

from __future__ import annotations

from typing import TYPE_CHECKING

from apscheduler.triggers.interval import IntervalTrigger

from bot.jobs.job import Job
from bot.services.schedule import slot_trigger

if TYPE_CHECKING:
    from bot.services.registry import Services

# A drop given its own time goes out within a minute of it (within 15 in the console's `/time` walk,
# where a one-minute poll runs every 15 minutes, at the stops the live reminders make anyway).
# Nothing due costs one indexed look-up.
DUE_SCAN_MINUTES = 1
DIGEST_SCAN_MINUTES = 30
# The warning is due on a date (14, 7, 2 days ahead); a scan every six hours finds it the same day,
# the first scan after quiet hours (scans in them send nothing, lest a warning wait all night and
# arrive after the slot was filled). Hourly, it was a tenth of a month's /time walk.
RUNWAY_SCAN_HOURS = 6


def jobs(services: Services) -> list[Job]:
    community = services.community
    triggers = tuple(slot_trigger(slot, community.tz) for slot in community.config.drops.slots)
    return [
        Job(name="drops.publish", run=services.content.publish_due, triggers=triggers),
        Job(
            name="drops.due",
            run=services.content.publish_if_due,
            triggers=(IntervalTrigger(minutes=DUE_SCAN_MINUTES),),
        ),
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
