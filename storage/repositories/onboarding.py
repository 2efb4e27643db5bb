"""Onboarding progress: which steps each member has had, and who is due for a step now."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ScalarSelect, String, cast, exists, literal, select, union_all, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from storage.models import (
    Community,
    Member,
    Membership,
    OnboardingProgress,
    OutboxMessage,
    PlatformIdentity,
    Rsvp,
)
from storage.repositories._keyset import Key, next_key, past
from storage.repositories._upsert import insert_new
from storage.repositories.members import current_members, grants_access

PUBLIC_WELCOME_KEY = "welcome-public:member:"  # + "{id}:{platform}:{workspace}", one post per workspace


def _had(step_id: str) -> ScalarSelect[int]:
    """The membership's member's progress row for the step, if any. A scalar subquery rather than NOT
    EXISTS: PostgreSQL turned that into a hash anti-join that read every progress row of the step,
    where this is one look-up in the (member, step) unique index per membership in the window."""
    return (
        select(OnboardingProgress.id)
        .where(OnboardingProgress.member_id == Membership.member_id, OnboardingProgress.step_id == step_id)
        .limit(1)
        .scalar_subquery()
    )


async def due_for_steps(
    session: AsyncSession,
    community_id: int,
    windows: Mapping[str, tuple[datetime, datetime]],
    *,
    now: datetime,
    grace: timedelta,
) -> dict[str, list[tuple[Member, datetime]]]:
    """Who is due for each step: step id -> (started_from, started_until) in, step id -> the current
    members whose membership started in that window and who have not had the step, by member id,
    with the start, out. Two queries (the due memberships of every step, then those members)."""
    if not windows:
        return {}
    # One branch per step: the memberships started in that step's window whose member has not had it
    # (a look-up in the progress's unique index), read from `ix_memberships_started`, each checked
    # to be a current member's. Members who had every step of their windows, nearly all of them on
    # every run, are not loaded. Driven from members, SQLite would walk the whole community.
    current = select(Member.id).where(Member.id == Membership.member_id, current_members(community_id, now, grace))
    branches = [
        select(literal(step_id, String).label("step_id"), Membership.member_id, Membership.started_at).where(
            grants_access(now, grace),
            Membership.drip_check_at <= now,
            Membership.started_at > start,
            Membership.started_at <= until,
            _had(step_id).is_(None),
            current.exists(),
        )
        for step_id, (start, until) in windows.items()
    ]
    found = sorted((await session.execute(union_all(*branches))).all(), key=lambda row: (row[1], row[2], row[0]))
    loaded: dict[int, Member] = {}
    if found:
        ids = sorted({member_id for _, member_id, _ in found})
        result = await session.scalars(
            select(Member).where(Member.id.in_(ids)).options(selectinload(Member.identities))
        )
        loaded = {m.id: m for m in result}
    due: dict[str, list[tuple[Member, datetime]]] = {step_id: [] for step_id in windows}
    seen: set[tuple[str, int]] = set()
    for step_id, member_id, started in found:  # by member, then start
        if (step_id, member_id) not in seen:  # two open memberships: the first one counts
            seen.add((step_id, member_id))
            due[step_id].append((loaded[member_id], started))
    return due


def public_welcome_key(member_id: int, platform: str, workspace_id: str) -> str:
    """The outbox key of a member's public welcome in one workspace (`due_public_welcome` builds it in SQL too)."""
    return f"{PUBLIC_WELCOME_KEY}{member_id}:{platform}:{workspace_id}"


async def due_public_welcome(
    session: AsyncSession, community_id: int, started_from: datetime, *, now: datetime, grace: timedelta
) -> Sequence[Member]:
    """Members who became members since `started_from` and have not been greeted in public yet (in any
    workspace). Read from the recent memberships (`ix_memberships_started`), each account's welcome key
    looked up in the outbox's unique index; only the members still due are loaded."""
    key = (
        literal(PUBLIC_WELCOME_KEY)
        + cast(Membership.member_id, String)
        + literal(":")
        + PlatformIdentity.platform
        + literal(":")
        + PlatformIdentity.workspace_id
    )
    queued = select(OutboxMessage.id).where(OutboxMessage.dedupe_key == key).correlate(Membership, PlatformIdentity)
    greeted = (
        select(PlatformIdentity.id)
        .where(PlatformIdentity.member_id == Membership.member_id, queued.exists())
        .limit(1)
        .scalar_subquery()
    )
    current = select(Member.id).where(Member.id == Membership.member_id, current_members(community_id, now, grace))
    due = select(Membership.member_id).where(
        Membership.drip_check_at <= now,
        grants_access(now, grace),
        Membership.started_at > started_from,
        greeted.is_(None),
        current.exists(),
    )
    ids = sorted(set((await session.scalars(due)).all()))  # two recent memberships: one member
    if not ids:
        return []
    result = await session.scalars(
        select(Member).where(Member.id.in_(ids)).options(selectinload(Member.identities)).order_by(Member.id)
    )
    return result.all()


# -- each membership's next drip check (Membership.drip_check_at) ----------------------------


@dataclass(frozen=True)
class DripCheck:
    """A membership whose drip check is due."""

    id: int
    member_id: int
    started_at: datetime


async def due_checks(
    session: AsyncSession,
    community_id: int,
    now: datetime,
    after: Key | None,
    limit: int,
) -> tuple[list[DripCheck], Key | None]:
    """Memberships whose drip check is due by `now`, by (check time, id): the page after `after`, and
    where the next page starts (None after the last)."""
    in_community = select(Member.id).where(Member.id == Membership.member_id, Member.community_id == community_id)
    query = (
        select(
            Membership.id,
            Membership.member_id,
            Membership.started_at,
            Membership.drip_check_at,
        )
        .where(Membership.drip_check_at <= now, in_community.exists())
        .order_by(Membership.drip_check_at, Membership.id)
        .limit(limit)
    )
    if after is not None:
        query = query.where(past(Membership.drip_check_at, Membership.id, after))
    rows = (await session.execute(query)).all()
    checks = [DripCheck(int(r[0]), int(r[1]), r[2]) for r in rows]
    return checks, next_key(rows, limit, at=3, row_id=0)


