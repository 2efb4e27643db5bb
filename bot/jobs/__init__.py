"""Time-driven features. Each module exposes `jobs(services)`; `all_jobs` lists every module.

A job keeps no progress in memory: each run computes what is due from the database, so a
restart or a missed tick loses nothing and running twice does nothing twice.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.jobs import (
    announcements,
    billing,
    briefing,
    calendar,
    content,
    engagement,
    experiments,
    live,
    onboarding,
    referrals,
)
from bot.jobs.job import Job

if TYPE_CHECKING:
    from bot.services.registry import Services


def all_jobs(services: Services) -> list[Job]:
    return [
        *calendar.jobs(services),
        *content.jobs(services),
        *onboarding.jobs(services),
        *announcements.jobs(services),
        *referrals.jobs(services),
        *live.jobs(services),
        *engagement.jobs(services),
        *billing.jobs(services),
        *briefing.jobs(services),
        *experiments.jobs(services),
    ]


__all__ = ["Job", "all_jobs"]
