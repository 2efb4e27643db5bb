"""Small talk to the bot (in a DM, or a mention in a channel, answered in its thread) gets a friendly
word, not an FAQ search and a line in the creator's inbox.

A "yes" (or "ok", "please do", "ja takk", "好的") soon after the bot offered to pass a question on
takes up the offer, as the button would: members answer the question they were asked. A "no
thanks" turns it down (the question stays in the creator's inbox, as every unanswered one does).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from bot.events import MessagePosted
from bot.messages import Target
from bot.notices.faq import SmallTalkReply
from bot.services.base import DomainService
from bot.services.faq.inbox import FaqInbox
from bot.services.faq.replies import inbound_key, message_source
from bot.services.faq.small_talk import SmallTalk, small_talk
from storage.database import Session
from storage.models import FaqQuestion, Member
from storage.repositories import faq as repo

log = logging.getLogger(__name__)

OFFER_WINDOW = timedelta(hours=1)  # a "yes" later than this answers nothing the bot asked


class SmallTalkReplies(DomainService):
    async def answers_an_offer(self, member: Member, event: MessagePosted) -> bool:
        """Whether this DM is a yes or a no to the bot's offer, made within OFFER_WINDOW, to pass a
        question on. It answers that offer even while a check-in's "just reply here" is open (found
        as an outsider: the "yes" went to the creator as a check-in reply, and the question stayed put)."""
        where = event.channel
        if where is None or not where.is_dm:
            return False
        said = self.said(event.text.strip())
        if said is None or not (said.yes or said.no):
            return False
        async with self._database.session() as session:
            return await self._open_offer(session, member) is not None

    def said(self, text: str) -> SmallTalk | None:
        """What small talk `text` is, if any (the creator's first name counts as a greeting's)."""
        return small_talk(text, names=self._community.creator_name.split()[:1])

    async def _open_offer(self, session: Session, member: Member) -> FaqQuestion | None:
        """The member's question the bot last offered to pass on, within OFFER_WINDOW."""
        offered = await repo.latest_question(session, member.id, self._clock.now() - OFFER_WINDOW)
        return offered if offered is not None and _offered(offered) else None

    async def reply(
        self, member: Member, event: MessagePosted, said: SmallTalk, inbox: FaqInbox, target: Target
    ) -> None:
        """Answer small talk at `target` (once, however often the event is delivered)."""
        where = event.channel
        assert where is not None
        key = inbound_key(
            message_source(where.platform, where.workspace_id, where.channel_id, event.message_id), "faq:chat"
        )
        async with self._database.session() as session:
            kind = _kind(said)
            if said.yes or said.no:
                offered = await self._open_offer(session, member)
                if offered is not None:
                    if said.no:
                        offered.feedback = offered.feedback or "no"  # turned down: a later "yes" answers nothing
                        kind = "declined"
                    elif await inbox.pass_on(session, offered, member):
                        kind = "forwarded"
            notice = SmallTalkReply(kind, member.display_name, self._community.creator_name)
            await self._outbox.enqueue(session, key, target, notice, reader=self._reader(member), member_id=member.id)
        log.info("small talk %s: %s", "in a DM" if where.is_dm else "in a channel", kind)


def _kind(said: SmallTalk) -> str:
    return "greeting" if said.greeting else "thanks" if said.thanks else "ack"


def _offered(question: FaqQuestion) -> bool:
    """Whether the bot's last word on this question was "Shall I pass your question on?"."""
    if question.status == "unanswered":
        return question.feedback != "no"
    return question.status == "answered" and question.feedback == "down"
