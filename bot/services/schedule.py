"""Drop slots: turn crontab slots in the community's time zone into concrete publish times."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

from bot.community.schema import DropSlot


def slot_trigger(slot: DropSlot, tz: ZoneInfo) -> CronTrigger:
    return CronTrigger.from_crontab(slot.cron, timezone=tz)


def next_slot_after(slots: Sequence[DropSlot], kind: str, after: datetime, tz: ZoneInfo) -> datetime | None:
    """The first occurrence of any slot of `kind` strictly after `after`, in UTC."""
    candidates = []
    for slot in slots:
        if slot.kind != kind:
            continue
        fire = slot_trigger(slot, tz).get_next_fire_time(None, after + timedelta(seconds=1))
        if fire is not None:
            candidates.append(fire.astimezone(UTC))
    return min(candidates, default=None)


def firings_after(slots: Sequence[DropSlot], kind: str, after: datetime, tz: ZoneInfo) -> Iterator[datetime]:
    """The firings of the slots of `kind` strictly after `after`, one after another (none when no slot sends it)."""
    cursor = next_slot_after(slots, kind, after, tz)
    while cursor is not None:
        yield cursor
        cursor = next_slot_after(slots, kind, cursor, tz)
