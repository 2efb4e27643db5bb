"""The FAQ entries an "I don't know" offers ("is it one of these?"), and the member's pick.

The bot answers only when it is confident (``calibrate.py``); below that, the entry a member
means is still often among the first few it ranked (``decide.SUGGESTIONS``). So "I don't know"
offers them as buttons, next to asking the creator. A pick is the member's choice, not the bot's
answer: the question stays in the creator's inbox, marked with the entry picked, and counts as
unanswered in ``/stats``; ``/faq link ID KEY`` teaches the bot that wording, as for any miss.

The offered entries are kept with the question (``place.suggested``), and a pick names one by its
place in that list: a button cannot offer an entry the bot did not, and a button's payload stays
short on Discord (100 characters with the question id).
"""

from __future__ import annotations

import logging

from bot.notices.faq import FaqAnswer
from bot.services.errors import UserError
from bot.services.faq.knowledge import Knowledge
from storage.database import Database, Session
from storage.models import FaqQuestion, Member
from storage.repositories import faq as repo

log = logging.getLogger(__name__)


def picked_key(row: FaqQuestion) -> str | None:
    """The FAQ entry (key) the asker picked from the suggestions, if any."""
    picked = (row.place or {}).get("picked")
    return str(picked).removeprefix("faq:") if picked else None


async def own_question(session: Session, community_id: int, member: Member, question_id: int) -> FaqQuestion:
    """Question ``question_id``, if ``member`` asked it in this community; else a friendly error."""
    row = await repo.question(session, question_id)
    if row is None or row.community_id != community_id:
        raise UserError("faq.errors.unknown_question")
    if row.member_id != member.id:
        raise UserError("faq.errors.not_yours")
    return row


class SuggestionPicks:
    """The member's pick among the entries an "I don't know" offered."""

    def __init__(self, database: Database, community_id: int, knowledge: Knowledge) -> None:
        self._database = database
        self._community_id = community_id
        self._knowledge = knowledge

    async def pick(self, member: Member, question_id: int, choice: str, creator: str) -> FaqAnswer:
        """The answer of the ``choice``-th entry offered for question ``question_id`` (1 is the first).

        Only the asker may pick, only among the entries offered, and only one that still exists;
        anything else is a friendly error and changes nothing."""
        snapshot = await self._knowledge.current()
        async with self._database.session() as session:
            row = await own_question(session, self._community_id, member, question_id)
            offered = [str(doc_id) for doc_id in (row.place or {}).get("suggested", ())]
            number = int(choice) if choice.isascii() and choice.isdigit() and len(choice) < 4 else 0
            doc_id = offered[number - 1] if 0 < number <= len(offered) else None
            document = snapshot.documents.get(doc_id) if doc_id else None
            if doc_id is None or document is None:
                raise UserError("faq.errors.pick_gone")
            if row.status == "unanswered":  # not once the creator answered, or it was passed on
                row.place = {**(row.place or {}), "picked": doc_id}
            log.info("faq question %s: the asker picked suggestion %s", row.id, number)
            return FaqAnswer(row.id, creator, True, document.answer, ((1, snapshot.sources[doc_id]),))
