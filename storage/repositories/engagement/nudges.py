"""Inactivity nudges: who is due a stage, recording what went out, who came back, and who is quiet now."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import exists, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Activity, ContentItem, Member, MemberPreferences, Nudge
from storage.repositories import members
from storage.repositories.engagement import Person, people, person, stretch_start


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
    had_none_of: Sequence[str],
    gap: Gap | None,
    after: tuple[datetime, int] | None,
    limit: int,
) -> list[Person]:
    """Current members whose quiet stretch started by `quiet_by` (and after `quiet_after`, when given),
    who had none of `had_none_of` this stretch, and who pass `gap`: by (stretch start, id), the next
    page after `after`. The order is that of the `ix_members_stretch` index, so a page reads only the
    band of quiet days it asks for, not every member."""
    since = stretch_start()
    query = (
        people()
        .where(
            since <= quiet_by,
            # First: nearly everyone in the band had the stage already, and this check rules them out.
            ~exists().where(Nudge.member_id == Member.id, Nudge.sent_at >= since, Nudge.stage.in_(had_none_of)),
            members.current_members(community_id, now, grace),
        )
        .order_by(since, Member.id)
        .limit(limit)
    )
    if quiet_after is not None:
        query = query.where(since > quiet_after)
    if after is not None:  # keyset: past the last page's (stretch start, id)
        after_since, after_id = after
        query = query.where(since >= after_since, or_(since > after_since, Member.id > after_id))
    if gap is not None:
        query = query.where(
            MemberPreferences.nudges.is_not(False),
            ~exists().where(Nudge.member_id == Member.id, Nudge.sent_at > gap.since, Nudge.stage.in_(gap.stages)),
        )
    return [person(row) for row in await session.execute(query)]


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


async def sent_to(session: AsyncSession, member_ids: Sequence[int]) -> list[tuple[int, str, datetime]]:
    """Every nudge these members had: (member id, stage, sent at), oldest first."""
    rows = await session.execute(
        select(Nudge.member_id, Nudge.stage, Nudge.sent_at)
        .where(Nudge.member_id.in_(member_ids))
        .order_by(Nudge.sent_at)
    )
    return [(int(mid), str(stage), sent) for mid, stage, sent in rows.all()]
