"""The monthly value recap: on the 1st, in the member's local morning, what their month held.

Members are grouped by (time zone, preferred time), so a scan selects only the members
whose morning has come, and the outbox key `recap:YYYY-MM:member:ID` is both the guard
against sending twice and the record that it was sent.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone, tzinfo

from sqlalchemy import ColumnElement, String, cast, exists, func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.engagement.common import BATCH, SCAN_EVERY, Person, Reach, not_before, people, person
from bot.services.timing import member_zone
from bot.views import engagement as views
from storage.models import ContentItem, FaqQuestion, LiveSession, Member, MemberPreferences, OutboxMessage, Rsvp

log = logging.getLogger(__name__)

MORNING = time(9, 0)  # when the recap arrives unless the member chose a time of day
GRACE = timedelta(days=3)  # a recap the bot could not send by then (it was down) is skipped
MIN_TENURE = timedelta(days=7)  # members who joined in the month's last week get theirs next month
ANSWERED = ("answered", "resolved")  # answered by the bot, or by the creator after a follow-up
WIDEST_OFFSETS = (timedelta(hours=14), timedelta(hours=-12))  # the earliest and latest zones on Earth


@dataclass(frozen=True)
class Month:
    year: int
    month: int

    @property
    def label(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    def following(self) -> Month:
        return Month(self.year + self.month // 12, self.month % 12 + 1)

    def bounds(self, zone: tzinfo) -> tuple[datetime, datetime]:
        """The month's first instant and the next month's, on the wall clock of `zone`."""
        nxt = self.following()
        return datetime(self.year, self.month, 1, tzinfo=zone), datetime(nxt.year, nxt.month, 1, tzinfo=zone)

    @classmethod
    def before(cls, when: datetime) -> Month:
        return cls(when.year - (when.month == 1), (when.month - 2) % 12 + 1)


class RecapService:
    def __init__(self, reach: Reach) -> None:
        self._reach = reach

    async def scan(self) -> int:
        """Queue the recaps whose morning comes before the next scan. Returns how many."""
        now = self._reach.clock.now()
        # The month that has ended (or ends within the hour) in the easternmost zone; its
        # recap window, a few days, is over before the next month's begins.
        return await self._recap(Month.before(now + WIDEST_OFFSETS[0]), now)

    def _not_recapped(self, month: Month) -> ColumnElement[bool]:
        key = literal(f"recap:{month.label}:member:") + cast(Member.id, String)
        return ~exists().where(OutboxMessage.dedupe_key == key)

    async def _recap(self, month: Month, now: datetime) -> int:
        reach = self._reach
        start_utc, end_utc = month.bounds(timezone.utc)
        if now + SCAN_EVERY < end_utc - WIDEST_OFFSETS[0] or now > end_utc - WIDEST_OFFSETS[1] + GRACE:
            return 0
        base = (reach.members_now(now), Member.joined_at <= end_utc + WIDEST_OFFSETS[0] - MIN_TENURE)
        async with reach.database.session() as session:
            combos = (
                await session.execute(
                    select(Member.timezone, MemberPreferences.time_of_day)
                    .outerjoin(MemberPreferences, MemberPreferences.member_id == Member.id)
                    .where(*base, self._not_recapped(month))
                    .distinct()
                )
            ).all()
        done = 0
        for tz_name, preferred in combos:
            zone = member_zone(tz_name, reach.community.tz)
            start, end = month.bounds(zone)
            at = reach.send_at(end, zone=zone, preferred=preferred or MORNING, now=now)
            if at is None or at > end + GRACE:
                continue
            same_zone = Member.timezone == tz_name if tz_name is not None else Member.timezone.is_(None)
            same_time = (
                MemberPreferences.time_of_day == preferred if preferred is not None else MemberPreferences.time_of_day.is_(None)
            )
            where = (*base, Member.joined_at <= end - MIN_TENURE, same_zone, same_time, self._not_recapped(month))
            async with reach.database.session() as session:
                something = await self._had_something(session, start, end)
            done += await self._send_batches(month, (*where, something), start, end, at, now)
        return done

    async def _had_something(self, session: AsyncSession, start: datetime, end: datetime) -> ColumnElement[bool]:
        """Members whose month had something in it (a drop after they joined, a live, an answer):
        an empty recap is not sent, and not looked at again every hour either."""
        last_drop = await session.scalar(
            select(func.max(ContentItem.published_at)).where(
                ContentItem.community_id == self._reach.community.id,
                ContentItem.published_at >= start,
                ContentItem.published_at < end,
            )
        )
        live = exists().where(
            Rsvp.member_id == Member.id,
            Rsvp.attended.is_(True),
            LiveSession.id == Rsvp.session_id,
            LiveSession.starts_at >= start,
            LiveSession.starts_at < end,
        )
        answered = exists().where(
            FaqQuestion.member_id == Member.id,
            FaqQuestion.status.in_(ANSWERED),
            FaqQuestion.asked_at >= start,
            FaqQuestion.asked_at < end,
        )
        return or_(Member.joined_at <= last_drop, live, answered) if last_drop is not None else or_(live, answered)

    async def _send_batches(
        self, month: Month, where: tuple[ColumnElement[bool], ...], start: datetime, end: datetime, at: datetime, now: datetime
    ) -> int:
        reach, done, after = self._reach, 0, 0
        while True:
            async with reach.database.session() as session:
                rows = await session.execute(people().where(*where, Member.id > after).order_by(Member.id).limit(BATCH))
                members = [person(row) for row in rows]
                if not members:
                    return done
                after = members[-1].id
                done += await self._send(session, month, members, start, end, at, now)
            if len(members) < BATCH:
                return done

    async def _send(
        self,
        session: AsyncSession,
        month: Month,
        members: Sequence[Person],
        start: datetime,
        end: datetime,
        at: datetime,
        now: datetime,
    ) -> int:
        reach = self._reach
        counts = await month_counts(session, reach.community.id, members, start, end)
        targets = await reach.dm_targets(session, [m.id for m in members])
        sent = 0
        for member in members:
            target, numbers = targets.get(member.id), counts[member.id]
            if target is None or numbers.empty:
                continue
            message = views.recap_dm(
                name=member.name, community=reach.community.name, creator=reach.community.creator_name,
                month=month.month, drops=numbers.drops, live=numbers.live, questions=numbers.questions,
                joined=member.joined_at, zone=reach.zone_of(member), t=reach.words_for(member),
            )
            key = f"recap:{month.label}:member:{member.id}"
            sent += await reach.outbox.enqueue(
                session, key, target, message, member_id=member.id, not_before=not_before(at, now)
            )
        return sent


@dataclass(frozen=True)
class MonthCounts:
    drops: int
    live: int
    questions: int

    @property
    def empty(self) -> bool:
        return not (self.drops or self.live or self.questions)


async def month_counts(
    session: AsyncSession, community_id: int, members: Sequence[Person], start: datetime, end: datetime
) -> dict[int, MonthCounts]:
    """Per member, in [start, end): drops published since they joined, live sessions attended,
    questions of theirs that were answered."""
    ids = [m.id for m in members]
    published = (
        await session.scalars(
            select(ContentItem.published_at).where(
                ContentItem.community_id == community_id,
                ContentItem.published_at >= start,
                ContentItem.published_at < end,
            )
        )
    ).all()
    live = dict(
        (
            await session.execute(
                select(Rsvp.member_id, func.count())
                .join(LiveSession, LiveSession.id == Rsvp.session_id)
                .where(
                    Rsvp.member_id.in_(ids),
                    Rsvp.attended.is_(True),
                    LiveSession.status != "canceled",
                    LiveSession.starts_at >= start,
                    LiveSession.starts_at < end,
                )
                .group_by(Rsvp.member_id)
            )
        ).all()
    )
    questions = dict(
        (
            await session.execute(
                select(FaqQuestion.member_id, func.count())
                .where(
                    FaqQuestion.community_id == community_id,
                    FaqQuestion.member_id.in_(ids),
                    FaqQuestion.status.in_(ANSWERED),
                    FaqQuestion.asked_at >= start,
                    FaqQuestion.asked_at < end,
                )
                .group_by(FaqQuestion.member_id)
            )
        ).all()
    )
    return {
        m.id: MonthCounts(
            drops=sum(1 for p in published if p is not None and p >= m.joined_at),
            live=live.get(m.id, 0),
            questions=questions.get(m.id, 0),
        )
        for m in members
    }
