"""What every part of the live feature shares: finding a session, and telling people about it.

Errors about a time carry the instant (`when=datetime`); the handler words it for the reader.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from bot.notices import Notice
from bot.notices.live import RsvpCanceled, SessionCanceled, SessionInfo
from bot.services.audience import channel_targets, dm_target
from bot.services.base import DomainService
from bot.services.errors import UserError
from bot.services.live.rules import DURATION_MINUTES, ends_at
from storage.database import Session
from storage.models import LiveSession, Member
from storage.repositories import live as repo
from storage.repositories import live_audience
from storage.repositories import members as members_repo
from storage.repositories import outbox as outbox_repo


def info(live: LiveSession) -> SessionInfo:
    """A session as plain data, for notices and for what handlers reply with."""
    return SessionInfo(live.id, live.title, live.starts_at, live.duration_min, live.link, live.description)


class LiveBase(DomainService):
    """Storage, the outbox, time and the community, plus the lookups and sends every live part needs."""

    @property
    def channel(self) -> str:
        """Where sessions are announced: the live channel, else announcements."""
        channels = self._community.config.channels
        return channels.live or channels.announcements

    async def _get(self, session: Session, session_id: int) -> LiveSession:
        live = await repo.get(session, self._community.id, session_id)
        if live is None:
            raise UserError("live.errors.not_found", id=session_id)
        return live

    async def _open_session(self, session: Session, session_id: int, *, allow_running: bool = False) -> LiveSession:
        """A session that can still change: not canceled, not done, and not started (or over)."""
        live = await self._get(session, session_id)
        if live.status == "canceled":
            raise UserError("live.errors.canceled", id=live.id, title=live.title)
        now = self._clock.now()
        if live.status == "done" or now >= ends_at(live.starts_at, live.duration_min):
            raise UserError("live.errors.over", id=live.id, title=live.title)
        if not allow_running and now >= live.starts_at:
            raise UserError("live.errors.started", id=live.id, title=live.title)
        return live

    async def _next(self, session: Session) -> LiveSession:
        found = await self._not_over(session, 1)
        if not found:
            raise UserError("live.errors.none_upcoming")
        return found[0]

    async def _not_over(self, session: Session, limit: int) -> list[LiveSession]:
        """Scheduled sessions not over yet (one may be running), soonest first."""
        now = self._clock.now()
        # No session lasts longer than the longest duration, so older starts are surely over.
        since = now - timedelta(minutes=DURATION_MINUTES[1])
        found = await repo.scheduled_since(session, self._community.id, since)
        return [s for s in found if ends_at(s.starts_at, s.duration_min) > now][:limit]

    async def _require_member(self, session: Session, member_id: int) -> None:
        """RSVPs, questions, the join link and calendar files are for members (and the creator's team):
        anyone else is told how to join, and nothing changes."""
        if not await members_repo.takes_part(session, member_id, self._clock.now(), self._grace):
            raise UserError("live.errors.members_only")

    async def _rsvped(self, session: Session, live: LiveSession) -> Sequence[Member]:
        """Who RSVP'd and is still a member now (the moment of sending), in RSVP order."""
        return await live_audience.rsvped(session, live.id, self._clock.now(), self._grace)

    async def _dm(self, session: Session, member: Member, key: str, notice: Notice) -> bool:
        """Queue a DM worded for `member`; False if they have no account on a platform this process serves."""
        target = dm_target(member, self._presence)
        if target is None:
            return False
        return await self._outbox.enqueue(
            session, key, target, notice, reader=self._reader(member), member_id=member.id
        )

    async def _post(
        self, session: Session, live: LiveSession, reason: str, notice: Notice, *, channel: str | None = None
    ) -> int:
        """Post in the live channel (or `channel`) of every workspace, once per `reason`. Returns how many were queued."""
        queued = 0
        for target in channel_targets(self._presence, channel or self.channel):
            key = f"qa:{live.id}:{reason}:{target.platform}:{target.workspace_id}"
            queued += await self._outbox.enqueue(session, key, target, notice, reader=self._public_reader())
        return queued

    async def _announced(self, session: Session, live: LiveSession) -> bool:
        """Whether the session was announced in some workspace (a series' occurrence is announced late)."""
        if live.series_id is None:
            return True  # one-off sessions are announced when scheduled
        keys = [f"qa:{live.id}:announce:{platform}:{workspace}" for platform, workspace in self._presence.spaces]
        return bool(await outbox_repo.existing_keys(session, keys))

    async def _call_off(self, session: Session, live: LiveSession) -> tuple[SessionInfo, int]:
        """Cancel, tell everyone who RSVP'd, and say so where it was announced."""
        await repo.cancel(session, live)
        canceled = info(live)
        told = 0
        for member in await self._rsvped(session, live):
            key = f"qa:{live.id}:canceled:member:{member.id}"
            told += await self._dm(session, member, key, RsvpCanceled(canceled))
        if await self._announced(session, live):
            await self._post(session, live, "canceled", SessionCanceled(canceled))
        return canceled, told
