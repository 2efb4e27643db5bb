"""Referrals are credited (and the ambassador thanked) once the friend pays."""

from __future__ import annotations

from typing import TYPE_CHECKING

from apscheduler.triggers.interval import IntervalTrigger

from bot.jobs.job import Job

if TYPE_CHECKING:
    from bot.services.registry import Services

CREDIT_EVERY_MINUTES = 5


def jobs(services: Services) -> list[Job]:
    return [Job("referrals.credit", services.referrals.credit_due, (IntervalTrigger(minutes=CREDIT_EVERY_MINUTES),))]
