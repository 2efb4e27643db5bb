"""What a job is: a name, what to run, and when (APScheduler triggers)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from apscheduler.triggers.base import BaseTrigger


@dataclass(frozen=True)
class Job:
    name: str
    run: Callable[[], Awaitable[Any]]
    triggers: tuple[BaseTrigger, ...]
