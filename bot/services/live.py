"""Live Q&A sessions: scheduling, RSVPs, questions in advance, reminders, attendance and recordings."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from urllib.parse import urlparse
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import Translator
from bot.messages import OutboundMessage
from bot.services import activity
from bot.services.audience import channel_targets, dm_target
from bot.services.base import DomainService
from bot.services.errors import UserError
from bot.services.parsing import MAX_AHEAD  # a year at most: a date shown without its year is never ambiguous
from bot.services.ics import CalendarEvent
from bot.services.timing import member_zone
from bot.views import live as views
from bot.views.common import local_time
from storage.models import ContentItem, LiveQuestion, LiveSession, Member, Rsvp
from storage.repositories import members as members_repo
from storage.repositories._upsert import insert_ignoring_conflicts

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Reminder:
    """A reminder `before` the start; not sent once it is more than `late` overdue."""

    label: str
    before: timedelta
    late: timedelta


# Proposed community setting: [live] reminders = ["24h", "1h", "0m"]. A constant until then.
REMINDERS: tuple[Reminder, ...] = (
    Reminder("24h", timedelta(hours=24), late=timedelta(hours=6)),
    Reminder("1h", timedelta(hours=1), late=timedelta(minutes=20)),
    Reminder("start", timedelta(0), late=timedelta(minutes=15)),
)
DIGEST_LABEL = "1h"  # the creator's "questions so far" goes with this reminder
CHECK_IN_EARLY = timedelta(minutes=15)  # "I'm here" works from this long before the start
DURATION_MINUTES = (10, 480)
MAX_QUESTION = 1000
DEFAULT_DURATION = 60


@dataclass(frozen=True)
class SessionDraft:
    """What the creator typed (command or form), before validation."""

    title: str
    date: str
    time: str
    zone: str = ""
    duration: str = ""
    link: str = ""
    description: str = ""


@dataclass(frozen=True)
class SessionSpec:
    title: str
    starts_at: datetime
    duration_min: int
    link: str | None
    description: str


@dataclass(frozen=True)
class Upcoming:
    session: LiveSession
    rsvps: int
    questions: int
    going: bool


@dataclass(frozen=True)
class Asked:
    number: int
    text: str
    asker: str


@dataclass(frozen=True)
class Attendee:
    member_id: int
    name: str
    attended: bool


@dataclass(frozen=True)
class RecordingResult:
    session: LiveSession
    item: ContentItem
    attendees: int
    missed: int
    replaced: bool


# -- validation: the same rules for `/live schedule` arguments and the form ------------------


def parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise UserError("live.errors.bad_date", value=text.strip() or "?") from None


_CLOCK = re.compile(r"(?P<h>\d{1,2})(?:[:.h](?P<m>\d{2}))?h?\s*(?P<ampm>am|pm)?")


def parse_clock(text: str) -> time:
    match = _CLOCK.fullmatch(text.strip().lower())
    if match:
        hour, minute, ampm = int(match["h"]), int(match["m"] or 0), match["ampm"]
        if ampm and 1 <= hour <= 12:
            hour = hour % 12 + (12 if ampm == "pm" else 0)
        elif ampm:
            hour = 99  # "17pm" is not a time
        if hour < 24 and minute < 60:
            return time(hour, minute)
    raise UserError("live.errors.bad_time", value=text.strip() or "?")


def parse_zone(text: str, default: ZoneInfo) -> ZoneInfo:
    name = text.strip()
    if not name:
        return default
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        pass
    match = next((z for z in available_timezones() if z.lower() == name.lower()), None)
    if match is None:
        raise UserError("live.errors.bad_zone", value=name)
    return ZoneInfo(match)


_DURATION = re.compile(r"(?:(?P<h>\d{1,2})h)?(?P<m>\d{1,3})?(?:m|min|mins|minutes)?")


def parse_duration(text: str) -> int:
    raw = text.strip().lower().replace(" ", "")
    if not raw:
        return DEFAULT_DURATION
    match = _DURATION.fullmatch(raw)
    if match and (match["h"] or match["m"]):
        minutes = int(match["h"] or 0) * 60 + int(match["m"] or 0)
        if DURATION_MINUTES[0] <= minutes <= DURATION_MINUTES[1]:
            return minutes
    raise UserError("live.errors.bad_duration", value=text.strip(), low=DURATION_MINUTES[0], high=DURATION_MINUTES[1])


def parse_link(text: str) -> str | None:
    link = text.strip()
    if not link:
        return None
    parsed = urlparse(link)
    if parsed.scheme not in ("http", "https") or not parsed.netloc or any(c.isspace() for c in link) or len(link) > 500:
        raise UserError("live.errors.bad_link", value=link[:80])
    return link


def validate(draft: SessionDraft, *, now: datetime, default_zone: ZoneInfo) -> SessionSpec:
    """Check every field and name the first that is wrong (as a `UserError`); nothing is saved here."""
    title = " ".join(draft.title.split())
    if not title:
        raise UserError("live.errors.no_title")
    if len(title) > 150:
        raise UserError("live.errors.long_title", count=len(title))
    day, clock, zone = parse_date(draft.date), parse_clock(draft.time), parse_zone(draft.zone, default_zone)
    if day < (now - timedelta(days=2)).date():  # far-off years would overflow the time zone maths
        raise UserError("live.errors.in_past", when=day.isoformat())
    if day > (now + MAX_AHEAD).date():
        raise UserError("live.errors.too_far", when=day.isoformat())
    starts_at = wall_time_to_utc(day, clock, zone)
    if starts_at <= now:
        raise UserError("live.errors.in_past", when=local_time(starts_at, zone))
    if starts_at - now > MAX_AHEAD:
        raise UserError("live.errors.too_far", when=local_time(starts_at, zone))
    description = draft.description.strip()
    if len(description) > 2000:
        raise UserError("live.errors.long_description", count=len(description))
    return SessionSpec(title, starts_at, parse_duration(draft.duration), parse_link(draft.link), description)


def wall_time_to_utc(day: date, clock: time, zone: ZoneInfo) -> datetime:
    """A local wall time as a UTC instant; a time skipped by a DST change moves forward."""
    return datetime.combine(day, clock, tzinfo=zone).astimezone(timezone.utc)


def ends_at(session: LiveSession) -> datetime:
    return session.starts_at + timedelta(minutes=session.duration_min)


def stamp(session: LiveSession) -> str:
    """Part of every time-bound dedupe key, so a moved session gets fresh reminders."""
    return session.starts_at.astimezone(timezone.utc).strftime("%Y%m%dT%H%MZ")


def due_reminder(starts_at: datetime, now: datetime) -> Reminder | None:
    """The most recent reminder that has come due and is not too late; older ones are superseded."""
    came_due = [r for r in REMINDERS if starts_at - r.before <= now]
    if not came_due:
        return None
    latest = min(came_due, key=lambda r: r.before)
    return latest if now - (starts_at - latest.before) <= latest.late else None


class LiveService(DomainService):
    """Everything about live sessions; handlers call it, the reminder job calls `send_due_reminders`."""

    @property
    def channel(self) -> str:
        channels = self._community.config.channels
        return channels.live or channels.announcements

    # -- the creator's side ----------------------------------------------------------------

    async def schedule(self, draft: SessionDraft) -> LiveSession:
        """Validate, save and announce on every workspace, in one transaction."""
        now = self._clock.now()
        spec = validate(draft, now=now, default_zone=self._community.tz)
        async with self._database.session() as session:
            live = LiveSession(
                community_id=self._community.id,
                title=spec.title,
                starts_at=spec.starts_at,
                duration_min=spec.duration_min,
                link=spec.link,
                description=spec.description,
                status="scheduled",
                external_ids={},
                created_at=now,
            )
            session.add(live)
            await session.flush()
            await self._post(session, live, "announce", views.announcement(live, self._public_t(), self._community.tz))
        log.info("scheduled live session %s", live.id)
        return live

    async def move(
        self, session_id: int, day: str, clock: str, zone: str = "", duration: str = ""
    ) -> tuple[LiveSession, datetime]:
        """Give a session a new start (and maybe length); those who RSVP'd are told. Returns the old start."""
        now = self._clock.now()
        async with self._database.session() as session:
            live = await self._open_session(session, session_id)
            spec = validate(
                SessionDraft(live.title, day, clock, zone, duration or str(live.duration_min)),
                now=now,
                default_zone=self._community.tz,
            )
            old = live.starts_at
            if spec.starts_at == old and spec.duration_min == live.duration_min:
                raise UserError("live.errors.same_time", id=live.id)
            live.starts_at, live.duration_min = spec.starts_at, spec.duration_min
            await session.flush()
            for member in await self._rsvped(session, live.id):
                t, tz = self._member_t(member)
                key = f"qa:{live.id}:moved:member:{member.id}@{stamp(live)}"
                await self._dm(session, member, key, views.moved_dm(live, old, t, tz))
            post = views.moved_post(live, old, self._public_t(), self._community.tz)
            await self._post(session, live, f"moved@{stamp(live)}", post)
        return live, old

    async def cancel(self, session_id: int) -> tuple[LiveSession, int]:
        """Cancel a session and tell everyone who RSVP'd. Returns the session and how many were told."""
        async with self._database.session() as session:
            live = await self._open_session(session, session_id)
            live.status = "canceled"
            told = 0
            for member in await self._rsvped(session, live.id):
                t, tz = self._member_t(member)
                key = f"qa:{live.id}:canceled:member:{member.id}"
                told += await self._dm(session, member, key, views.canceled_dm(live, t, tz))
            await self._post(session, live, "canceled", views.canceled_post(live, self._public_t(), self._community.tz))
        return live, told

    async def questions(self, session_id: int | None = None) -> tuple[LiveSession, list[Asked]]:
        async with self._database.session() as session:
            live = await self._get(session, session_id) if session_id else await self._next(session)
            rows = await session.execute(
                select(LiveQuestion, Member.display_name)
                .outerjoin(Member, Member.id == LiveQuestion.member_id)
                .where(LiveQuestion.session_id == live.id)
                .order_by(LiveQuestion.created_at, LiveQuestion.id)
            )
            return live, [Asked(n, q.text, name or "") for n, (q, name) in enumerate(rows.all(), start=1)]

    async def attendance(self, session_id: int) -> tuple[LiveSession, list[Attendee]]:
        async with self._database.session() as session:
            live = await self._get(session, session_id)
            rows = await session.execute(
                select(Rsvp, Member)
                .join(Member, Member.id == Rsvp.member_id)
                .where(Rsvp.session_id == live.id)
                .order_by(Rsvp.id)
            )
            return live, [Attendee(m.id, m.display_name, r.attended) for r, m in rows.all()]

    async def mark_attended(self, session_id: int, member_ids: Sequence[int]) -> tuple[LiveSession, int]:
        """The creator says these members came (RSVP'd or not). Returns how many were newly marked."""
        async with self._database.session() as session:
            live = await self._get(session, session_id)
            if live.status == "canceled":
                raise UserError("live.errors.canceled", id=live.id, title=live.title)
            if self._clock.now() < live.starts_at - CHECK_IN_EARLY:
                raise UserError("live.errors.not_started", id=live.id, when=self._local(live.starts_at))
            newly = sum([await self._attend(session, live, member_id) for member_id in dict.fromkeys(member_ids)])
            return live, newly

    async def find_members(self, platform: str, workspace_id: str, refs: Sequence[str]) -> list[int]:
        """Members named by mention (`<@U1>`, `<@!1>`), `@user_id` or display name; errors name the first unknown."""
        found: list[int] = []
        async with self._database.session() as session:
            for ref in refs:
                user_id = re.sub(r"^<@!?([^>|]+)(\|[^>]*)?>$", r"\1", ref).lstrip("@")
                member = await members_repo.by_identity(session, platform, workspace_id, user_id)
                if member is None:
                    member = await session.scalar(
                        select(Member).where(
                            Member.community_id == self._community.id,
                            func.lower(Member.display_name) == user_id.lower(),
                        )
                    )
                if member is None:
                    raise UserError("live.errors.unknown_member", value=ref)
                found.append(member.id)
        return found

    async def add_recording(self, session_id: int, url: str, description: str = "") -> RecordingResult:
        """Put the recording in the library (published now) and send it to attendees and no-shows, once each."""
        link = parse_link(url)
        if link is None:
            raise UserError("live.errors.no_recording_link")
        now = self._clock.now()
        t = self._public_t()
        async with self._database.session() as session:
            live = await self._get(session, session_id)
            if live.status == "canceled":
                raise UserError("live.errors.canceled", id=live.id, title=live.title)
            if now < live.starts_at:
                raise UserError("live.errors.recording_too_early", id=live.id, when=self._local(live.starts_at))
            teaser = description.strip() or t("live.recording.teaser", when=self._local(live.starts_at))
            item = await session.get(ContentItem, live.content_item_id) if live.content_item_id else None
            replaced = item is not None
            if item is None:
                item = ContentItem(
                    community_id=self._community.id,
                    slug=f"live-{live.id}-recording",
                    title=live.title,
                    kind="live",
                    levels=[],
                    topics=["live"],
                    publish_at=now,
                    published_at=now,
                )
                session.add(item)
            item.url, item.teaser, item.body = link, teaser, teaser
            await session.flush()
            live.recording_url, live.content_item_id, live.status = link, item.id, "done"
            sent = {True: 0, False: 0}  # attended -> how many were sent the recording just now
            rsvps = await session.execute(
                select(Rsvp.attended, Member)
                .join(Member, Member.id == Rsvp.member_id)
                .where(Rsvp.session_id == live.id, Member.left_at.is_(None))
            )
            for attended, member in rsvps.all():
                message = views.recording_dm(live, item, self._member_t(member)[0], attended=attended)
                sent[attended] += await self._dm(session, member, f"qa:{live.id}:recording:member:{member.id}", message)
            await self._post(session, live, "recording", views.recording_post(live, item, t))
        return RecordingResult(live, item, attendees=sent[True], missed=sent[False], replaced=replaced)

    # -- the member's side -------------------------------------------------------------------

    async def rsvp(self, session_id: int, member_id: int) -> tuple[LiveSession, bool]:
        """Save a seat. Returns the session and whether this was new (a second click changes nothing)."""
        now = self._clock.now()
        async with self._database.session() as session:
            live = await self._open_session(session, session_id, allow_running=True)
            values = {"session_id": live.id, "member_id": member_id, "created_at": now, "attended": False}
            result = await session.execute(insert_ignoring_conflicts(session, Rsvp, values))
            return live, bool(result.rowcount)

    async def unrsvp(self, session_id: int, member_id: int) -> LiveSession:
        async with self._database.session() as session:
            live = await self._get(session, session_id)
            rsvp = await session.scalar(select(Rsvp).where(Rsvp.session_id == live.id, Rsvp.member_id == member_id))
            if rsvp is not None:
                await session.delete(rsvp)
            return live

    async def ask(self, member_id: int, text: str, session_id: int | None = None) -> tuple[LiveSession, int]:
        """Queue a question for a session (the next one by default). Returns it and the question's number."""
        question = " ".join(text.split())
        if not question:
            raise UserError("live.errors.no_question")
        if len(question) > MAX_QUESTION:
            raise UserError("live.errors.long_question", count=len(question), limit=MAX_QUESTION)
        async with self._database.session() as session:
            if session_id:
                live = await self._open_session(session, session_id, allow_running=True)
            else:
                live = await self._next(session)
            now = self._clock.now()
            session.add(
                LiveQuestion(session_id=live.id, member_id=member_id, text=question, source="member", created_at=now)
            )
            await session.flush()
            return live, await _count(session, LiveQuestion, live.id)

    async def check_in(self, session_id: int, member_id: int) -> tuple[LiveSession, bool]:
        """The "I'm here" button: from 15 minutes before the start until the end. True if newly marked."""
        now = self._clock.now()
        async with self._database.session() as session:
            live = await self._get(session, session_id)
            if live.status == "canceled":
                raise UserError("live.errors.canceled", id=live.id, title=live.title)
            if now < live.starts_at - CHECK_IN_EARLY:
                raise UserError("live.errors.check_in_early", when=self._local(live.starts_at - CHECK_IN_EARLY))
            if now > ends_at(live):
                raise UserError("live.errors.over", id=live.id, title=live.title)
            return live, await self._attend(session, live, member_id)

    async def upcoming(self, member_id: int | None = None, limit: int = 5) -> list[Upcoming]:
        """Sessions not over yet, soonest first, with RSVP and question counts."""
        async with self._database.session() as session:
            sessions = await self._not_over(session, limit)
            found = []
            for live in sessions:
                going = member_id is not None and bool(
                    await session.scalar(select(Rsvp.id).where(Rsvp.session_id == live.id, Rsvp.member_id == member_id))
                )
                rsvps, questions = await _count(session, Rsvp, live.id), await _count(session, LiveQuestion, live.id)
                found.append(Upcoming(live, rsvps, questions, going))
            return found

    async def next_session(self) -> LiveSession | None:
        """The next session that is not over (it may be live right now), for /next."""
        async with self._database.session() as session:
            found = await self._not_over(session, 1)
            return found[0] if found else None

    async def calendar_event(self, session_id: int) -> CalendarEvent:
        async with self._database.session() as session:
            live = await self._get(session, session_id)
        now = self._clock.now()
        t = self._public_t()
        return CalendarEvent(
            uid=f"live-{live.id}@{self._community.config.community.slug}.membot",
            start=live.starts_at,
            end=ends_at(live),
            summary=t("live.calendar.summary", title=live.title, community=self._community.name),
            description=live.description or t("live.calendar.description", community=self._community.name),
            url=live.link,
            # Later downloads must win in calendar apps: minutes since creation always grows.
            sequence=int((now - live.created_at).total_seconds() // 60),
            canceled=live.status == "canceled",
            stamp=now,
        )

    # -- time-driven -------------------------------------------------------------------------

    async def send_due_reminders(self) -> int:
        """Queue the reminders that are due now (see `due_reminder`); each goes once per start time."""
        now = self._clock.now()
        queued = 0
        async with self._database.session() as session:
            horizon = max(r.before for r in REMINDERS)
            candidates = await session.scalars(
                select(LiveSession).where(
                    LiveSession.community_id == self._community.id,
                    LiveSession.status == "scheduled",
                    LiveSession.starts_at <= now + horizon,
                    LiveSession.starts_at >= now - max(r.late for r in REMINDERS),
                )
            )
            for live in candidates.all():
                reminder = due_reminder(live.starts_at, now)
                if reminder is not None:
                    queued += await self._remind(session, live, reminder, now)
        return queued

    async def _remind(self, session: AsyncSession, live: LiveSession, reminder: Reminder, now: datetime) -> int:
        due = live.starts_at - reminder.before
        queued = 0
        for member in await self._rsvped(session, live.id, before=due):
            t, tz = self._member_t(member)
            key = f"qa:{live.id}:remind-{reminder.label}:member:{member.id}@{stamp(live)}"
            queued += await self._dm(session, member, key, views.reminder(live, reminder.label, t, tz))
        if reminder.label == DIGEST_LABEL:
            questions = await session.scalars(
                select(LiveQuestion.text)
                .where(LiveQuestion.session_id == live.id)
                .order_by(LiveQuestion.created_at, LiveQuestion.id)
            )
            asked = list(questions.all())
            rsvps = len(await self._rsvped(session, live.id))
            creators = await session.scalars(
                select(Member).where(
                    Member.community_id == self._community.id, Member.role == "creator", Member.left_at.is_(None)
                )
            )
            for creator in creators.all():
                t, tz = self._member_t(creator)
                key = f"qa:{live.id}:digest:member:{creator.id}@{stamp(live)}"
                queued += await self._dm(session, creator, key, views.digest(live, asked, rsvps, t, tz))
        if reminder.before == timedelta(0):
            await self._post(session, live, f"live-now@{stamp(live)}", views.live_now_post(live, self._public_t()))
        return queued

    # -- helpers -----------------------------------------------------------------------------

    async def _get(self, session: AsyncSession, session_id: int) -> LiveSession:
        live = await session.get(LiveSession, session_id)
        if live is None or live.community_id != self._community.id:
            raise UserError("live.errors.not_found", id=session_id)
        return live

    async def _open_session(
        self, session: AsyncSession, session_id: int, *, allow_running: bool = False
    ) -> LiveSession:
        """A session that can still change: not canceled, not done, and not started (or over)."""
        live = await self._get(session, session_id)
        if live.status == "canceled":
            raise UserError("live.errors.canceled", id=live.id, title=live.title)
        now = self._clock.now()
        if live.status == "done" or now >= ends_at(live):
            raise UserError("live.errors.over", id=live.id, title=live.title)
        if not allow_running and now >= live.starts_at:
            raise UserError("live.errors.started", id=live.id, title=live.title)
        return live

    async def _next(self, session: AsyncSession) -> LiveSession:
        found = await self._not_over(session, 1)
        if not found:
            raise UserError("live.errors.none_upcoming")
        return found[0]

    async def _not_over(self, session: AsyncSession, limit: int) -> list[LiveSession]:
        now = self._clock.now()
        rows = await session.scalars(
            select(LiveSession)
            .where(
                LiveSession.community_id == self._community.id,
                LiveSession.status == "scheduled",
                LiveSession.starts_at > now - timedelta(minutes=DURATION_MINUTES[1]),
            )
            .order_by(LiveSession.starts_at, LiveSession.id)
        )
        return [s for s in rows.all() if ends_at(s) > now][:limit]

    async def _rsvped(self, session: AsyncSession, session_id: int, *, before: datetime | None = None) -> list[Member]:
        """Members still here who RSVP'd (before `before`, when given), in RSVP order."""
        query = (
            select(Member)
            .join(Rsvp, Rsvp.member_id == Member.id)
            .where(Rsvp.session_id == session_id, Member.left_at.is_(None))
            .order_by(Rsvp.id)
        )
        if before is not None:
            query = query.where(Rsvp.created_at <= before)
        return list((await session.scalars(query)).all())

    async def _attend(self, session: AsyncSession, live: LiveSession, member_id: int) -> bool:
        now = self._clock.now()
        rsvp = await session.scalar(select(Rsvp).where(Rsvp.session_id == live.id, Rsvp.member_id == member_id))
        if rsvp is None:
            rsvp = Rsvp(session_id=live.id, member_id=member_id, created_at=now, attended=False)
            session.add(rsvp)
        if rsvp.attended:
            return False
        rsvp.attended = True
        await session.flush()
        await activity.record(session, member_id, "live_attended", now, f"live:{live.id}")
        return True

    async def _dm(self, session: AsyncSession, member: Member, key: str, message: OutboundMessage) -> bool:
        target = dm_target(member, self._presence)
        if target is None:
            return False
        return await self._outbox.enqueue(session, key, target, message, member_id=member.id)

    async def _post(self, session: AsyncSession, live: LiveSession, reason: str, message: OutboundMessage) -> None:
        for target in channel_targets(self._presence, self.channel):
            key = f"qa:{live.id}:{reason}:{target.platform}:{target.workspace_id}"
            await self._outbox.enqueue(session, key, target, message)

    def _member_t(self, member: Member) -> tuple[Translator, ZoneInfo]:
        return (
            self._catalog.for_locale(member.locale, self._community.locale),
            member_zone(member.timezone, self._community.tz),
        )

    def _public_t(self) -> Translator:
        return self._catalog.for_locale(self._community.locale)

    def _local(self, when: datetime) -> str:
        return local_time(when, self._community.tz, self._public_t())


async def _count(session: AsyncSession, model: type[Rsvp] | type[LiveQuestion], session_id: int) -> int:
    return int(await session.scalar(select(func.count()).select_from(model).where(model.session_id == session_id)) or 0)
