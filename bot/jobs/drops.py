"""The weekly drop: publish due content on each slot's cron, in the community's time zone."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.jobs import Job
from bot.services.schedule import slot_trigger

if TYPE_CHECKING:
    from bot.services.registry import Services


def jobs(services: Services) -> list[Job]:
    community = services.community
    triggers = tuple(slot_trigger(slot, community.tz) for slot in community.config.drops.slots)
    return [Job(name="drops.publish", run=services.content.publish_due, triggers=triggers)]
