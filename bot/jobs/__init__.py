"""Time-driven features. Each module exposes `jobs(services)`; `all_jobs` lists every module.

A job keeps no progress in memory: each run computes what is due from the database, so a
restart or a missed tick loses nothing and running twice does nothing twice.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from apscheduler.triggers.base import BaseTrigger

if TYPE_CHECKING:
    from bot.services.registry import Services


@dataclass(frozen=True)
class Job:
    name: str
    run: Callable[[], Awaitable[Any]]
    triggers: tuple[BaseTrigger, ...]


def all_jobs(services: Services) -> list[Job]:
    from bot.jobs import announcements, billing, calendar, drops, engagement, live, onboarding

    return [
        *calendar.jobs(services),
        *drops.jobs(services),
        *onboarding.jobs(services),
        *announcements.jobs(services),
        *live.jobs(services),
        *engagement.jobs(services),
        *billing.jobs(services),
    ]
