"""`[[live.series]]` in community.toml into the database, idempotently (the importer calls this).

Only the database changes here: the series job (`Series.keep_series`) makes the occurrences,
announces them, and tells members when a series removed from the file is wound down.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from bot.community.schema import CommunityFile
from bot.services.live.series_rules import WEEKDAYS, occurrence_start
from storage.database import Session
from storage.models import LiveSeries
from storage.repositories import live as repo

RULE = ("weekday", "local_time", "timezone")
COPIED = ("title", "duration_min", "link", "description")  # what every coming occurrence takes over


async def sync_series(session: Session, community_id: int, config: CommunityFile, now: datetime) -> list[str]:
    """Create, update and call off file series to match the file. Returns one of "created",
    "updated" or "removed" per series changed.

    A series called off in chat stays off while the file still names it (a new key starts a
    new one); series started in chat are left alone."""
    changes: list[str] = []
    existing = {s.key: s for s in await repo.all_series(session, community_id)}
    for spec in config.live.series:
        values: dict[str, object] = {
            "title": spec.title,
            "weekday": WEEKDAYS.index(spec.day),
            "local_time": spec.time,
            "timezone": spec.timezone or config.community.timezone,
            "duration_min": spec.minutes,
            "link": spec.link,
            "description": spec.description,
            "source": "file",
        }
        row = existing.get(spec.key)
        if row is None:
            await repo.add_series(session, community_id, now=now, key=spec.key, **values)
            changes.append("created")
        elif row.status == "active" and any(getattr(row, k) != v for k, v in values.items()):
            await _follow(session, row, values, now)
            for key, value in values.items():
                setattr(row, key, value)
            changes.append("updated")
    named = {spec.key for spec in config.live.series}
    for key, row in existing.items():
        if row.source == "file" and row.status == "active" and key not in named:
            row.status, row.canceled_at = "canceled", now
            changes.append("removed")
    return changes


async def _follow(session: Session, series: LiveSeries, values: dict[str, object], now: datetime) -> None:
    """Coming occurrences take the new title, length and link; those still at the old rule's time
    move to the new one (in the same week). Occurrences moved by hand keep their time."""
    weekday, local_time, timezone = values["weekday"], values["local_time"], values["timezone"]
    assert isinstance(weekday, int) and isinstance(local_time, time) and isinstance(timezone, str)
    rule_changed = any(getattr(series, k) != values[k] for k in RULE)
    taken = await repo.occurrence_days(session, series.id)
    for live in await repo.occurrences_from(session, series.id, now):
        for key in COPIED:
            setattr(live, key, values[key])
        day = live.occurrence_on
        if not rule_changed or day is None:
            continue
        if live.starts_at != occurrence_start(day, series.local_time, series.timezone):
            continue  # moved by hand
        new_day = day + timedelta(days=weekday - series.weekday)
        starts_at = occurrence_start(new_day, local_time, timezone)
        if starts_at > now and (new_day == day or new_day not in taken):
            taken.discard(day)
            taken.add(new_day)
            live.starts_at, live.occurrence_on = starts_at, new_day
