"""The doors' timetable: launch windows from community.toml (`[[doors.windows]]`) and from `/doors open ...
until`, kept in the database, and what is due at a given moment (open one, close one, skip the missed)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, time
from uuid import uuid4
from zoneinfo import ZoneInfo

from bot.community.schema import CommunityFile
from bot.services.community import CommunityContext
from bot.services.errors import UserError
from bot.services.parsing import check_ahead
from storage.database import Session
from storage.models import LaunchWindow
from storage.repositories import waitlist

log = logging.getLogger(__name__)

CONFIG = "config:"
DAY_ENDS = time(23, 59)  # `until 2027-01-15`: the doors stay open through that day
COMMAND = "command:"


@dataclass(frozen=True)
class Planned:
    """One `[[doors.windows]]` entry, in UTC."""

    key: str
    opens_at: datetime
    closes_at: datetime
    founding: bool


@dataclass(frozen=True)
class Moves:
    """What is due now: windows whose time is up, the one to open, and those that came and went unseen."""

    close: Sequence[LaunchWindow] = ()
    open: LaunchWindow | None = None
    missed: Sequence[LaunchWindow] = field(default_factory=tuple)


def _utc(moment: datetime, zone: ZoneInfo) -> datetime:
    return (moment if moment.tzinfo is not None else moment.replace(tzinfo=zone)).astimezone(UTC)


def planned(config: CommunityFile, zone: ZoneInfo) -> list[Planned]:
    """community.toml's windows; naive times are the community's."""
    return [
        Planned(f"{CONFIG}{_utc(w.opens, zone).isoformat()}", _utc(w.opens, zone), _utc(w.closes, zone), w.founding)
        for w in config.doors.windows
    ]


def is_open(window: LaunchWindow, now: datetime) -> bool:
    """Opened, not ended, and not past its closing time (even if nobody has closed it yet)."""
    return (
        window.opened_at is not None
        and window.ended_at is None
        and (window.closes_at is None or window.closes_at > now)
    )


def current(windows: Sequence[LaunchWindow], now: datetime) -> LaunchWindow | None:
    """The window the doors are open in now, if any."""
    return next((w for w in reversed(windows) if is_open(w, now)), None)


def upcoming(windows: Sequence[LaunchWindow], now: datetime) -> LaunchWindow | None:
    """The next window that will open by itself."""
    return next((w for w in windows if w.opened_at is None and w.ended_at is None and w.opens_at > now), None)


def due(windows: Sequence[LaunchWindow], now: datetime) -> Moves:
    """What the timetable asks for at `now` (`windows`: those not ended, by opening time)."""
    close = [
        w
        for w in windows
        if w.opened_at is not None and w.ended_at is None and w.closes_at is not None and w.closes_at <= now
    ]
    waiting = [w for w in windows if w.opened_at is None and w.ended_at is None and w.opens_at <= now]
    alive = [w for w in waiting if w.closes_at is None or w.closes_at > now]
    missed = [w for w in waiting if w not in alive] + alive[:-1]
    return Moves(close=close, open=alive[-1] if alive else None, missed=missed)


async def sync(session: Session, community: CommunityContext) -> Sequence[LaunchWindow]:
    """community.toml's windows into the table (idempotent): new ones added, a changed end or founding
    flag taken over, one removed before it opened dropped. Returns the windows not ended."""
    wanted = {p.key: p for p in planned(community.config, community.tz)}
    for row in await waitlist.windows(session, community.id, ended=True):
        if not row.key.startswith(CONFIG):
            continue
        plan = wanted.pop(row.key, None)
        if plan is None:
            if row.opened_at is None and row.ended_at is None:
                await waitlist.drop_window(session, row)
            continue
        if row.ended_at is None:
            row.closes_at, row.founding = plan.closes_at, plan.founding
    for plan in wanted.values():
        await waitlist.add_window(
            session, community.id, plan.key, plan.opens_at, plan.closes_at, founding=plan.founding
        )
    return await waitlist.windows(session, community.id)


async def start_now(
    session: Session, community_id: int, now: datetime, until: datetime | None, *, founding: bool
) -> LaunchWindow:
    """A window the creator opens by hand (`/doors open [founding] [until ...]`)."""
    key = f"{COMMAND}{now.isoformat()}:{uuid4().hex[:8]}"
    return await waitlist.add_window(session, community_id, key, now, until, founding=founding, opened_at=now)


def end(windows: Sequence[LaunchWindow], now: datetime, why: str, *, keep: LaunchWindow | None = None) -> None:
    """End every open window but `keep` (`why`: time | creator | replaced | missed)."""
    for window in windows:
        if window is not keep and window.ended_at is None and (window.opened_at is not None or why == "missed"):
            window.ended_at, window.ended_by = now, why


def until(text: str, zone: ZoneInfo, now: datetime) -> datetime:
    """`2027-01-15` (through that day) or `2027-01-15 18:00`, in the community's time zone, as UTC;
    a moment past or more than a year away is refused."""
    raw = text.strip()
    try:
        moment = datetime.fromisoformat(raw.replace(" ", "T", 1)) if " " in raw or "T" in raw else None
        if moment is None:
            moment = datetime.combine(datetime.strptime(raw, "%Y-%m-%d").date(), DAY_ENDS)
    except ValueError:
        raise UserError("billing.errors.until", value=raw[:40]) from None
    closes = _utc(moment, zone)
    return check_ahead(closes, now, "billing.errors.until_past", "billing.errors.until_far")
