"""The creator's side of live sessions: schedule, move and cancel (everyone concerned is told), and
the facts a calendar invitation is made from."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime

from bot.notices.live import RsvpMoved, SessionAnnounced, SessionInfo, SessionMoved
from bot.services.errors import UserError
from bot.services.live.base import LiveBase, info
from bot.services.live.rules import LONGEST, SessionDraft, ends_at, stamp, validate
from storage.repositories import live as repo
from storage.repositories import members as members_repo

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CalendarEntry:
    """What a calendar file for one session holds, before it is worded."""

    session: SessionInfo
    uid: str  # the same for this session forever
    sequence: int  # grows with every download, so calendar apps take the latest
    canceled: bool
    stamp: datetime


class Scheduling(LiveBase):
    async def schedule(self, draft: SessionDraft) -> SessionInfo:
        """Validate, save and announce on every workspace, in one transaction."""
        now = self._clock.now()
        spec = validate(draft, now=now, default_zone=self._community.tz)
        async with self._database.session() as session:
            live = await repo.add(
                session,
                self._community.id,
                title=spec.title,
                starts_at=spec.starts_at,
                duration_min=spec.duration_min,
                link=spec.link,
                description=spec.description,
                now=now,
            )
            scheduled = info(live)
            await self._post(session, live, "announce", SessionAnnounced(scheduled))
        log.info("scheduled live session %s", scheduled.id)
        return scheduled

    async def overlapping(self, live: SessionInfo) -> SessionInfo | None:
        """Another scheduled session at the same time as `live` (a series' occurrence, most often)."""
        ends = ends_at(live.starts_at, live.duration_min)
        async with self._database.session() as session:
            near = await repo.scheduled_between(session, self._community.id, live.starts_at - LONGEST, ends)
        return next(
            (
                info(other)
                for other in sorted(near, key=lambda s: s.starts_at)
                if other.id != live.id
                and ends_at(other.starts_at, other.duration_min) > live.starts_at
                and other.starts_at < ends
            ),
            None,
        )

    async def move(
        self, session_id: int, day: str, clock: str, zone: str = "", duration: str = ""
    ) -> tuple[SessionInfo, datetime]:
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
            await repo.move(session, live, spec.starts_at, spec.duration_min)
            moved, when = info(live), stamp(live.starts_at)
            for member in await self._rsvped(session, live):
                key = f"qa:{live.id}:moved:member:{member.id}@{when}"
                await self._dm(session, member, key, RsvpMoved(moved, old))
            if await self._announced(session, live):
                await self._post(session, live, f"moved@{when}", SessionMoved(moved, old))
        return moved, old

    async def cancel(self, session_id: int) -> tuple[SessionInfo, int]:
        """Cancel a session and tell everyone who RSVP'd. Returns the session and how many were told."""
        async with self._database.session() as session:
            live = await self._open_session(session, session_id)
            return await self._call_off(session, live)

    async def calendar_entry(self, session_id: int, member_id: int) -> CalendarEntry:
        """The facts for a calendar file (`.ics`) or a web calendar link. The date is in the public
        announcement, so anyone may add it; the join link is only in a member's (and the team's)."""
        async with self._database.session() as session:
            live = await self._get(session, session_id)
            found = info(live)
            if not await members_repo.takes_part(session, member_id, self._clock.now(), self._grace):
                found = replace(found, link=None)
        now = self._clock.now()
        return CalendarEntry(
            session=found,
            uid=f"live-{live.id}@{self._community.config.community.slug}.membot",
            # Later downloads must win in calendar apps: minutes since creation always grows.
            sequence=int((now - live.created_at).total_seconds() // 60),
            canceled=live.status == "canceled",
            stamp=now,
        )
