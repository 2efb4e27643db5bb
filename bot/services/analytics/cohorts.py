"""Monthly cohort retention: members grouped by the month their first membership started, and the
share of each cohort still holding a membership at the end of each later month."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.notices.analytics import CohortMatrix
from storage.database import Session
from storage.repositories.analytics import membership

MAX_MONTHS = 24


def month_starts(now: datetime, zone: ZoneInfo, months: int) -> list[datetime]:
    """The local starts of the last `months` months (this one included), then next month's start, in UTC."""
    local = now.astimezone(zone)
    year, month = local.year, local.month
    starts: list[datetime] = []
    for back in range(months - 1, -2, -1):
        index = year * 12 + (month - 1) - back
        starts.append(datetime(index // 12, index % 12 + 1, 1, tzinfo=zone).astimezone(UTC))
    return starts


def build_matrix(months: list[datetime], sizes: dict[int, int], held: dict[tuple[int, int], int]) -> CohortMatrix:
    """Pure: turn counts (`held[(cohort, month)]` = members of the cohort holding at month's end) into shares."""
    n = len(months)
    cells = []
    for i in range(n):
        size = sizes.get(i, 0)
        row = [None if i + k >= n or not size else held.get((i, i + k), 0) / size for k in range(n)]
        cells.append(tuple(row))
    return CohortMatrix(tuple(months), tuple(sizes.get(i, 0) for i in range(n)), tuple(cells))


async def cohort_matrix(
    session: Session, community_id: int, now: datetime, zone: ZoneInfo, months: int = 12
) -> CohortMatrix:
    """The last `months` months' cohorts (at most MAX_MONTHS), in the community's calendar."""
    months = max(1, min(months, MAX_MONTHS))
    bounds = month_starts(now, zone, months)
    sizes, held = await membership.cohort_counts(session, community_id, bounds, now)
    return build_matrix(bounds[:-1], sizes, held)
