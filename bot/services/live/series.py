"""Weekly live series: start one from chat, list them, skip one occurrence, call a series off; and
the job that makes occurrences ahead, announces each once and winds down series called off.

An occurrence is an ordinary live session (RSVPs, reminders, questions, recording) with the
series' id and the date the rule gave it, so moving it (`/live move`) keeps it the same one.
"""

from __future__ import annotations

import logging
import re
from datetime import date, datetime, timedelta

from bot.notices.live import SeriesCanceledForRsvp, SeriesEnded, SeriesInfo, SessionAnnounced, SessionInfo
from bot.services.audience import channel_targets
from bot.services.errors import UserError
from bot.services.live.base import LiveBase, info
from bot.services.live.rules import DURATION_MINUTES, ends_at, parse_date
from bot.services.live.series_rules import (
    SLOT_WINDOW,
    SeriesDraft,
    announce_at,
    occurrence_days,
    occurrence_start,
    validate_series,
)
from bot.services.parsing import MAX_AHEAD, whole
from storage.database import Session
from storage.models import LiveSeries, LiveSession, Member
from storage.repositories import live as repo
from storage.repositories import outbox as outbox_repo

log = logging.getLogger(__name__)

LISTED = 4  # next occurrences shown per series


class Series(LiveBase):
    # -- the creator's side -------------------------------------------------------------------

    async def create_series(self, draft: SeriesDraft) -> SeriesInfo:
        """Save a weekly series, make its coming occurrences, and announce any that is due already."""
        now = self._clock.now()
        spec = validate_series(draft, default_zone=self._community.tz)
        async with self._database.session() as session:
            existing = await repo.all_series(session, self._community.id)
            rule = (spec.weekday, spec.local_time, spec.timezone)
            clash = next(
                (s for s in existing if s.status == "active" and (s.weekday, s.local_time, s.timezone) == rule), None
            )
            if clash is not None:
                raise UserError("live.errors.series_exists", id=clash.id, title=clash.title)
            series = await repo.add_series(
                session,
                self._community.id,
                now=now,
                key=_chat_key(spec.title, {s.key for s in existing}),
                title=spec.title,
                weekday=spec.weekday,
                local_time=spec.local_time,
                timezone=spec.timezone,
                duration_min=spec.duration_min,
                link=spec.link,
                description=spec.description,
                source="chat",
            )
            await self._materialise(session, series, now)
            await self._announce_due(session, now)
            found = await self._series_info(session, series, now)
        log.info("started live series %s", found.id)
        return found

    async def series_list(self) -> list[SeriesInfo]:
        """Every series, the active ones first, each with its next occurrences."""
        now = self._clock.now()
        async with self._database.session() as session:
            rows = sorted(await repo.all_series(session, self._community.id), key=lambda s: s.status != "active")
            return [await self._series_info(session, series, now) for series in rows]

    async def skip(self, ref: str) -> tuple[SessionInfo, int]:
        """Skip one occurrence (by session id, or by date), telling those who RSVP'd. Returns it and how many were told."""
        now = self._clock.now()
        async with self._database.session() as session:
            live = await self._occurrence_for(session, ref.strip(), now)
            live = await self._open_session(session, live.id)
            return await self._call_off(session, live)

    async def cancel_series(self, ref: str) -> tuple[SeriesInfo, int, int]:
        """Call a series off: its coming occurrences are cancelled and everyone with a seat is told once.

        Returns the series, how many occurrences were cancelled and how many members were told."""
        now = self._clock.now()
        series_id = whole(ref.strip().lstrip("#"), 1)
        async with self._database.session() as session:
            series = await repo.get_series(session, self._community.id, series_id) if series_id else None
            if series is None:
                raise UserError("live.errors.series_not_found", value=ref.strip()[:40] or "?")
            if series.status != "active":
                raise UserError("live.errors.series_canceled", id=series.id, title=series.title)
            series.status, series.canceled_at = "canceled", now
            canceled, told = await self._wind_down(session, series, now)
            return await self._series_info(session, series, now), canceled, told

    # -- time-driven ----------------------------------------------------------------------------

    async def keep_series(self) -> int:
        """Make occurrences ahead, wind down series called off (also from community.toml), announce
        what is due. Safe to run any number of times. Returns how many messages were queued."""
        now = self._clock.now()
        queued = 0
        async with self._database.session() as session:
            for series in await repo.all_series(session, self._community.id):
                if series.status == "active":
                    await self._materialise(session, series, now)
                else:
                    queued += (await self._wind_down(session, series, now))[1]
            queued += await self._announce_due(session, now)
        return queued

    async def _materialise(self, session: Session, series: LiveSeries, now: datetime) -> int:
        """The occurrences of the coming weeks that do not exist yet (a skipped or moved one exists)."""
        have = await repo.occurrence_days(session, series.id)
        made = 0
        for day in occurrence_days(series.weekday, series.local_time, series.timezone, now):
            if day not in have:
                starts_at = occurrence_start(day, series.local_time, series.timezone)
                made += await repo.ensure_occurrence(session, series, day, starts_at, now)
        return made

    async def _announce_due(self, session: Session, now: datetime) -> int:
        """Announce each occurrence once, when its time comes (see `series_rules.announce_at`)."""
        config = self._community.config
        since = now - timedelta(minutes=DURATION_MINUTES[1])
        queued = 0
        latest = now + SLOT_WINDOW + timedelta(hours=2)  # a week of wall-clock time, across a DST change
        for live in await repo.series_occurrences_between(session, self._community.id, since, latest):
            if ends_at(live.starts_at, live.duration_min) <= now:
                continue
            at, by_slot = announce_at(live.starts_at, config.drops.slots, self._community.tz)
            if at <= now:
                channel = config.channels.drops if by_slot else None  # the slot's post is the occurrence
                queued += await self._post(session, live, "announce", SessionAnnounced(info(live)), channel=channel)
        return queued

    async def _wind_down(self, session: Session, series: LiveSeries, now: datetime) -> tuple[int, int]:
        """Cancel the coming occurrences of a series called off; one message per member with a seat."""
        coming = await repo.occurrences_from(session, series.id, now)
        if not coming:
            return 0, 0
        seats: dict[int, tuple[Member, list[SessionInfo]]] = {}
        for live in coming:
            for member in await self._rsvped(session, live):
                seats.setdefault(member.id, (member, []))[1].append(info(live))
            await repo.cancel(session, live)
        facts = series_info(series)
        told = 0
        for member, sessions in seats.values():
            key = f"live-series:{series.id}:canceled:member:{member.id}"
            told += await self._dm(session, member, key, SeriesCanceledForRsvp(facts, tuple(sessions)))
        if await self._ever_announced(session, series):  # members know it: say it is over
            for target in channel_targets(self._presence, self.channel):
                key = f"live-series:{series.id}:ended:{target.platform}:{target.workspace_id}"
                await self._outbox.enqueue(session, key, target, SeriesEnded(facts), reader=self._public_reader())
        log.info("live series %s called off: %d occurrences cancelled", series.id, len(coming))
        return len(coming), told

    async def _ever_announced(self, session: Session, series: LiveSeries) -> bool:
        spaces = self._presence.spaces
        ids = await repo.occurrence_ids(session, series.id)
        keys = [f"qa:{i}:announce:{platform}:{workspace}" for i in ids for platform, workspace in spaces]
        return bool(await outbox_repo.existing_keys(session, keys))

    # -- finding things -------------------------------------------------------------------------

    async def _occurrence_for(self, session: Session, ref: str, now: datetime) -> LiveSession:
        """An occurrence by session id (`12`, `#12`) or by date (`2026-12-24`), made (as skipped) if need be."""
        number = whole(ref.lstrip("#"), 1) if ref.lstrip("#").isdigit() else None
        if number is not None:
            live = await self._get(session, number)
            if live.series_id is None:
                raise UserError("live.errors.not_in_series", id=live.id, title=live.title)
            return live
        if not ref:
            raise UserError("live.errors.skip_usage")
        try:
            day = parse_date(ref)
        except UserError:
            raise UserError("live.errors.skip_usage") from None
        active = [s for s in await repo.all_series(session, self._community.id) if s.status == "active"]
        found = [o for s in active if (o := await repo.occurrence(session, s.id, day)) is not None]
        if len(found) == 1:
            return found[0]
        matching = [s for s in active if s.weekday == day.weekday()] if not found else []
        if len(found) > 1 or len(matching) > 1:
            ids = ", ".join(f"#{live.id}" for live in found) or ", ".join(f"#{s.id}" for s in matching)
            raise UserError("live.errors.which_occurrence", when=day.isoformat(), ids=ids)
        if not matching:
            raise UserError("live.errors.no_occurrence", when=day.isoformat())
        return await self._make_occurrence(session, matching[0], day, now)

    async def _make_occurrence(self, session: Session, series: LiveSeries, day: date, now: datetime) -> LiveSession:
        """An occurrence beyond the ones made so far (to skip it ahead of time)."""
        starts_at = occurrence_start(day, series.local_time, series.timezone)
        if starts_at <= now:
            raise UserError("live.errors.in_past", when=starts_at)
        if starts_at - now > MAX_AHEAD:
            raise UserError("live.errors.too_far", when=starts_at)
        await repo.ensure_occurrence(session, series, day, starts_at, now)
        live = await repo.occurrence(session, series.id, day)
        assert live is not None
        return live

    async def _series_info(self, session: Session, series: LiveSeries, now: datetime) -> SeriesInfo:
        coming = [s for s in await repo.occurrences_from(session, series.id, now) if s.starts_at > now]
        skipped = await repo.occurrences_from(session, series.id, now, status="canceled")
        if series.status != "active":
            skipped = []
        return series_info(series, tuple(map(info, coming[:LISTED])), tuple(map(info, skipped[:LISTED])))


def series_info(
    series: LiveSeries, coming: tuple[SessionInfo, ...] = (), skipped: tuple[SessionInfo, ...] = ()
) -> SeriesInfo:
    """A series as plain data, for notices and replies."""
    return SeriesInfo(
        id=series.id,
        title=series.title,
        weekday=series.weekday,
        local_time=series.local_time,
        timezone=series.timezone,
        duration_min=series.duration_min,
        link=series.link,
        active=series.status == "active",
        from_file=series.source == "file",
        next=coming,
        skipped=skipped,
    )


def _chat_key(title: str, taken: set[str]) -> str:
    """A key for a series started in chat; "chat-" keeps it apart from the keys in community.toml."""
    base = "chat-" + (re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60] or "live")
    key, n = base, 2
    while key in taken:
        key, n = f"{base}-{n}", n + 1
    return key
