"""Experiments and their assignments, and what the members of each variant did afterwards."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Activity, Experiment, ExperimentAssignment, Membership
from storage.repositories._upsert import insert_ignoring_conflicts


@dataclass(frozen=True)
class Receipt:
    """One member's variant, and what the outcome needs to know about them since they got it."""

    member_id: int
    variant: str
    assigned_at: datetime
    first_activity: datetime | None = None  # the first counted activity after `assigned_at`
    open_memberships: int = 0  # memberships not ended
    last_ended: datetime | None = None  # when their latest ended membership ended


async def ensure(session: AsyncSession, community_id: int, key: str, now: datetime) -> Experiment:
    """The experiment's row, made the first time it is seen (safe when two processes race)."""
    values = {"community_id": community_id, "key": key, "started_at": now}
    await session.execute(insert_ignoring_conflicts(session, Experiment, values))
    row = await session.scalar(select(Experiment).where(Experiment.community_id == community_id, Experiment.key == key))
    assert row is not None  # inserted or already there
    return row


async def all_for(session: AsyncSession, community_id: int) -> dict[str, Experiment]:
    rows = await session.scalars(select(Experiment).where(Experiment.community_id == community_id))
    return {row.key: row for row in rows}


async def assign(
    session: AsyncSession, experiment_id: int, member_id: int, variant: str, at: datetime, measured_from: datetime
) -> str:
    """Record `variant` for the member unless they have one already; the variant they have."""
    values = {
        "experiment_id": experiment_id,
        "member_id": member_id,
        "variant": variant,
        "assigned_at": at,
        "measured_from": measured_from,
    }
    await session.execute(insert_ignoring_conflicts(session, ExperimentAssignment, values))
    recorded = await session.scalar(
        select(ExperimentAssignment.variant).where(
            ExperimentAssignment.experiment_id == experiment_id, ExperimentAssignment.member_id == member_id
        )
    )
    return recorded or variant


async def recorded(session: AsyncSession, experiment_id: int, member_ids: Sequence[int]) -> dict[int, str]:
    """The variants these members already have (one query for a batch)."""
    if not member_ids:
        return {}
    rows = await session.execute(
        select(ExperimentAssignment.member_id, ExperimentAssignment.variant).where(
            ExperimentAssignment.experiment_id == experiment_id, ExperimentAssignment.member_id.in_(member_ids)
        )
    )
    return {row[0]: row[1] for row in rows}


async def receipts(
    session: AsyncSession,
    experiment_id: int,
    *,
    received_by: datetime,
    kinds: Sequence[str] = (),
    ref: str | None = None,
) -> list[Receipt]:
    """Everyone who got a variant by `received_by`, with their first activity of `kinds` (and `ref`) since,
    or, without kinds, their memberships: the outcome is worked out from these by the caller."""
    assignment = ExperimentAssignment
    columns: list = [assignment.member_id, assignment.variant, assignment.assigned_at]
    if kinds:
        first = select(func.min(Activity.occurred_at)).where(
            Activity.member_id == assignment.member_id,
            Activity.occurred_at > assignment.measured_from,
            Activity.kind.in_(kinds),
        )
        if ref is not None:
            first = first.where(Activity.ref == ref)
        columns.append(first.scalar_subquery())
    else:
        is_member = Membership.member_id == assignment.member_id
        columns.append(
            select(func.count()).where(is_member, Membership.ended_at.is_(None)).scalar_subquery(),
        )
        columns.append(select(func.max(Membership.ended_at)).where(is_member).scalar_subquery())
    query = select(*columns).where(assignment.experiment_id == experiment_id, assignment.assigned_at <= received_by)
    found = []
    for row in await session.execute(query.order_by(assignment.id)):
        member_id, variant, assigned_at, *rest = row
        if kinds:
            found.append(Receipt(member_id, variant, assigned_at, first_activity=rest[0]))
        else:
            found.append(Receipt(member_id, variant, assigned_at, open_memberships=rest[0], last_ended=rest[1]))
    return found


async def pending(session: AsyncSession, experiment_id: int, after: datetime) -> dict[str, int]:
    """Per variant: members who got it after `after`, whose outcome is not known yet."""
    rows = await session.execute(
        select(ExperimentAssignment.variant, func.count())
        .where(ExperimentAssignment.experiment_id == experiment_id, ExperimentAssignment.assigned_at > after)
        .group_by(ExperimentAssignment.variant)
    )
    return {row[0]: row[1] for row in rows}


async def end(session: AsyncSession, experiment: Experiment, winner: str, now: datetime) -> bool:
    """Make `winner` everyone's copy; False when it had ended already."""
    if experiment.ended_at is not None:
        return False
    experiment.ended_at, experiment.winner = now, winner
    return True