async def steps_had(session: AsyncSession, member_ids: Sequence[int]) -> dict[int, set[str]]:
    """The steps each of these members had (or skipped)."""
    had: dict[int, set[str]] = {mid: set() for mid in member_ids}
    if member_ids:
        rows = await session.execute(
            select(OnboardingProgress.member_id, OnboardingProgress.step_id).where(
                OnboardingProgress.member_id.in_(member_ids)
            )
        )
        for member_id, step_id in rows.all():
            had[int(member_id)].add(step_id)
    return had


async def greeted_among(session: AsyncSession, member_ids: Sequence[int]) -> set[int]:
    """Those of these members whose public welcome is queued in some workspace."""
    if not member_ids:
        return set()
    rows = await session.execute(
        select(PlatformIdentity.member_id, PlatformIdentity.platform, PlatformIdentity.workspace_id).where(
            PlatformIdentity.member_id.in_(member_ids)
        )
    )
    keys = {public_welcome_key(int(m), p, w): int(m) for m, p, w in rows.all()}
    queued = await session.scalars(select(OutboxMessage.dedupe_key).where(OutboxMessage.dedupe_key.in_(list(keys))))
    return {keys[key] for key in queued.all()}


async def set_checks(session: AsyncSession, checks: Mapping[int, datetime | None]) -> None:
    """Each membership's next drip check (None: nothing ahead), one statement run per membership."""
    if checks:
        await session.execute(
            update(Membership), [{"id": mid, "drip_check_at": at} for mid, at in sorted(checks.items())]
        )


async def checks_steps(session: AsyncSession, community_id: int) -> str | None:
    """The drip steps the memberships' checks were worked out with."""
    return await session.scalar(select(Community.drip_steps).where(Community.id == community_id))


async def reset_checks(session: AsyncSession, community_id: int, started_after: datetime, steps: str) -> None:
    """The steps changed: every membership started after `started_after` (any older one has nothing
    ahead under `steps`) is looked at again from its start, and the others not at all."""
    in_community = select(Member.id).where(Member.community_id == community_id)
    of_community = Membership.member_id.in_(in_community)
    await session.execute(
        update(Membership)
        .where(of_community, Membership.started_at > started_after)
        .values(drip_check_at=Membership.started_at)
    )
    await session.execute(
        update(Membership)
        .where(of_community, Membership.started_at <= started_after, Membership.drip_check_at.is_not(None))
        .values(drip_check_at=None)
    )
    await session.execute(update(Community).where(Community.id == community_id).values(drip_steps=steps))


async def mark_many(
    session: AsyncSession, member_ids: Sequence[int], step_id: str, outcome: str, now: datetime
) -> set[int]:
    """Record the step's outcome for a scan's batch: the members this call recorded it for (those
    recorded before, by another process meanwhile, are left out)."""
    rows = [{"member_id": mid, "step_id": step_id, "outcome": outcome, "at": now} for mid in member_ids]
    return await insert_new(session, OnboardingProgress, rows, OnboardingProgress.member_id)


async def posted_among(session: AsyncSession, member_ids: Sequence[int]) -> set[int]:
    """Which of these members have posted in a channel (one query for a scan's whole batch)."""
    if not member_ids:
        return set()
    rows = await session.scalars(
        select(Member.id).where(Member.id.in_(member_ids), Member.first_posted_at.is_not(None))
    )
    return set(rows.all())


async def rsvped_among(session: AsyncSession, member_ids: Sequence[int]) -> set[int]:
    """Which of these members have RSVP'd to any live session."""
    if not member_ids:
        return set()
    return set((await session.scalars(select(Rsvp.member_id).where(Rsvp.member_id.in_(member_ids)).distinct())).all())


async def has_rsvped(session: AsyncSession, member_id: int) -> bool:
    return bool(await session.scalar(select(exists().where(Rsvp.member_id == member_id))))


async def steps_done(session: AsyncSession, member_id: int) -> int:
    rows = await session.scalars(select(OnboardingProgress.step_id).where(OnboardingProgress.member_id == member_id))
    return len(rows.all())


async def step_times(
    session: AsyncSession, member_ids: Sequence[int], step_ids: Sequence[str]
) -> dict[int, dict[str, datetime]]:
    """When each of these members' drip steps (the outbox rows `onboard:<step>:member:<id>`) went out,
    or is to go: member id -> step id -> time. The drip spaces the next step from these."""
    wanted = set(step_ids)
    found: dict[int, dict[str, datetime]] = {}
    ids = sorted(set(member_ids))
    for chunk in (ids[i : i + 1000] for i in range(0, len(ids), 1000)):
        rows = await session.execute(
            select(
                OutboxMessage.member_id, OutboxMessage.dedupe_key, OutboxMessage.sent_at, OutboxMessage.next_attempt_at
            ).where(OutboxMessage.member_id.in_(chunk), OutboxMessage.dedupe_key.like("onboard:%"))
        )
        for member_id, key, sent_at, next_attempt_at in rows.all():
            step_id, _, owner = key.removeprefix("onboard:").rpartition(":member:")
            if member_id is not None and step_id in wanted and owner == str(member_id):
                found.setdefault(int(member_id), {})[step_id] = sent_at or next_attempt_at
    return found
