"""Inactivity nudges: who is due a stage, recording what went out, withdrawing what has not gone to a
member who is back, who came back, and who is quiet now."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy import and_, delete, exists, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Activity, Community, ContentItem, Member, MemberPreferences, Membership, Nudge
from storage.repositories import members, outbox
from storage.repositories._keyset import Key, next_key, past
from storage.repositories.engagement import Person, people, person
from storage.repositories.members import stretch_start


def member_key(stage: str, member_id: int, since: datetime) -> str:
    """The outbox key of a member's check-in of `stage` in the quiet stretch that began at `since`."""
    return f"nudge:{stage}:member:{member_id}:since:{since.date().isoformat()}"


@dataclass(frozen=True)
class Gap:
    """For member-facing stages: the member wants check-ins, and had none of `stages` after `since`."""

    since: datetime
    stages: tuple[str, ...]


async def candidates(
    session: AsyncSession,
    community_id: int,
    now: datetime,
    grace: timedelta,
    *,
    quiet_by: datetime,
    quiet_after: datetime | None,
    checked_by: datetime,
    had_none_of: Sequence[str],
    gap: Gap | None,
    after: Key | None,
    limit: int,
) -> tuple[list[Person], Key | None]:
    """Current members due a check by `checked_by` whose quiet stretch started by `quiet_by` (and after
    `quiet_after`, when given), who had none of `had_none_of` this stretch, and who pass `gap`: by
    (check time, id), the page after `after`, and where the next page starts (None after the last).
    Only members whose check is due are read (in `ix_members_nudge_check` order), not everyone in the
    band of quiet days."""
    since = stretch_start()
    query = (
        people(Member.nudge_check_at)
        .where(
            Member.community_id == community_id,
            Member.nudge_check_at <= checked_by,
            since <= quiet_by,
            # First: nearly everyone in the band had the stage already, and this check rules them out.
            ~exists().where(Nudge.member_id == Member.id, Nudge.sent_at >= since, Nudge.stage.in_(had_none_of)),
            members.current_members(community_id, now, grace),
        )
        .order_by(Member.nudge_check_at, Member.id)
        .limit(limit)
    )
    if quiet_after is not None:
        query = query.where(since > quiet_after)
    if after is not None:  # past the last page's (check time, id); the scan sets checks after its pages
        query = query.where(past(Member.nudge_check_at, Member.id, after))
    if gap is not None:
        query = query.where(
            MemberPreferences.nudges.is_not(False),
            ~exists().where(Nudge.member_id == Member.id, Nudge.sent_at > gap.since, Nudge.stage.in_(gap.stages)),
        )
    rows = (await session.execute(query)).all()
    return [person(row) for row in rows], next_key(rows, limit, at=-1, row_id=0)


@dataclass(frozen=True)
class Check:
    """A member whose nudge check is due: enough to work out when the next one is."""

    id: int
    stretch: datetime
    current: bool  # holds a membership that gives access now
    held: bool  # a member who has not left and holds a membership not ended (perhaps paused or late)
    wants: bool  # wants check-ins themselves
    timezone: str | None
    time_of_day: time | None
    weekly_digest: bool = False  # drops in a Monday digest by DM (the "missed" check-in avoids Mondays)


