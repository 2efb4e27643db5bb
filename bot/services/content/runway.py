"""The content runway: for each drop slot, which queued drops fill its coming firings, how many
weeks that lasts, and the first firing with nothing to send.

A firing is filled by an unpublished item of the slot's kind scheduled exactly at it, or by an
item still waiting in the queue, which `schedule_queue` will give the next free firing after the
slots' last drop of its kind (this mirrors it, without writing anything).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.community.schema import DropSlot
from bot.notices.content import ContentPiece, QueuedDrop, SlotRunway
from bot.services.schedule import slot_trigger

HORIZON = timedelta(days=400)  # how far ahead firings are looked at (past the last scheduled drop)
MAX_FIRINGS = 600  # per slot: a slot firing hourly stops here instead of listing a year of hours
DST_SLACK = timedelta(hours=2)  # a week between two firings is an hour shorter or longer across a clock change
SPACING_SAMPLE = 8  # firings used to measure how many weeks one firing stands for

__all__ = ["QueuedDrop", "SlotRunway", "compute_runway"]


def compute_runway(
    slots: Sequence[DropSlot],
    pending: Sequence[ContentPiece],
    last_scheduled: dict[str, datetime],
    now: datetime,
    tz: ZoneInfo,
    warn_weeks: int = 2,
) -> tuple[SlotRunway, ...]:
    """Each slot's runway, in the order of `[[drops.slots]]`.

    `pending` holds the unpublished items, scheduled ones with their `publish_at`, queued ones in
    queue order; `last_scheduled` the slots' last drop of each kind, published or queued on a firing
    (`placement.slot_ends`: a drop pinned to a time of its own elsewhere does not count).
    """
    filled: dict[datetime, ContentPiece] = {}
    firings = {
        index: list(_firings(slot, tz, now, _horizon(pending, now), _enough(slot, pending, now)))
        for index, slot in enumerate(slots)
    }
    for kind in dict.fromkeys(slot.kind for slot in slots):
        of_kind = [p for p in pending if p.kind == kind]
        kind_firings = sorted({f for i, s in enumerate(slots) if s.kind == kind for f in firings[i]})
        on_slot = set(kind_firings)
        for piece in of_kind:
            if piece.publish_at is not None and piece.publish_at.astimezone(UTC) in on_slot:
                filled.setdefault(piece.publish_at.astimezone(UTC), piece)
        waiting = [p for p in of_kind if p.publish_at is None]
        cursor = max(now, last_scheduled.get(kind, now))
        free = (f for f in kind_firings if f > cursor and f not in filled)
        for piece, firing in zip(waiting, free, strict=False):
            filled[firing] = piece
    return tuple(
        _slot_runway(slot, firings[i], filled, tz, warn_weeks, last_scheduled.get(slot.kind), now)
        for i, slot in enumerate(slots)
    )


def _slot_runway(
    slot: DropSlot,
    firings: list[datetime],
    filled: dict[datetime, ContentPiece],
    tz: ZoneInfo,
    warn_weeks: int,
    last: datetime | None,
    now: datetime,
) -> SlotRunway:
    queued = tuple(QueuedDrop(filled[f], f) for f in firings if f in filled)
    first_empty_at = next((f for f in firings if f not in filled), None)
    in_a_row = firings.index(first_empty_at) if first_empty_at is not None else len(firings)
    per_firing = _weeks_per_firing(firings)
    # Dry: nothing queued and no drop of its kind within the last interval, so a firing already passed empty.
    dry = not queued and (last is None or now - last >= per_firing * timedelta(weeks=1) - DST_SLACK)
    return SlotRunway(
        kind=slot.kind,
        cron=slot.cron,
        weeks_queued=round(in_a_row * per_firing, 1),
        first_empty=first_empty_at.astimezone(tz).date() if first_empty_at else None,
        first_empty_at=first_empty_at,
        queued=queued,
        warn_weeks=warn_weeks,
        dry=dry,
    )


def _horizon(pending: Sequence[ContentPiece], now: datetime) -> datetime:
    latest = max((p.publish_at for p in pending if p.publish_at is not None), default=now)
    return max(latest, now) + HORIZON


def _enough(slot: DropSlot, pending: Sequence[ContentPiece], now: datetime) -> tuple[datetime, int]:
    """How many firings the runway needs: every one up to the last drop of the slot's kind scheduled
    ahead, then one per drop still waiting in the queue, the first empty one, and enough to measure
    the spacing. Listing a year of firings instead made this a third of a month's `/time` walk."""
    of_kind = [p for p in pending if p.kind == slot.kind]
    last = max((p.publish_at for p in of_kind if p.publish_at is not None), default=now)
    waiting = sum(1 for p in of_kind if p.publish_at is None)
    return max(last, now), waiting + SPACING_SAMPLE + 1


def _firings(
    slot: DropSlot, tz: ZoneInfo, now: datetime, until: datetime, enough: tuple[datetime, int]
) -> Iterator[datetime]:
    """The slot's firings strictly after `now` and up to `until`, in UTC, stopping once `enough` is
    reached: past its moment, with its count of firings after that moment."""
    trigger = slot_trigger(slot, tz)
    after, (past, beyond) = now, enough
    for _ in range(MAX_FIRINGS):
        fire = trigger.get_next_fire_time(None, after + timedelta(seconds=1))
        if fire is None or fire > until:
            return
        fire = fire.astimezone(UTC)
        yield fire
        if fire > past:
            beyond -= 1
            if beyond <= 0:
                return
        after = fire


def _weeks_per_firing(firings: list[datetime]) -> float:
    """How many weeks one firing covers: 1 for a weekly slot, 0.5 for twice a week, about 4.3 for monthly."""
    sample = firings[:SPACING_SAMPLE]
    if len(sample) < 2:
        return 1.0
    return (sample[-1] - sample[0]) / (len(sample) - 1) / timedelta(weeks=1)
