"""Creator tools on a timer: scheduled announcements go out when due; referrals are credited once paid."""

from __future__ import annotations

from typing import TYPE_CHECKING

from apscheduler.triggers.interval import IntervalTrigger

from bot.jobs.job import Job

if TYPE_CHECKING:
    from bot.services.registry import Services

ANNOUNCE_EVERY_MINUTES = 1
CREDIT_EVERY_MINUTES = 5


def jobs(services: Services) -> list[Job]:
    announce_every = IntervalTrigger(minutes=ANNOUNCE_EVERY_MINUTES)
    credit_every = IntervalTrigger(minutes=CREDIT_EVERY_MINUTES)
    return [
        Job("announcements.send_due", services.announcements.send_due, (announce_every,)),
        Job("referrals.credit", services.referrals.credit_due, (credit_every,)),
    ]
