"""The creator's inbox: unanswered, forwarded and 👎 questions, answered by DM, saved or taken live;
and members' replies to check-ins and personal notes (`replies`, bot/services/replies.py)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.i18n import Catalog
from bot.notices import Notice
from bot.notices.faq import InboxItem, QuestionAnswered, QuestionToLive
from bot.outbox import Outbox
from bot.services.audience import dm_target
from bot.services.base import DomainService
from bot.services.community import CommunityContext
from bot.services.errors import UserError
from bot.services.faq.entries import MAX_ALTS, MAX_ANSWER, MAX_QUESTION, check_key, unique_key
from bot.services.faq.knowledge import Knowledge
from bot.services.faq.replies import ReplyService
from bot.services.presence import Presence
from storage.database import Database
from storage.models import FaqEntry, FaqQuestion, LiveQuestion, LiveSession, Member

log = logging.getLogger(__name__)

PAGE = 5  # one row of buttons per question; Discord shows at most five rows


@dataclass(frozen=True)
class Resolved:
    question: FaqQuestion
    asker: str
    delivered: bool  # whether the asker could be told by DM


async def creators(session: AsyncSession, community_id: int) -> Sequence[Member]:
    rows = await session.scalars(
        select(Member)
        .where(Member.community_id == community_id, Member.role == "creator", Member.left_at.is_(None))
        .order_by(Member.id)
    )
    return rows.all()


def _open() -> ColumnElement[bool]:
    """Questions that still need the creator: not answered, passed on, or answered with a 👎."""
    return or_(
        FaqQuestion.status.in_(("unanswered", "forwarded")),
        and_(FaqQuestion.status == "answered", FaqQuestion.feedback == "down"),
    )


class FaqInbox(DomainService):
    def __init__(
        self,
        database: Database,
        outbox: Outbox,
        clock: Clock,
        community: CommunityContext,
        presence: Presence,
        catalog: Catalog,
        knowledge: Knowledge,
    ) -> None:
        super().__init__(database, outbox, clock, community, presence, catalog)
        self._knowledge = knowledge
        self.replies = ReplyService(database, outbox, clock, community, presence, catalog)

    async def pending(self, limit: int = PAGE) -> tuple[list[InboxItem], int]:
        """Open questions, those passed on by the member first, then oldest first; and how many in all."""
        where = and_(FaqQuestion.community_id == self._community.id, _open())
        async with self._database.session() as session:
            total = await session.scalar(select(func.count()).select_from(FaqQuestion).where(where)) or 0
            rows = await session.execute(
                select(FaqQuestion, Member.display_name)
                .outerjoin(Member, Member.id == FaqQuestion.member_id)
                .where(where)
                .order_by(case((FaqQuestion.status == "forwarded", 0), else_=1), FaqQuestion.asked_at, FaqQuestion.id)
                .limit(limit)
            )
            found = rows.all()
            roots = {int(q.place["follow_up_of"]) for q, _ in found if (q.place or {}).get("follow_up_of")}
            earlier = (
                dict(
                    (
                        await session.execute(
                            select(FaqQuestion.id, FaqQuestion.question).where(FaqQuestion.id.in_(roots))
                        )
                    ).all()
                )
                if roots
                else {}
            )
        items = [
            InboxItem(
                q.id,
                q.question,
                name or "?",
                q.status,
                q.feedback,
                q.asked_at,
                earlier.get((q.place or {}).get("follow_up_of", 0)),
            )
            for q, name in found
        ]
        return items, int(total)

    async def question(self, question_id: int) -> FaqQuestion:
        async with self._database.session() as session:
            return await self._get(session, question_id)

    async def answer(self, question_id: int, text: str) -> Resolved:
        """The creator's answer goes to the member by DM; the question is resolved."""
        answer = text.strip()
        if not answer:
            raise UserError("faq.errors.empty_answer")
        if len(answer) > MAX_ANSWER:
            raise UserError("faq.errors.long_answer", count=len(answer), limit=MAX_ANSWER)
        async with self._database.session() as session:
            row = await self._open_question(session, question_id)
            row.answer, row.status, row.resolved_at = answer, "resolved", self._clock.now()
            row.cited = None
            asker, delivered = await self._dm_asker(
                session,
                row,
                f"faq:reply:{row.id}",
                QuestionAnswered(self._community.creator_name, row.question, answer),
            )
        log.info("faq question %s answered by the creator", question_id)
        return Resolved(row, asker, delivered)

    async def save(self, question_id: int) -> FaqEntry:
        """Turn a question the creator answered into an FAQ entry (source "chat")."""
        async with self._database.session() as session:
            row = await self._get(session, question_id)
            if row.status != "resolved" or not row.answer or (row.place or {}).get("live_session"):
                raise UserError("faq.errors.save_unanswered")
            if (row.place or {}).get("saved_as"):
                raise UserError("faq.errors.already_saved", entry=row.place["saved_as"])
            taken = set(
                (await session.scalars(select(FaqEntry.key).where(FaqEntry.community_id == self._community.id))).all()
            )
            entry = FaqEntry(
                community_id=self._community.id,
                key=unique_key(row.question, taken),
                question=row.question,
                answer=row.answer,
                alt_questions=[],
                tags=[],
                source="chat",
            )
            session.add(entry)
            row.place = {**(row.place or {}), "saved_as": entry.key}
            await session.flush()
        self._knowledge.invalidate()
        log.info("faq question %s saved as entry %s", question_id, entry.key)
        return entry

    async def learn(self, question_id: int, key: str) -> tuple[Resolved, FaqEntry]:
        """The creator points an open question (unanswered, passed on, or 👎) at the entry that answers it.

        The member gets that entry's answer by DM, and their own wording becomes one of the
        entry's alternative questions, so the next member who puts it that way is answered.
        This is how the bot learns from the inbox; ``membot faq eval --learn`` measures it.
        """
        async with self._database.session() as session:
            row = await self._get(session, question_id)
            if row.status == "resolved" or (row.status == "answered" and row.feedback != "down"):
                raise UserError("faq.errors.already_resolved")
            entry = await session.scalar(
                select(FaqEntry).where(FaqEntry.community_id == self._community.id, FaqEntry.key == check_key(key))
            )
            if entry is None:
                raise UserError("faq.errors.unknown_key", entry=check_key(key))
            wording = " ".join(row.question.split())[:MAX_QUESTION]
            known = {q.casefold() for q in (entry.question, *(entry.alt_questions or ()))}
            if wording.casefold() not in known:
                # Newest first within the limit: the oldest learned wordings make room.
                alts = [*(entry.alt_questions or ()), wording]
                entry.alt_questions = alts[-MAX_ALTS:] if len(alts) > MAX_ALTS else alts
            row.answer, row.status, row.resolved_at = entry.answer, "resolved", self._clock.now()
            row.cited = f"faq:{entry.key}"
            row.place = {**(row.place or {}), "learned_into": entry.key}
            asker, delivered = await self._dm_asker(
                session,
                row,
                f"faq:learn:{row.id}",
                QuestionAnswered(self._community.creator_name, row.question, entry.answer),
            )
        self._knowledge.invalidate()
        log.info("faq question %s learned into entry %s", question_id, entry.key)
        return Resolved(row, asker, delivered), entry

    async def to_live(self, question_id: int, live: LiveSession) -> Resolved:
        """Carry the question over to a live session's list; the member is told where it will be answered."""
        async with self._database.session() as session:
            row = await self._open_question(session, question_id)
            session.add(
                LiveQuestion(
                    session_id=live.id,
                    member_id=row.member_id,
                    text=row.question,
                    source="faq",
                    created_at=self._clock.now(),
                )
            )
            row.status, row.resolved_at = "resolved", self._clock.now()
            row.place = {**(row.place or {}), "live_session": live.id}
            asker, delivered = await self._dm_asker(
                session,
                row,
                f"faq:to-live:{row.id}",
                QuestionToLive(self._community.creator_name, row.question, live.title, live.starts_at),
            )
        log.info("faq question %s taken to live session %s", question_id, live.id)
        return Resolved(row, asker, delivered)

    # -- helpers -----------------------------------------------------------------------------

    async def _get(self, session: AsyncSession, question_id: int) -> FaqQuestion:
        row = await session.get(FaqQuestion, question_id)
        if row is None or row.community_id != self._community.id:
            raise UserError("faq.errors.unknown_question")
        return row

    async def _open_question(self, session: AsyncSession, question_id: int) -> FaqQuestion:
        row = await self._get(session, question_id)
        if row.status == "resolved":
            raise UserError("faq.errors.already_resolved")
        return row

    async def _dm_asker(self, session: AsyncSession, row: FaqQuestion, key: str, notice: Notice) -> tuple[str, bool]:
        """Tell the member who asked; returns their name and whether a DM was queued."""
        asker = await session.get(Member, row.member_id) if row.member_id else None
        if asker is None or asker.left_at is not None:
            return "?", False
        target = dm_target(asker, self._presence)
        if target is None:
            return asker.display_name, False
        await self._outbox.enqueue(session, key, target, notice, reader=self._reader(asker), member_id=asker.id)
        return asker.display_name, True