async def due_checks(
    session: AsyncSession,
    community_id: int,
    now: datetime,
    grace: timedelta,
    checked_by: datetime,
    after: Key | None,
    limit: int,
) -> tuple[list[Check], Key | None]:
    """Members whose nudge check is due by `checked_by`, by (check time, id): the page after `after`,
    and where the next page starts (None after the last)."""
    query = (
        select(
            Member.id,
            stretch_start(),
            members.current_members(community_id, now, grace),
            and_(Member.role == "member", Member.left_at.is_(None)),
            MemberPreferences.nudges,
            Member.timezone,
            MemberPreferences.time_of_day,
            Member.nudge_check_at,
            and_(MemberPreferences.delivery == "dm", MemberPreferences.digest == "weekly"),
        )
        .outerjoin(MemberPreferences, MemberPreferences.member_id == Member.id)
        .where(Member.community_id == community_id, Member.nudge_check_at <= checked_by)
        .order_by(Member.nudge_check_at, Member.id)
        .limit(limit)
    )
    if after is not None:
        query = query.where(past(Member.nudge_check_at, Member.id, after))
    rows = (await session.execute(query)).all()
    # Read apart, by id: as an EXISTS in the column list PostgreSQL hashed every open membership.
    ids = [r[0] for r in rows]
    open_query = select(Membership.member_id).where(Membership.member_id.in_(ids), Membership.ended_at.is_(None))
    open_ones = set((await session.scalars(open_query)).all()) if ids else set()
    checks = [
        Check(int(r[0]), r[1], bool(r[2]), bool(r[3]) and r[0] in open_ones, r[4] is not False, r[5], r[6], bool(r[8]))
        for r in rows
    ]
    return checks, next_key(rows, limit, at=7, row_id=0)


async def set_checks(session: AsyncSession, checks: Mapping[int, datetime | None]) -> None:
    """Each member's next nudge check (None: none until something wakes them), one statement run per member."""
    if checks:
        await session.execute(update(Member), [{"id": mid, "nudge_check_at": at} for mid, at in sorted(checks.items())])


async def checks_policy(session: AsyncSession, community_id: int) -> str | None:
    """The nudge steps the members' checks were worked out with."""
    return await session.scalar(select(Community.nudge_policy).where(Community.id == community_id))


async def reset_checks(session: AsyncSession, community_id: int, policy: str) -> None:
    """The steps changed: every member is looked at again (at their stretch start), under `policy`."""
    await session.execute(
        update(Member).where(Member.community_id == community_id).values(nudge_check_at=stretch_start())
    )
    await session.execute(update(Community).where(Community.id == community_id).values(nudge_policy=policy))


async def record(session: AsyncSession, nudges: Sequence[Mapping[str, object]]) -> None:
    """Record sent nudges (member_id, stage, sent_at each) in one statement, in the transaction that queued them."""
    if nudges:
        await session.execute(insert(Nudge), [dict(n) for n in nudges])


async def published_since(
    session: AsyncSession, community_id: int, since: datetime, now: datetime, limit: int
) -> Sequence[ContentItem]:
    """Content published in (since, now], newest first."""
    result = await session.scalars(
        select(ContentItem)
        .where(
            ContentItem.community_id == community_id, ContentItem.published_at > since, ContentItem.published_at <= now
        )
        .order_by(ContentItem.published_at.desc(), ContentItem.id.desc())
        .limit(limit)
    )
    return result.all()


async def withdraw_unsent(session: AsyncSession, back: Mapping[int, datetime]) -> int:
    """Members active again (each at a moment): the check-ins of the stretch that ends here still waiting
    in the outbox will not go, and neither they nor an experiment's holdouts whose moment had not come
    count as had (the gap, the next stretch's stages and the win-backs must not see them). One a worker
    has taken is on its way and stays. Run before the activity moves the members' stretch start.
    Returns how many check-ins were withdrawn."""
    if not back:
        return 0
    since = stretch_start()
    rows = (
        await session.execute(
            select(Nudge.id, Nudge.member_id, Nudge.stage, Nudge.sent_at, Nudge.held_back, since)
            .join(Member, Member.id == Nudge.member_id)
            .where(Nudge.member_id.in_(sorted(back)), Nudge.sent_at >= since)
        )
    ).all()
    if not rows:  # nearly everyone active had no check-in this stretch: one indexed look-up, no more
        return 0
    keys = {member_key(stage, mid, start): nid for nid, mid, stage, _, held, start in rows if not held}
    withdrawn = await outbox.withdraw(session, sorted(keys), reason="the member was active before it went")
    gone = [keys[key] for key in withdrawn]
    gone += [nid for nid, mid, _, sent_at, held, _ in rows if held and sent_at > back[mid]]
    if gone:
        await session.execute(delete(Nudge).where(Nudge.id.in_(gone)))
    return len(withdrawn)


