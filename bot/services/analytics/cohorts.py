"""Monthly cohort retention: members grouped by the month their first membership started, and the
share of each cohort still holding a membership at the end of each later month."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import case, distinct, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.analytics.queries import first_memberships, held_at, in_community
from storage.models import Member, Membership

MAX_MONTHS = 24


def month_starts(now: datetime, zone: ZoneInfo, months: int) -> list[datetime]:
    """The local starts of the last `months` months (this one included), then next month's start, in UTC."""
    local = now.astimezone(zone)
    year, month = local.year, local.month
    starts: list[datetime] = []
    for back in range(months - 1, -2, -1):
        index = year * 12 + (month - 1) - back
        starts.append(datetime(index // 12, index % 12 + 1, 1, tzinfo=zone).astimezone(timezone.utc))
    return starts


@dataclass(frozen=True)
class CohortMatrix:
    """`cells[i][k]`: the share of cohort i (`labels[i]`, `sizes[i]` members) holding a membership at the
    end of month i+k (the current month: now); None for months still to come."""

    months: tuple[datetime, ...]  # cohort month starts, UTC
    sizes: tuple[int, ...]
    cells: tuple[tuple[float | None, ...], ...]

    @property
    def width(self) -> int:
        return len(self.months)


def build_matrix(months: list[datetime], sizes: dict[int, int], held: dict[tuple[int, int], int]) -> CohortMatrix:
    """Pure: turn counts (`held[(cohort, month)]` = members of the cohort holding at month's end) into shares."""
    n = len(months)
    cells = []
    for i in range(n):
        size = sizes.get(i, 0)
        row = [None if i + k >= n or not size else held.get((i, i + k), 0) / size for k in range(n)]
        cells.append(tuple(row))
    return CohortMatrix(tuple(months), tuple(sizes.get(i, 0) for i in range(n)), tuple(cells))


async def cohort_matrix(session: AsyncSession, community_id: int, now: datetime, zone: ZoneInfo, months: int = 12) -> CohortMatrix:
    """One aggregate query per month: who of each cohort held a membership at that month's end."""
    months = max(1, min(months, MAX_MONTHS))
    bounds = month_starts(now, zone, months)
    first = first_memberships(community_id)
    cohort = case(*((first.c.first < bound, i) for i, bound in enumerate(bounds[1:])), else_=-1)
    in_range = (first.c.first >= bounds[0], first.c.first < bounds[-1])
    size_rows = await session.execute(select(cohort, func.count()).select_from(first).where(*in_range).group_by(cohort))
    sizes = {int(i): int(n) for i, n in size_rows.all()}
    held: dict[tuple[int, int], int] = {}
    for j in range(months):
        at = min(bounds[j + 1], now)
        rows = await session.execute(
            select(cohort, func.count(distinct(Membership.member_id)))
            .select_from(Membership)
            .join(Member, in_community(community_id))
            .join(first, first.c.member_id == Membership.member_id)
            .where(*in_range, first.c.first < bounds[j + 1], held_at(at))
            .group_by(cohort)
        )
        held.update({(int(i), j): int(n) for i, n in rows.all()})
    return build_matrix(bounds[:-1], sizes, held)
