"""Live sessions on a timer: every minute, queue whatever reminder has come due; every hour (and at
each "live" drop slot), keep weekly series going: occurrences made ahead, each announced once."""

from __future__ import annotations

from typing import TYPE_CHECKING

from apscheduler.triggers.interval import IntervalTrigger

from bot.jobs.job import Job
from bot.services.schedule import slot_trigger

if TYPE_CHECKING:
    from bot.services.registry import Services

SCAN_EVERY_SECONDS = 60
SERIES_EVERY_MINUTES = 60


def jobs(services: Services) -> list[Job]:
    community = services.community
    live_slots = tuple(slot_trigger(s, community.tz) for s in community.config.drops.slots if s.kind == "live")
    return [
        Job(
            name="live.reminders",
            run=services.live.send_due_reminders,
            triggers=(IntervalTrigger(seconds=SCAN_EVERY_SECONDS),),
        ),
        Job(
            name="live.series",
            run=services.live.keep_series,
            triggers=(IntervalTrigger(minutes=SERIES_EVERY_MINUTES), *live_slots),
        ),
    ]