# -- win-backs ----------------------------------------------------------------------------


async def returns_to_check(
    session: AsyncSession, community_id: int, sent_since: datetime, now: datetime, not_ref: str
) -> list[tuple[int, datetime, datetime | None]]:
    """Nudges sent in [sent_since, now] not yet marked as a win-back whose member was active after: each
    with its send time and the member's first activity after it (activity whose ref starts with `not_ref` left out)."""
    first_activity = (
        select(func.min(Activity.occurred_at))
        .where(
            Activity.member_id == Nudge.member_id,
            Activity.occurred_at > Nudge.sent_at,
            or_(Activity.ref.is_(None), ~Activity.ref.startswith(not_ref)),
        )
        .correlate(Nudge)
        .scalar_subquery()
    )
    rows = await session.execute(
        select(Nudge.id, Nudge.sent_at, first_activity)
        .join(Member, Member.id == Nudge.member_id)
        .where(
            Member.community_id == community_id,
            Nudge.came_back_at.is_(None),
            Nudge.sent_at >= sent_since,
            Nudge.sent_at <= now,
            Member.last_active_at > Nudge.sent_at,
        )
    )
    return [(int(nid), sent, back) for nid, sent, back in rows.all()]


async def mark_came_back(session: AsyncSession, nudge_id: int, at: datetime) -> None:
    await session.execute(update(Nudge).where(Nudge.id == nudge_id).values(came_back_at=at))


async def outcomes(
    session: AsyncSession, community_id: int, since: datetime, now: datetime, window_over: datetime
) -> list[tuple[str, int, int, int]]:
    """Per stage, of the nudges sent in [since, now]: (stage, decided, came back, pending). Decided: came
    back, or sent by `window_over` (its window has passed)."""
    decided = or_(Nudge.came_back_at.is_not(None), Nudge.sent_at <= window_over)
    rows = await session.execute(
        select(Nudge.stage, func.count().filter(decided), func.count(Nudge.came_back_at), func.count().filter(~decided))
        .join(Member, Member.id == Nudge.member_id)
        .where(Member.community_id == community_id, Nudge.sent_at >= since, Nudge.sent_at <= now, ~Nudge.held_back)
        .group_by(Nudge.stage)
    )
    return [(str(stage), int(sent), int(back), int(pending)) for stage, sent, back, pending in rows.all()]


# -- for the creator ----------------------------------------------------------------------


async def quiet(
    session: AsyncSession, community_id: int, now: datetime, grace: timedelta, quiet_by: datetime, limit: int
) -> tuple[int, list[Person]]:
    """Current members quiet since `quiet_by` or longer: how many in all, and the `limit` quiet longest."""
    since = stretch_start()
    where = (members.current_members(community_id, now, grace), since <= quiet_by)
    total = await session.scalar(select(func.count()).select_from(Member).where(*where)) or 0
    listed = await session.execute(people().where(*where).order_by(since, Member.id).limit(limit))
    return int(total), [person(row) for row in listed]


async def sent_to(
    session: AsyncSession, member_ids: Sequence[int], *, by: datetime | None = None
) -> list[tuple[int, str, datetime]]:
    """Every nudge these members had: (member id, stage, sent at), oldest first. With `by`: only those
    sent by then, not an experiment's holdout (nothing went) and not one still waiting for its time."""
    query = select(Nudge.member_id, Nudge.stage, Nudge.sent_at).where(Nudge.member_id.in_(member_ids))
    if by is not None:
        query = query.where(Nudge.sent_at <= by, ~Nudge.held_back)
    rows = await session.execute(query.order_by(Nudge.sent_at))
    return [(int(mid), str(stage), sent) for mid, stage, sent in rows.all()]
