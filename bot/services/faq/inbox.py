"""The creator's inbox: unanswered, forwarded and 👎 questions, answered by DM, saved or taken live;
and members' replies to check-ins and personal notes (`replies`, bot/services/faq/replies.py)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.clock import Clock
from bot.community.checks import unsafe_link
from bot.notices import Notice
from bot.notices.faq import InboxItem, QuestionAnswered, QuestionForwarded, QuestionToLive
from bot.notices.live import SessionInfo
from bot.outbox import Outbox
from bot.services.audience import dm_target
from bot.services.base import DomainService
from bot.services.community import CommunityContext
from bot.services.errors import UserError
from bot.services.faq.entries import MAX_ANSWER, MAX_LEARNED, MAX_QUESTION, check_key, unique_key
from bot.services.faq.knowledge import Knowledge
from bot.services.faq.picks import picked_key
from bot.services.faq.replies import ReplyService
from bot.services.presence import Presence
from storage.database import Database, Session
from storage.models import FaqEntry, FaqQuestion, Member
from storage.repositories import faq as repo
from storage.repositories import live as live_repo
from storage.repositories import members

log = logging.getLogger(__name__)

PAGE = 5  # one row of buttons per question; Discord shows at most five rows


@dataclass(frozen=True)
class Resolved:
    question: FaqQuestion
    asker: str
    delivered: bool  # whether the asker could be told by DM


class FaqInbox(DomainService):
    def __init__(
        self,
        database: Database,
        outbox: Outbox,
        clock: Clock,
        community: CommunityContext,
        presence: Presence,
        knowledge: Knowledge,
    ) -> None:
        super().__init__(database, outbox, clock, community, presence)
        self._knowledge = knowledge
        self.replies = ReplyService(database, outbox, clock, community, presence)

    async def pending(self, limit: int = PAGE) -> tuple[list[InboxItem], int]:
        """Open questions, those passed on by the member first, then oldest first; and how many in all."""
        async with self._database.session() as session:
            found, total = await repo.open_questions(session, self._community.id, limit)
            roots = {int(q.place["follow_up_of"]) for q, _ in found if (q.place or {}).get("follow_up_of")}
            earlier = await repo.question_texts(session, roots)
        items = [
            InboxItem(
                q.id,
                q.question,
                name or "?",
                q.status,
                q.feedback,
                q.asked_at,
                earlier.get((q.place or {}).get("follow_up_of", 0)),
                picked_key(q),
            )
            for q, name in found
        ]
        return items, int(total)

    async def pass_on(self, session: Session, row: FaqQuestion, member: Member) -> bool:
        """The member asks for the creator(s): each is told by DM. False if it was already passed on or answered."""
        if row.status in ("forwarded", "resolved"):
            return False
        row.status = "forwarded"
        earlier = await repo.question(session, row.place["follow_up_of"]) if row.place.get("follow_up_of") else None
        notice = QuestionForwarded(row.id, row.question, member.display_name, earlier.question if earlier else None)
        await self._tell_creators(session, f"faq:forward:{row.id}", notice)
        log.info("faq question %s forwarded", row.id)
        return True

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
            if (link := unsafe_link(row.answer)) is not None:
                raise UserError("faq.errors.unsafe_link", link=link)
            taken = await repo.entry_keys(session, self._community.id)
            entry = await repo.insert_entry(
                session,
                community_id=self._community.id,
                key=unique_key(row.question, taken),
                question=row.question,
                answer=row.answer,
                alt_questions=[],
                learned_questions=[],
                tags=[],
                source="chat",
            )
            row.place = {**(row.place or {}), "saved_as": entry.key}
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
            entry = await repo.entry(session, self._community.id, check_key(key))
            if entry is None:
                raise UserError("faq.errors.unknown_key", entry=check_key(key))
            wording = " ".join(row.question.split())[:MAX_QUESTION]
            known = {
                q.casefold() for q in (entry.question, *(entry.alt_questions or ()), *(entry.learned_questions or ()))
            }
            if wording.casefold() not in known:
                # Newest first within the limit: the oldest learned wordings make room.
                entry.learned_questions = [*(entry.learned_questions or ()), wording][-MAX_LEARNED:]
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

    async def to_live(self, question_id: int, live: SessionInfo) -> Resolved:
        """Carry the question over to a live session's list; the member is told where it will be answered."""
        async with self._database.session() as session:
            row = await self._open_question(session, question_id)
            await live_repo.add_question(session, live.id, row.member_id, row.question, self._clock.now(), source="faq")
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

    async def _get(self, session: Session, question_id: int) -> FaqQuestion:
        row = await repo.question(session, question_id)
        if row is None or row.community_id != self._community.id:
            raise UserError("faq.errors.unknown_question")
        return row

    async def _open_question(self, session: Session, question_id: int) -> FaqQuestion:
        row = await self._get(session, question_id)
        if row.status == "resolved":
            raise UserError("faq.errors.already_resolved")
        return row

    async def _dm_asker(self, session: Session, row: FaqQuestion, key: str, notice: Notice) -> tuple[str, bool]:
        """Tell the member who asked; returns their name and whether a DM was queued."""
        asker = await members.get(session, row.member_id) if row.member_id else None
        if asker is None or asker.left_at is not None:
            return "?", False
        target = dm_target(asker, self._presence)
        if target is None:
            return asker.display_name, False
        await self._outbox.enqueue(session, key, target, notice, reader=self._reader(asker), member_id=asker.id)
        return asker.display_name, True
