"""Feedback: members send it, it is stored, and every creator account gets a DM about it."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from bot.services.audience import dm_target
from bot.services.base import DomainService
from bot.services.errors import UserError
from bot.views import community as views
from storage.models import Feedback, Member

log = logging.getLogger(__name__)

MAX_FEEDBACK = 2000
RECENT = 10


@dataclass(frozen=True)
class FeedbackEntry:
    id: int
    author: str
    text: str
    at: datetime


class FeedbackService(DomainService):

    async def submit(self, member: Member, text: str) -> Feedback:
        """Store the feedback and tell the creator(s), in one transaction."""
        text = text.strip()
        if not text:
            raise UserError("feedback.errors.empty")
        if len(text) > MAX_FEEDBACK:
            raise UserError("feedback.errors.too_long", limit=MAX_FEEDBACK, length=len(text))
        async with self._database.session() as session:
            item = Feedback(community_id=self._community.id, member_id=member.id, text=text, created_at=self._clock.now())
            session.add(item)
            await session.flush()
            creators = await session.scalars(
                select(Member)
                .where(Member.community_id == self._community.id, Member.role == "creator", Member.left_at.is_(None))
                .order_by(Member.id)
            )
            for creator in creators.all():
                target = dm_target(creator, self._presence)
                if target is None:
                    continue
                t = self._catalog.for_locale(creator.locale, self._community.locale)
                message = views.feedback_notice(member.display_name, text, t)
                key = f"feedback:{item.id}:creator:{creator.id}"
                await self._outbox.enqueue(session, key, target, message, member_id=creator.id)
        log.info("feedback %s received", item.id)
        return item

    async def recent(self, limit: int = RECENT) -> Sequence[FeedbackEntry]:
        """The latest feedback, newest first, with who sent it."""
        async with self._database.session() as session:
            rows = await session.execute(
                select(Feedback, Member.display_name)
                .outerjoin(Member, Member.id == Feedback.member_id)
                .where(Feedback.community_id == self._community.id)
                .order_by(Feedback.created_at.desc(), Feedback.id.desc())
                .limit(limit)
            )
            return [FeedbackEntry(f.id, name or "?", f.text, f.created_at) for f, name in rows.all()]

    async def count(self) -> int:
        async with self._database.session() as session:
            return await session.scalar(
                select(func.count()).select_from(Feedback).where(Feedback.community_id == self._community.id)
            ) or 0
