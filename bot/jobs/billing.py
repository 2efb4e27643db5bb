"""Billing's clockwork: drain Stripe events, dunning and grace, trials, seats, launch windows, win-backs, daily
reconciliation."""

from __future__ import annotations

from typing import TYPE_CHECKING

from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.jobs.job import Job

if TYPE_CHECKING:
    from bot.services.registry import Services

EVENTS_EVERY_MINUTES = 1  # a safety net: the event worker normally drains them within a second
SCAN_EVERY_MINUTES = 15
DOORS_EVERY_MINUTES = 5  # launch windows open and close the doors within this (a /join sees them at once)


def jobs(services: Services) -> list[Job]:
    billing = services.billing
    scan = (IntervalTrigger(minutes=SCAN_EVERY_MINUTES),)
    return [
        Job("billing.events", billing.process_events, (IntervalTrigger(minutes=EVENTS_EVERY_MINUTES),)),
        Job("billing.dunning", billing.run_dunning, scan),
        Job("billing.trials", billing.run_trials, scan),
        Job("billing.seats", billing.fill_seats, scan),
        Job("billing.doors", billing.run_doors, (IntervalTrigger(minutes=DOORS_EVERY_MINUTES),)),
        Job("billing.winback", billing.run_winback, (IntervalTrigger(hours=6),)),
        Job("billing.reconcile", billing.reconcile, (CronTrigger(hour=4, minute=17),)),
    ]
