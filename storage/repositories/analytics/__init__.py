"""The creator's analytics, as aggregate queries (one module per kind of figure), and operational counts.

`membership`: members, churn, revenue and cohorts over memberships; `engagement`: activity,
drops, live sessions and the FAQ; `signals`: per-member risk signals; `exports`: the CSV
exports' rows. Every query is scoped to one community; time is always passed in.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import OutboxMessage

WAITING = ("pending", "sending")


async def outbox_depth(session: AsyncSession) -> dict[str, int]:
    """Rows not yet delivered, by status (pending, sending), zero when none."""
    rows = await session.execute(
        select(OutboxMessage.status, func.count())
        .where(OutboxMessage.status.in_(WAITING))
        .group_by(OutboxMessage.status)
    )
    found = {str(status): int(count) for status, count in rows.all()}
    return {status: found.get(status, 0) for status in WAITING}
