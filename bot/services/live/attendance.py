"""Around and after a live session: checking in, who came, and sharing the recording."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.notices.live import Attendee, RecordingForRsvp, RecordingPosted, RecordingTeaser, SessionInfo
from bot.services import activity
from bot.services.errors import UserError
from bot.services.live.base import LiveBase, info
from bot.services.live.rules import CHECK_IN_EARLY, ends_at, parse_link
from bot.untrusted import plain_name
from storage.database import Session
from storage.models import LiveSession
from storage.repositories import live as repo
from storage.repositories import live_audience
from storage.repositories import members as members_repo


@dataclass(frozen=True)
class RecordingResult:
    """A recording was shared: how many who came and who missed it were sent it just now."""

    session: SessionInfo
    item_id: int  # the library item
    attendees: int
    missed: int
    replaced: bool  # it replaced an earlier recording of the same session


class Attendance(LiveBase):
    async def check_in(self, session_id: int, member_id: int) -> tuple[SessionInfo, bool]:
        """The "I'm here" button: from 15 minutes before the start until the end. True if newly marked."""
        now = self._clock.now()
        async with self._database.session() as session:
            await self._require_member(session, member_id)  # the reply has the join link
            live = await self._get(session, session_id)
            if live.status == "canceled":
                raise UserError("live.errors.canceled", id=live.id, title=live.title)
            if now < live.starts_at - CHECK_IN_EARLY:
                raise UserError("live.errors.check_in_early", when=live.starts_at - CHECK_IN_EARLY)
            if now > ends_at(live.starts_at, live.duration_min):
                raise UserError("live.errors.over", id=live.id, title=live.title)
            return info(live), await self._attend(session, live, member_id)

    async def mark_attended(self, session_id: int, member_ids: Sequence[int]) -> tuple[SessionInfo, int]:
        """The creator says these members came (RSVP'd or not). Returns how many were newly marked."""
        async with self._database.session() as session:
            live = await self._get(session, session_id)
            if live.status == "canceled":
                raise UserError("live.errors.canceled", id=live.id, title=live.title)
            if self._clock.now() < live.starts_at - CHECK_IN_EARLY:
                raise UserError("live.errors.not_started", id=live.id, when=live.starts_at)
            newly = sum([await self._attend(session, live, member_id) for member_id in dict.fromkeys(member_ids)])
            return info(live), newly

    async def attendance(self, session_id: int) -> tuple[SessionInfo, list[Attendee]]:
        """Everyone who RSVP'd (or was marked as there), in RSVP order."""
        async with self._database.session() as session:
            live = await self._get(session, session_id)
            rows = await live_audience.attendance(session, live.id, self._clock.now(), self._grace)
            return info(live), [Attendee(member_id, name, came) for member_id, name, came in rows]

    async def find_members(self, platform: str, workspace_id: str, refs: Sequence[str]) -> list[int]:
        """Members named by mention (`<@U1>`, `<@!1>`), `@user_id` or display name; errors name the first unknown."""
        found: list[int] = []
        async with self._database.session() as session:
            for ref in refs:
                user_id = plain_name(re.sub(r"^<@!?([^>|]+)(\|[^>]*)?>$", r"\1", ref).lstrip("@"))
                member = await members_repo.by_identity(session, platform, workspace_id, user_id)
                if member is None:
                    member = await repo.member_named(session, self._community.id, user_id)
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
        async with self._database.session() as session:
            live = await self._get(session, session_id)
            if live.status == "canceled":
                raise UserError("live.errors.canceled", id=live.id, title=live.title)
            if now < live.starts_at:
                raise UserError("live.errors.recording_too_early", id=live.id, when=live.starts_at)
            teaser = (
                description.strip() or self._outbox.render(RecordingTeaser(live.starts_at), self._public_reader()).text
            )
            item, replaced = await repo.save_recording(session, live, link, teaser, now)
            shared = info(live)
            sent = {True: 0, False: 0}  # attended -> how many were sent the recording just now
            # Only members now: an RSVP of someone whose membership has ended gets no recording.
            for member, attended in await live_audience.rsvped_with_attendance(session, live.id, now, self._grace):
                notice = RecordingForRsvp(shared, link, teaser, attended)
                sent[attended] += await self._dm(session, member, f"qa:{live.id}:recording:member:{member.id}", notice)
            await self._post(session, live, "recording", RecordingPosted(shared, link, item.id))
        return RecordingResult(shared, item.id, attendees=sent[True], missed=sent[False], replaced=replaced)

    async def _attend(self, session: Session, live: LiveSession, member_id: int) -> bool:
        now = self._clock.now()
        if not await repo.mark_attended(session, live.id, member_id, now):
            return False
        await activity.record(session, member_id, "live_attended", now, f"live:{live.id}")
        return True
