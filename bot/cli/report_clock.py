"""When `membot report` reports: the data's clock, not this computer's.

A console session moves its clock (`membot run --start …`, `/time +1d`), so the database can
hold a month that has not happened yet, or one long past. Reporting at the wall clock would
show that month as empty or in the future; the report uses the time the data was written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.settings import SettingsError
from storage.database import Database
from storage.repositories import data_clock

AS_OF_HELP = (
    "Report as of this moment: 'now' (this computer's clock), 'latest' (the latest time recorded in the "
    "database), a date (its end, in the community's time zone) or a date and time, e.g. 2026-12-31T18:00. "
    "Default: the data's clock, i.e. 'latest' after a console session (whose clock `/time` moves) or when "
    "the data runs ahead of this computer, else 'now'"
)
KEYWORDS = ("auto", "now", "latest")


FIRST_YEAR, LAST_YEAR = 1970, 9998  # a report's moment, and a day after it, must be a datetime


@dataclass(frozen=True)
class AsOf:
    """What `--as-of` asked for: a keyword, or a moment (a date means the end of that day)."""

    keyword: str = "auto"
    moment: datetime | None = None  # naive: in the community's time zone
    day: date | None = None


@dataclass(frozen=True)
class Moment:
    at: datetime  # UTC
    why: str  # for the person: where this moment came from


def parse_as_of(value: str | None) -> AsOf:
    if value is None or not value.strip():
        return AsOf()
    text = value.strip()
    if text.lower() in KEYWORDS:
        return AsOf(text.lower())
    try:
        asked = AsOf("date", day=date.fromisoformat(text))
    except ValueError:
        try:
            asked = AsOf("moment", moment=datetime.fromisoformat(text))
        except ValueError:
            raise SettingsError(
                f"--as-of: {value!r} is not now, latest, a date (2026-12-31) or a date and time (2026-12-31T18:00)"
            ) from None
    year = asked.day.year if asked.day is not None else asked.moment.year if asked.moment is not None else 0
    if not FIRST_YEAR <= year <= LAST_YEAR:  # 9999-12-31 overflowed to the day after, in a traceback
        raise SettingsError(f"--as-of: give a year from {FIRST_YEAR} to {LAST_YEAR}")
    return asked


def choose(asked: AsOf, *, wall: datetime, latest: datetime | None, platforms: set[str], zone: ZoneInfo) -> Moment:
    """Pure: the moment to report at, from what was asked, this computer's clock and the data's."""
    if asked.day is not None:
        end = datetime.combine(asked.day + timedelta(days=1), time(0), tzinfo=zone)
        return Moment(end.astimezone(wall.tzinfo), "the end of the day you gave")
    if asked.moment is not None:
        given = asked.moment if asked.moment.tzinfo else asked.moment.replace(tzinfo=zone)
        return Moment(given.astimezone(wall.tzinfo), "the time you gave")
    if asked.keyword == "now" or latest is None:
        why = "this computer's clock" if asked.keyword == "now" else "this computer's clock: nothing recorded yet"
        return Moment(wall, why)
    if asked.keyword == "latest":
        return Moment(latest, "the latest time recorded in the database")
    if latest > wall:
        return Moment(latest, "the latest time recorded in the database, which runs ahead of this computer's clock")
    if platforms and platforms <= {"console"}:
        return Moment(latest, "the latest time recorded in the database by the console, whose clock /time moves")
    return Moment(wall, "this computer's clock")


async def report_moment(
    database: Database, community_id: int, asked: AsOf, *, wall: datetime, zone: ZoneInfo
) -> Moment:
    async with database.session() as session:
        latest = await data_clock.latest_recorded(session, community_id)
        platforms = await data_clock.member_platforms(session, community_id)
    return choose(asked, wall=wall, latest=latest, platforms=platforms, zone=zone)


async def current_members(database: Database, community_id: int, at: datetime, grace: timedelta) -> set[int]:
    """Member ids that are members at `at`: the at-risk table leaves ex-members out."""
    async with database.session() as session:
        return await data_clock.current_member_ids(session, community_id, at, grace)
