"""The FAQ as data: answers, questions passed to the creator and the creator's answers, the inbox,
FAQ entries, and replies to people (a member's reply reaching the creator, its acknowledgement,
the creator's answer)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.notices import Notice

# What the member was replying to (`ReplyItem.kind`): a check-in (nudge), the creator's personal
# note from `/members at-risk`, or the creator's answer to an earlier reply.
KINDS = ("checkin", "note", "answer")


FAQ_QUESTION = 300  # the longest question of an FAQ entry
FAQ_ANSWER = 3000  # the longest answer of an FAQ entry (and of the creator's answer to a member)


@dataclass(frozen=True)
class ReplyItem:
    """One reply as the creator sees it: who wrote what, and to which message (`about` is a clip of it)."""

    id: int
    member: str  # the member's display name
    text: str
    kind: str  # one of KINDS
    stage: str  # the check-in's stage (day-21) for a check-in, else ""
    about: str
    received_at: datetime


@dataclass(frozen=True)
class ReplyReceived(Notice):
    """A member replied to a message that invited it: each creator account is told by DM."""

    reply: ReplyItem


@dataclass(frozen=True)
class ReplyAcknowledged(Notice):
    """The member hears that their words went to the creator (and that `/ask` still reaches the FAQ)."""

    creator: str


@dataclass(frozen=True)
class CreatorAnswered(Notice):
    """The creator's answer to a reply, in the member's DMs; it invites a reply in turn."""

    creator: str
    wrote: str  # what the member had written
    answer: str


# -- answers and the creator's inbox -----------------------------------------------------------


@dataclass(frozen=True)
class SourceInfo:
    """How to cite a document: its title, and where a member can read more."""

    doc_id: str
    kind: str  # faq | content | recording
    title: str
    item_id: int | None = None  # a library item: the library.open button
    url: str | None = None


@dataclass(frozen=True)
class FaqAnswer(Notice):
    """An answer with its numbered sources, or (``answered`` False) "I don't know" with an offer to ask the creator.

    ``source_language`` is set when the source is in another language than the question."""

    question_id: int | None  # None: the creator trying the FAQ (not recorded: no buttons to rate or pass on)
    creator: str
    answered: bool
    text: str
    sources: tuple[tuple[int, SourceInfo], ...]
    written: bool = False
    source_language: str | None = None
    members_only: bool = False  # the source is the library or a recording and the asker is not a member
    suggestions: tuple[SourceInfo, ...] = ()  # with "I don't know": FAQ entries the member may mean, to pick from


@dataclass(frozen=True)
class SmallTalkReply(Notice):
    """The bot's answer to small talk said to it ("thanks!", "hi" in a DM or a mention): ``kind`` greeting | thanks | ack,
    declined when a "no" turned down the offer, or forwarded when a "yes" took up the bot's offer to pass a question on."""

    kind: str
    name: str
    creator: str


@dataclass(frozen=True)
class QuestionForwarded(Notice):
    """A member passed a question on: each creator account is told by DM (``earlier``: the thread's first question)."""

    question_id: int
    question: str
    asker: str
    earlier: str | None


@dataclass(frozen=True)
class QuestionAnswered(Notice):
    """The creator's answer (typed, or an FAQ entry's) to the member who asked."""

    creator: str
    question: str
    answer: str


@dataclass(frozen=True)
class QuestionToLive(Notice):
    """The member's question will be answered at a live session."""

    creator: str
    question: str
    title: str
    starts_at: datetime


@dataclass(frozen=True)
class InboxItem:
    """One question in the creator's inbox."""

    id: int
    question: str
    asker: str
    status: str
    feedback: str | None
    asked_at: datetime
    earlier: str | None  # the thread's first question, for a follow-up
    picked: str | None = None  # the FAQ entry (key) the member picked from the bot's suggestions


FORM_TEXT = 2900
"""Characters of one multiline form field that every platform shows whole (Slack: 3,000)."""


@dataclass(frozen=True)
class Entry:
    """An FAQ entry as the creator edits and lists it."""

    key: str
    question: str
    answer: str
    alt_questions: tuple[str, ...] = ()
    learned_questions: tuple[str, ...] = ()
    """Members' wordings learned from the inbox: the form lists them after the creator's own."""

    @property
    def form_lists_learned(self) -> bool:
        """Whether the edit form's one "other ways to ask it" field holds the learned wordings too:
        only while everything fits in the smallest platform text box (Slack's 3,000 characters),
        so that nothing listed is clipped and a wording the form did not show is never forgotten."""
        return len("\n".join((*self.alt_questions, *self.learned_questions))) <= FORM_TEXT

    @property
    def form_alternatives(self) -> tuple[str, ...]:
        return (*self.alt_questions, *self.learned_questions) if self.form_lists_learned else self.alt_questions
