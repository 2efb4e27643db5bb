"""Announcements: draft with a preview, then send now or at a set time, to one segment, exactly once.

Delivery: `all` is one post in the announcements channel of every workspace (Discord
discourages mass DMs, and a channel post reaches everyone without a burst of DMs);
narrower segments (a level, a tier, inactive or founding members) are DMed to each
member. The segment is evaluated when the announcement goes out, not when it was drafted.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from bot.messages import OutboundMessage, Target
from bot.notices.announcements import Announced, AnnouncementRecord, Segment
from bot.services.announcements.segments import (
    AnnounceRequest,
    build_request,
    members_in,
    parse_delay,
    parse_request,
    parse_when,
)
from bot.services.audience import channel_targets, dm_target
from bot.services.base import DomainService
from bot.services.errors import UserError
from storage.database import Session
from storage.models import Announcement, Member
from storage.repositories import announcements as repo

log = logging.getLogger(__name__)

RECENT = 5


@dataclass(frozen=True)
class Preview:
    announcement: AnnouncementRecord
    segment: Segment
    recipients: int  # members DMed, or members who can read the channel for `all`
    message: OutboundMessage  # exactly what recipients see (in the community's locale)
    scheduled: bool  # the creator asked for a time


@dataclass(frozen=True)
class Sent:
    queued: int  # outbox messages: one per member DMed, or one per workspace for a channel post
    by_channel: bool


class AnnouncementService(DomainService):
    # -- parsing (no database) ---------------------------------------------------------------

    @property
    def tiers(self) -> dict[str, str]:
        return {tier.key: tier.name for tier in self._community.config.tiers}

    @property
    def channel(self) -> str:
        return self._community.config.channels.announcements

    def parse(self, args: str) -> AnnounceRequest:
        """`[segment] [at <time> | in <delay>] | message`; raises UserError with a friendly key."""
        return parse_request(args, self._clock.now(), self._community.tz, list(self.tiers))

    def parse_form(self, segment: str, when: str, text: str) -> AnnounceRequest:
        when = when.strip()
        send_at = None
        if when:
            word, _, rest = when.partition(" ")
            now, tz = self._clock.now(), self._community.tz
            in_delay = word.lower() == "in"
            send_at = parse_delay(rest, now) if in_delay else parse_when(when.lower().removeprefix("at "), now, tz)
        return build_request(segment, send_at, text, list(self.tiers))

    # -- the draft, its preview, and the creator's decision ------------------------------------

    async def draft(self, author_id: int, request: AnnounceRequest) -> Preview:
        """Save a draft (nothing is sent) and count who it would reach right now."""
        now = self._clock.now()
        async with self._database.session() as session:
            item = await repo.add_draft(
                session,
                community_id=self._community.id,
                author_id=author_id,
                segment=str(request.segment),
                text=request.text,
                send_at=request.send_at or now,
                now=now,
            )
            recipients = await self._recipients(session, request.segment)
        log.info("announcement %s drafted for %s", item.id, item.segment)
        message = self._outbox.render(self._notice(item), self._public_reader())
        return Preview(_record(item), request.segment, len(recipients), message, scheduled=request.send_at is not None)

    async def send_now(self, announcement_id: int) -> Sent:
        """Send a draft or a scheduled announcement now."""
        async with self._database.session() as session:
            item = await self._claim(session, announcement_id, ("draft", "scheduled"))
            queued = await self._deliver(session, item)
            return Sent(queued, Segment.stored(item.segment).by_channel)

    async def schedule(self, announcement_id: int) -> AnnouncementRecord:
        """Confirm a draft's time: the job sends it when due."""
        async with self._database.session() as session:
            item = await self._get(session, announcement_id)
            if item.status == "draft" and item.send_at <= self._clock.now():
                raise UserError("announce.errors.time_passed")
            return _record(await self._transition(session, item, ("draft",), "scheduled"))

    async def cancel(self, announcement_id: int) -> AnnouncementRecord:
        async with self._database.session() as session:
            item = await self._get(session, announcement_id)
            return _record(await self._transition(session, item, ("draft", "scheduled"), "canceled"))

    async def send_due(self) -> int:
        """The job: send every scheduled announcement whose time has come, each exactly once."""
        sent = 0
        async with self._database.session() as session:
            for announcement_id in await repo.due_ids(session, self._community.id, self._clock.now()):
                try:
                    item = await self._claim(session, announcement_id, ("scheduled",))
                except UserError:  # canceled or sent meanwhile
                    continue
                sent += await self._deliver(session, item)
        return sent

    async def overview(self) -> tuple[Sequence[AnnouncementRecord], Sequence[AnnouncementRecord]]:
        """Scheduled announcements (soonest first) and the last few sent (newest first)."""
        async with self._database.session() as session:
            scheduled = await repo.scheduled(session, self._community.id)
            sent = await repo.recently_sent(session, self._community.id, RECENT)
        return [_record(a) for a in scheduled], [_record(a) for a in sent]

    # -- internals ---------------------------------------------------------------------------

    async def _recipients(self, session: Session, segment: Segment) -> list[tuple[Member, Target | None]]:
        found = await members_in(session, self._community.id, segment, self._clock.now(), self._grace)
        if segment.by_channel:
            return [(m, None) for m in found]
        return [(m, target) for m in found if (target := dm_target(m, self._presence)) is not None]

    async def _deliver(self, session: Session, item: Announcement) -> int:
        segment = Segment.stored(item.segment)
        notice = self._notice(item)
        if segment.by_channel:
            targets = channel_targets(self._presence, self.channel)
            for target in targets:
                key = f"announce:{item.id}:{target.platform}:{target.workspace_id}"
                await self._outbox.enqueue(session, key, target, notice, reader=self._public_reader())
            queued = len(targets)
        else:
            recipients = await self._recipients(session, segment)
            for member, dm in recipients:
                assert dm is not None
                key = f"announce:{item.id}:member:{member.id}"
                await self._outbox.enqueue(session, key, dm, notice, reader=self._reader(member), member_id=member.id)
            queued = len(recipients)
        log.info("announcement %s sent to %s: %d messages queued", item.id, item.segment, queued)
        return queued

    async def _claim(self, session: Session, announcement_id: int, allowed: tuple[str, ...]) -> Announcement:
        """Mark sent in one guarded UPDATE, so a double click or a concurrent job sends once."""
        item = await self._get(session, announcement_id)
        return await self._transition(session, item, allowed, "sent", sent_at=self._clock.now())

    async def _transition(
        self, session: Session, item: Announcement, allowed: tuple[str, ...], status: str, **values: object
    ) -> Announcement:
        if not await repo.transition(session, item, allowed, status, **values):
            raise UserError(f"announce.errors.already_{item.status}", id=item.id)
        return item

    async def _get(self, session: Session, announcement_id: int) -> Announcement:
        item = await repo.get(session, self._community.id, announcement_id)
        if item is None:
            raise UserError("announce.errors.not_found", id=announcement_id)
        return item

    def _notice(self, item: Announcement) -> Announced:
        return Announced(item.text, creator=self._community.creator_name, community=self._community.name)


def _record(item: Announcement) -> AnnouncementRecord:
    return AnnouncementRecord(item.id, Segment.stored(item.segment), item.text, item.status, item.send_at, item.sent_at)
