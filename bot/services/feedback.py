"""Feedback: members send it, it is stored, and every creator account gets a DM about it."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from bot.notices.feedback import FEEDBACK_TEXT, FeedbackEntry, FeedbackReceived
from bot.services.audience import dm_target
from bot.services.base import DomainService
from bot.services.errors import UserError
from bot.untrusted import visible
from storage.models import Member
from storage.repositories import feedback as repo

log = logging.getLogger(__name__)

MAX_FEEDBACK = FEEDBACK_TEXT
RECENT = 10


class FeedbackService(DomainService):
    async def submit(self, member: Member, text: str) -> FeedbackEntry:
        """Store the feedback and tell the creator(s), in one transaction."""
        text = visible(text).strip()  # zero-width characters alone are no feedback
        if not text:
            raise UserError("feedback.errors.empty")
        if len(text) > MAX_FEEDBACK:
            raise UserError("feedback.errors.too_long", limit=MAX_FEEDBACK, length=len(text))
        async with self._database.session() as session:
            item = await repo.add(
                session, community_id=self._community.id, member_id=member.id, text=text, at=self._clock.now()
            )
            notice = FeedbackReceived(item.id, member.display_name, text)
            for creator in await repo.readers(session, self._community.id):
                target = dm_target(creator, self._presence)
                if target is None:
                    continue
                key = f"feedback:{item.id}:creator:{creator.id}"
                await self._outbox.enqueue(
                    session, key, target, notice, reader=self._reader(creator), member_id=creator.id
                )
        log.info("feedback %s received", item.id)
        return FeedbackEntry(item.id, member.display_name, text, item.created_at)

    async def recent(self, limit: int = RECENT) -> Sequence[FeedbackEntry]:
        """The latest feedback, newest first, with who sent it."""
        async with self._database.session() as session:
            rows = await repo.recent(session, self._community.id, limit)
        return [FeedbackEntry(item.id, name or "?", item.text, item.created_at) for item, name in rows]

    async def count(self) -> int:
        async with self._database.session() as session:
            return await repo.count(session, self._community.id)
