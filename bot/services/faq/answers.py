"""FAQ answering: cite a source or say "I don't know", record every question, and hand the rest on.

The local engine decides by default. With a judge (an LLM) configured, it picks which of the
top five candidates answers the message, or none (an "I don't know" for the creator's inbox);
a pick it was not shown, a bad reply, an error or a timeout leaves the local decision. With a
writer configured, the chosen passage (or, without a judge, the top passages) is given to it and
its draft is used only if it passes `check_draft`; any failure, timeout or refusal falls back to
the entry's own answer. Answers to messages go through the outbox.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, replace
from datetime import timedelta

from bot.clock import Clock
from bot.events import MessagePosted
from bot.messages import Target
from bot.notices import Reader
from bot.notices.faq import FaqAnswer
from bot.outbox import Outbox
from bot.services.base import DomainService
from bot.services.community import CommunityContext
from bot.services.errors import UserError
from bot.services.faq import Decision
from bot.services.faq.chat import SmallTalkReplies
from bot.services.faq.entries import FaqEntries
from bot.services.faq.grounding import AnswerWriter, Passage, WriterError, check_draft
from bot.services.faq.inbox import FaqInbox
from bot.services.faq.index import Hit
from bot.services.faq.judge import Judge, rule
from bot.services.faq.knowledge import Knowledge, Snapshot, SourceInfo, excerpt
from bot.services.faq.picks import SuggestionPicks, own_question
from bot.services.faq.replies import WELCOMING
from bot.services.faq.semantic import Encoder
from bot.services.presence import Presence
from storage.database import Database, Session
from storage.models import FaqQuestion, Member
from storage.repositories import faq as repo
from storage.repositories import members

log = logging.getLogger(__name__)

MAX_QUESTION = 1000
PASSAGES = 4  # how many top hits the writer sees
PASSAGE_CHARS = 1200
THREAD_MEMORY = timedelta(days=14)  # a thread reply older than this is not a follow-up any more
THREAD_SCAN = 500


@dataclass(frozen=True)
class Place:
    """Where a question was asked and where its answer lives (stored as FaqQuestion.place)."""

    platform: str
    workspace_id: str
    via: str  # command | dm | mention | channel
    channel: str | None = None
    thread: str | None = None
    message: str | None = None
    follow_up_of: int | None = None

    def as_json(self) -> dict[str, object]:
        data: dict[str, object] = {"platform": self.platform, "workspace": self.workspace_id, "via": self.via}
        for name in ("channel", "thread", "message", "follow_up_of"):
            value = getattr(self, name)
            if value is not None:
                data[name] = value
        return data


@dataclass(frozen=True)
class Outcome:
    """What to say, before it is recorded. `sources` pairs each cited source with its number.
    `source_language` is set when the source is in another language than the question."""

    answered: bool
    text: str
    sources: tuple[tuple[int, SourceInfo], ...]
    score: float
    written: bool = False
    source_language: str | None = None
    members_only: bool = False  # cites the library or a recording, and the asker is not a member
    # Not answered: FAQ entries the member may mean, offered to pick from (bot/services/faq/picks.py).
    suggestions: tuple[SourceInfo, ...] = ()

    @property
    def cited(self) -> str | None:
        return self.sources[0][1].doc_id if self.sources else None


@dataclass(frozen=True)
class Answer:
    question_id: int | None  # None: the creator trying the FAQ (nothing recorded, nothing to pass on)
    outcome: Outcome

    def notice(self, creator: str) -> FaqAnswer:
        """The answer as the member reads it (the creator's name is offered when it is "I don't know")."""
        o = self.outcome
        return FaqAnswer(
            self.question_id,
            creator,
            o.answered,
            o.text,
            o.sources,
            o.written,
            o.source_language,
            o.members_only,
            o.suggestions,
        )


class AnswerService(DomainService):
    def __init__(
        self,
        database: Database,
        outbox: Outbox,
        clock: Clock,
        community: CommunityContext,
        presence: Presence,
        *,
        writer: AnswerWriter | None = None,
        judge: Judge | None = None,
        encoder: Encoder | None = None,
    ) -> None:
        super().__init__(database, outbox, clock, community, presence)
        self._writer = writer
        self._judge = judge
        self.knowledge = Knowledge(database, clock, community.id, encoder)
        self.entries = FaqEntries(database, community, self.knowledge)
        self.inbox = FaqInbox(database, outbox, clock, community, presence, self.knowledge)
        self.chat = SmallTalkReplies(database, outbox, clock, community, presence)
        self.picks = SuggestionPicks(database, community.id, self.knowledge)
        # Why written drafts were refused, and why the judge's reply was not used ("judge_*"): for metrics and tests.
        self.refusals: Counter[str] = Counter()

    @property
    def writes(self) -> bool:
        return self._writer is not None

    async def aclose(self) -> None:
        if self._writer is not None:
            await self._writer.aclose()
        if self._judge is not None:
            await self._judge.aclose()

    # -- deciding ----------------------------------------------------------------------------

    async def decide(self, question: str, *, earlier: str | None = None) -> Outcome:
        """The local decision, overruled by the judge and worded by the writer when they are configured and sound."""
        snapshot = await self.knowledge.current()
        query = f"{earlier}\n{question}" if earlier else question
        decision = await snapshot.decide(query)
        if not decision.candidates:
            return _local(decision, snapshot)
        hits = decision.candidates[:PASSAGES]
        if self._judge is not None and not decision.exact:  # the entry's own words: nothing to judge
            ruling = await rule(self._judge, decision, question, earlier=earlier)
            if not ruling.judged:
                self.refusals[f"judge_{ruling.reason}"] += 1
                log.warning("faq judge reply not used (%s); using the local decision", ruling.reason)
                return _local(decision, snapshot)
            decision = ruling.applied_to(decision)
            if decision.doc is None:  # the judge says none of them answers: "I don't know", and none to offer
                return _local(decision, snapshot, suggest=False)
            hits = tuple(hit for hit in decision.candidates if hit.doc is decision.doc)  # cite that entry only
        local = _local(decision, snapshot)
        if self._writer is None:
            return local
        return await self._written(question, hits, snapshot, local, earlier=earlier)

    async def _written(
        self, question: str, hits: tuple[Hit, ...], snapshot: Snapshot, local: Outcome, *, earlier: str | None
    ) -> Outcome:
        """The writer's draft from ``hits`` if it passes `check_draft`, else ``local``."""
        assert self._writer is not None
        passages = [
            Passage(n, hit.doc.doc_id, hit.doc.title, excerpt(hit.doc.text, PASSAGE_CHARS))
            for n, hit in enumerate(hits, start=1)
        ]
        try:
            draft = await self._writer.write(question, passages, earlier=earlier)
        except WriterError as exc:
            self.refusals["unavailable"] += 1
            log.warning("faq writer unavailable (%s); using the local answer", exc)
            return local
        verdict = check_draft(draft, passages, self._writer.instructions)
        if not verdict.ok:
            self.refusals[verdict.reason] += 1
            log.warning("faq writer draft refused (%s); using the local answer", verdict.reason)
            return local
        by_number = {p.number: p for p in passages}
        sources = tuple((n, snapshot.sources[by_number[n].doc_id]) for n in verdict.cited)
        return Outcome(True, draft.strip(), sources, local.score, written=True)

    # -- asking ------------------------------------------------------------------------------

    async def ask(self, member: Member, text: str, place: Place) -> Answer:
        """`/ask`: decide and record; the handler replies in place."""
        question = _clean(text)
        outcome = await self.decide(question)
        async with self._database.session() as session:
            return await self._answer(session, member, question, place, outcome)

    async def on_message(self, member: Member, event: MessagePosted) -> Answer | None:
        """A DM, a mention, a post in the FAQ channel or a follow-up in an answered thread.

        Returns None when the message is not a question for the bot: small talk ("thanks!",
        answered kindly in a DM), or a reply in an answered thread that relates to nothing we
        know. A follow-up is searched together with the thread's first question. The answer goes
        through the outbox.
        """
        where = event.channel
        if where is None or not event.text.strip():
            return None
        earlier = root = None
        if where.is_dm:
            place = Place(where.platform, where.workspace_id, "dm", channel=where.channel_id, message=event.message_id)
            target = Target(where.platform, where.workspace_id, user_id=event.user.user_id)
        else:
            if member.role != "member" and not event.mentions_bot:
                return None  # the creator or a moderator posting or answering in the channel
            if where.thread_id:
                earlier = await self._thread_question(
                    where.platform, where.workspace_id, where.channel_id, where.thread_id
                )
                if earlier is None and not event.mentions_bot:
                    return None  # a conversation among members
                root = await self._root(earlier) if earlier is not None else None
            elif not (event.mentions_bot or self.is_faq_channel(where.channel_id)):
                return None
            via = "mention" if event.mentions_bot else "channel"
            thread = where.thread_id or event.message_id
            place = Place(
                where.platform,
                where.workspace_id,
                via,
                channel=where.channel_id,
                thread=thread,
                message=event.message_id,
                follow_up_of=root.id if root else None,
            )
            target = Target(where.platform, where.workspace_id, channel=where.channel_id, thread_id=thread)
        try:
            question = _clean(event.text)
        except UserError:
            if where.is_dm:
                raise
            return None  # too long for a chat question: say nothing rather than lecture in a channel
        said = self.chat.said(question)
        if said is not None:  # "thanks!", "hi": answered kindly when said to the bot, never an FAQ miss
            if where.is_dm or event.mentions_bot:
                await self.chat.reply(member, event, said, self.inbox, target)
            return None
        if root is not None and not (await self.knowledge.current()).relates(question):
            return None  # "got it, will do": nothing in it relates to anything we know
        outcome = await self.decide(question, earlier=root.question if root else None)
        if where.is_dm and not outcome.answered and await self.inbox.replies.capture(member, event, WELCOMING):
            return None  # "I joined to sell my pottery", said to the welcome: for the creator, not "I don't know"
        async with self._database.session() as session:
            answer = await self._answer(session, member, question, place, outcome)
            # The member's language, then the one their platform reports, then the community's.
            reader = Reader((member.locale, event.user.locale, self._community.locale), self._reader(member).tz)
            recorded = answer.question_id is not None
            await self._outbox.enqueue(
                session,
                f"faq:answer:{answer.question_id}" if recorded else f"faq:tried:{where.platform}:{event.message_id}",
                target,
                answer.notice(self._community.creator_name),
                reader=reader,
                member_id=member.id,
            )
        return answer

    def is_faq_channel(self, channel_id: str) -> bool:
        """The community's FAQ channel (`channels.faq`), named or given by native id."""
        configured = (self._community.config.channels.faq or "").lstrip("#").casefold()
        return bool(configured) and channel_id.lstrip("#").casefold() == configured

    # -- after the answer --------------------------------------------------------------------

    async def rate(self, member: Member, question_id: int, verdict: str) -> FaqQuestion:
        """👍 or 👎 from the person who asked; a 👎 puts the question in the creator's inbox."""
        if verdict not in ("up", "down"):
            raise ValueError(verdict)
        async with self._database.session() as session:
            row = await self._own_question(session, member, question_id)
            row.feedback = verdict
            return row

    async def forward(self, member: Member, question_id: int) -> bool:
        """Pass the question to the creator(s) by DM. False if it was already passed on or answered."""
        async with self._database.session() as session:
            row = await self._own_question(session, member, question_id)
            return await self.inbox.pass_on(session, row, member)

    # -- helpers -----------------------------------------------------------------------------

    async def _answer(self, session: Session, member: Member, question: str, place: Place, outcome: Outcome) -> Answer:
        """The answer, recorded for the creator's inbox and figures; not when the creator asks (trying the FAQ:
        no "shall I ask you?", no line in their own inbox or `/stats`), who is also shown what members aren't."""
        if member.role == "creator":
            return Answer(None, outcome)
        row = await self._record(session, member, question, place, outcome)
        return Answer(row.id, await self._for_asker(session, member, row, outcome))

    async def _record(
        self, session: Session, member: Member, question: str, place: Place, outcome: Outcome
    ) -> FaqQuestion:
        row = await repo.add_question(
            session,
            community_id=self._community.id,
            member_id=member.id,
            question=question,
            answer=outcome.text if outcome.answered else None,
            cited=outcome.cited,
            score=round(outcome.score, 4),
            status="answered" if outcome.answered else "unanswered",
            place=place.as_json()
            | ({"suggested": [s.doc_id for s in outcome.suggestions]} if outcome.suggestions else {}),
            asked_at=self._clock.now(),
        )
        log.info("faq question %s %s (%s via %s)", row.id, row.status, outcome.cited or "-", place.via)
        return row

    async def _for_asker(self, session: Session, member: Member, row: FaqQuestion, outcome: Outcome) -> Outcome:
        """What a drop or a recording holds is for members: anyone else is told where the answer is, not
        given it (and the question is not counted as answered: status "members_only")."""
        if not outcome.answered or all(source.kind == "faq" for _, source in outcome.sources):
            return outcome
        if await members.takes_part(session, member.id, self._clock.now(), self._grace):
            return outcome
        row.status = "members_only"
        return replace(outcome, members_only=True)

    async def _own_question(self, session: Session, member: Member, question_id: int) -> FaqQuestion:
        return await own_question(session, self._community.id, member, question_id)

    async def _thread_question(self, platform: str, workspace: str, channel: str, thread: str) -> FaqQuestion | None:
        """The latest recorded question whose answer lives in this thread, if any."""
        since = self._clock.now() - THREAD_MEMORY
        async with self._database.session() as session:
            for row in await repo.recent_questions(session, self._community.id, since, THREAD_SCAN):
                p = row.place or {}
                if (p.get("platform"), p.get("workspace"), p.get("channel"), p.get("thread")) == (
                    platform,
                    workspace,
                    channel,
                    thread,
                ):
                    return row
        return None

    async def _root(self, row: FaqQuestion) -> FaqQuestion:
        """The question that opened the thread (follow-ups point back to it)."""
        root_id = row.place.get("follow_up_of")
        if not root_id:
            return row
        async with self._database.session() as session:
            return await repo.question(session, root_id) or row


def _clean(text: str) -> str:
    question = " ".join(text.split())
    if not question:
        raise UserError("faq.errors.empty_question")
    if len(question) > MAX_QUESTION:
        raise UserError("faq.errors.long_question", count=len(question), limit=MAX_QUESTION)
    return question


def _local(decision: Decision, snapshot: Snapshot, *, suggest: bool = True) -> Outcome:
    if decision.doc is None:
        offered = tuple(snapshot.sources[doc.doc_id] for doc in decision.suggestions) if suggest else ()
        return Outcome(False, "", (), decision.score, suggestions=offered)
    source = snapshot.sources[decision.doc.doc_id]
    return Outcome(True, decision.doc.answer, ((1, source),), decision.score, source_language=decision.source_language)
