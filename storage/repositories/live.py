"""Live Q&A sessions with their RSVPs, questions asked in advance and recordings, and weekly series
whose occurrences are sessions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ContentItem, LiveQuestion, LiveSeries, LiveSession, Member, Rsvp
from storage.repositories._upsert import affected, insert_ignoring_conflicts

# -- sessions -----------------------------------------------------------------------------


async def add(
    session: AsyncSession,
    community_id: int,
    *,
    title: str,
    starts_at: datetime,
    duration_min: int,
    link: str | None,
    description: str,
    now: datetime,
    series_id: int | None = None,
    occurrence_on: date | None = None,
    status: str = "scheduled",
) -> LiveSession:
    """A newly scheduled session (or a series' occurrence), flushed so it has its id."""
    live = LiveSession(
        community_id=community_id,
        title=title,
        starts_at=starts_at,
        duration_min=duration_min,
        link=link,
        description=description,
        status=status,
        external_ids={},
        created_at=now,
        series_id=series_id,
        occurrence_on=occurrence_on,
    )
    session.add(live)
    await session.flush()
    return live


async def get(session: AsyncSession, community_id: int, session_id: int) -> LiveSession | None:
    """The session, if it is this community's."""
    live = await session.get(LiveSession, session_id)
    return live if live is not None and live.community_id == community_id else None


async def move(session: AsyncSession, live: LiveSession, starts_at: datetime, duration_min: int) -> None:
    live.starts_at, live.duration_min = starts_at, duration_min
    await session.flush()


async def cancel(session: AsyncSession, live: LiveSession) -> None:
    live.status = "canceled"
    await session.flush()


async def scheduled_since(session: AsyncSession, community_id: int, since: datetime) -> Sequence[LiveSession]:
    """Scheduled sessions starting after `since`, soonest first (the caller drops those already over)."""
    result = await session.scalars(
        select(LiveSession)
        .where(
            LiveSession.community_id == community_id,
            LiveSession.status == "scheduled",
            LiveSession.starts_at > since,
        )
        .order_by(LiveSession.starts_at, LiveSession.id)
    )
    return result.all()


async def scheduled_between(
    session: AsyncSession, community_id: int, earliest: datetime, latest: datetime
) -> Sequence[LiveSession]:
    """Scheduled sessions starting in [earliest, latest]: the ones a reminder may be due for."""
    result = await session.scalars(
        select(LiveSession).where(
            LiveSession.community_id == community_id,
            LiveSession.status == "scheduled",
            LiveSession.starts_at <= latest,
            LiveSession.starts_at >= earliest,
        )
    )
    return result.all()


async def not_yet_over(session: AsyncSession, community_id: int, since: datetime) -> Sequence[LiveSession]:
    """Sessions starting after `since` (scheduled or canceled): the ones a calendar still shows."""
    result = await session.scalars(
        select(LiveSession)
        .where(LiveSession.community_id == community_id, LiveSession.starts_at >= since)
        .order_by(LiveSession.starts_at)
    )
    return result.all()


async def save_recording(
    session: AsyncSession, live: LiveSession, url: str, teaser: str, now: datetime
) -> tuple[ContentItem, bool]:
    """Put the recording in the library (published now) and mark the session done.

    A second recording replaces the first in the same library item. Returns the item and
    whether it replaced one."""
    item = await session.get(ContentItem, live.content_item_id) if live.content_item_id else None
    replaced = item is not None
    if item is None:
        item = ContentItem(
            community_id=live.community_id,
            slug=f"live-{live.id}-recording",
            title=live.title,
            kind="live",
            levels=[],
            topics=["live"],
            publish_at=now,
            published_at=now,
        )
        session.add(item)
    item.url, item.teaser, item.body = url, teaser, teaser
    await session.flush()
    live.recording_url, live.content_item_id, live.status = url, item.id, "done"
    return item, replaced


async def next_open(session: AsyncSession, community_id: int, now: datetime) -> LiveSession | None:
    """The next scheduled session that has not started (what "RSVP on this week's session" points to)."""
    return await session.scalar(
        select(LiveSession)
        .where(LiveSession.community_id == community_id, LiveSession.status == "scheduled", LiveSession.starts_at > now)
        .order_by(LiveSession.starts_at, LiveSession.id)
        .limit(1)
    )


# -- weekly series and their occurrences ---------------------------------------------------


async def add_series(session: AsyncSession, community_id: int, *, now: datetime, **values: object) -> LiveSeries:
    """A new active series (values: key, title, weekday, local_time, timezone, duration_min, link,
    description, source), flushed so it has its id."""
    series = LiveSeries(community_id=community_id, status="active", created_at=now, **values)
    session.add(series)
    await session.flush()
    return series


async def get_series(session: AsyncSession, community_id: int, series_id: int) -> LiveSeries | None:
    series = await session.get(LiveSeries, series_id)
    return series if series is not None and series.community_id == community_id else None


async def all_series(session: AsyncSession, community_id: int) -> Sequence[LiveSeries]:
    """Every series, active or not, oldest first."""
    query = select(LiveSeries).where(LiveSeries.community_id == community_id).order_by(LiveSeries.id)
    return (await session.scalars(query)).all()


async def has_active_series(session: AsyncSession, community_id: int) -> bool:
    query = select(LiveSeries.id).where(LiveSeries.community_id == community_id, LiveSeries.status == "active")
    return await session.scalar(query.limit(1)) is not None


async def occurrence_days(session: AsyncSession, series_id: int) -> set[date]:
    """The dates a series already has an occurrence for (scheduled, moved, skipped or done)."""
    query = select(LiveSession.occurrence_on).where(LiveSession.series_id == series_id)
    return {day for day in (await session.scalars(query)).all() if day is not None}


async def ensure_occurrence(
    session: AsyncSession,
    series: LiveSeries,
    day: date,
    starts_at: datetime,
    now: datetime,
    *,
    status: str = "scheduled",
) -> bool:
    """Make the series' occurrence on `day` unless it has one (made, moved or skipped): True if made now.

    The unique (series, date) makes this safe against a concurrent run."""
    values = {
        "community_id": series.community_id,
        "title": series.title,
        "starts_at": starts_at,
        "duration_min": series.duration_min,
        "link": series.link,
        "description": series.description,
        "status": status,
        "external_ids": {},
        "created_at": now,
        "series_id": series.id,
        "occurrence_on": day,
    }
    return bool(affected(await session.execute(insert_ignoring_conflicts(session, LiveSession, values))))


async def occurrence_ids(session: AsyncSession, series_id: int) -> Sequence[int]:
    """Every occurrence of a series, whatever its status."""
    return (await session.scalars(select(LiveSession.id).where(LiveSession.series_id == series_id))).all()


async def occurrence(session: AsyncSession, series_id: int, day: date) -> LiveSession | None:
    query = select(LiveSession).where(LiveSession.series_id == series_id, LiveSession.occurrence_on == day)
    return await session.scalar(query)


async def occurrences_from(
    session: AsyncSession, series_id: int, since: datetime, *, status: str = "scheduled"
) -> Sequence[LiveSession]:
    """A series' occurrences with `status` starting after `since`, soonest first."""
    result = await session.scalars(
        select(LiveSession)
        .where(LiveSession.series_id == series_id, LiveSession.status == status, LiveSession.starts_at > since)
        .order_by(LiveSession.starts_at, LiveSession.id)
    )
    return result.all()


async def series_occurrences_between(
    session: AsyncSession, community_id: int, earliest: datetime, latest: datetime
) -> Sequence[LiveSession]:
    """Scheduled occurrences of any series starting in [earliest, latest], soonest first (to announce)."""
    result = await session.scalars(
        select(LiveSession)
        .where(
            LiveSession.community_id == community_id,
            LiveSession.series_id.is_not(None),
            LiveSession.status == "scheduled",
            LiveSession.starts_at >= earliest,
            LiveSession.starts_at <= latest,
        )
        .order_by(LiveSession.starts_at, LiveSession.id)
    )
    return result.all()


# -- RSVPs and attendance ----------------------------------------------------------------


async def add_rsvp(session: AsyncSession, session_id: int, member_id: int, now: datetime) -> bool:
    """Save a seat; False if the member already had one."""
    values = {"session_id": session_id, "member_id": member_id, "created_at": now, "attended": False}
    result = await session.execute(insert_ignoring_conflicts(session, Rsvp, values))
    return bool(result.rowcount)  # type: ignore[attr-defined]  # a DML Result is a CursorResult


async def remove_rsvp(session: AsyncSession, session_id: int, member_id: int) -> None:
    rsvp = await _rsvp(session, session_id, member_id)
    if rsvp is not None:
        await session.delete(rsvp)


async def mark_attended(session: AsyncSession, session_id: int, member_id: int, now: datetime) -> bool:
    """The member came (an RSVP is made for them if they had none). False if already marked."""
    rsvp = await _rsvp(session, session_id, member_id)
    if rsvp is None:
        rsvp = Rsvp(session_id=session_id, member_id=member_id, created_at=now, attended=False)
        session.add(rsvp)
    if rsvp.attended:
        return False
    rsvp.attended = True
    await session.flush()
    return True


async def _rsvp(session: AsyncSession, session_id: int, member_id: int) -> Rsvp | None:
    return await session.scalar(select(Rsvp).where(Rsvp.session_id == session_id, Rsvp.member_id == member_id))


# -- questions asked in advance -----------------------------------------------------------


async def add_question(
    session: AsyncSession, session_id: int, member_id: int | None, text: str, now: datetime, *, source: str = "member"
) -> None:
    session.add(LiveQuestion(session_id=session_id, member_id=member_id, text=text, source=source, created_at=now))
    await session.flush()


async def questions(session: AsyncSession, session_id: int) -> list[tuple[str, str | None]]:
    """The questions in the order asked, each with its asker's name (None once the asker is gone)."""
    rows = await session.execute(
        select(LiveQuestion.text, Member.display_name)
        .outerjoin(Member, Member.id == LiveQuestion.member_id)
        .where(LiveQuestion.session_id == session_id)
        .order_by(LiveQuestion.created_at, LiveQuestion.id)
    )
    return [(text, name) for text, name in rows.all()]


async def count_questions(session: AsyncSession, session_id: int) -> int:
    query = select(func.count()).select_from(LiveQuestion).where(LiveQuestion.session_id == session_id)
    return int(await session.scalar(query) or 0)


# -- people -------------------------------------------------------------------------------


async def digest_readers(session: AsyncSession, community_id: int) -> Sequence[Member]:
    """Who gets the questions digest before a session: every creator account still here, oldest first."""
    result = await session.scalars(
        select(Member)
        .where(Member.community_id == community_id, Member.role == "creator", Member.left_at.is_(None))
        .order_by(Member.id)
    )
    return result.all()


async def member_named(session: AsyncSession, community_id: int, name: str) -> Member | None:
    """A member by display name, ignoring case (how a creator names someone who came)."""
    return await session.scalar(
        select(Member).where(Member.community_id == community_id, func.lower(Member.display_name) == name.lower())
    )
