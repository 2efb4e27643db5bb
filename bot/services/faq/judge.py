"""The contract for an optional judge (an LLM) that picks which of the top candidates answers a message.

The judge sees the member's message and the local ranking's top candidates and replies with
exactly one candidate id or "none". Nothing it says is trusted: `parse_pick` accepts only those
two forms, and `rule` checks the pick against the candidates again. Any other reply, an error
or a timeout leaves the local decision standing, so the worst a prompt injection can do is
cost us the judge's opinion: it can never make the bot answer with an entry it was not shown.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from bot.services.faq.decide import Decision
from bot.services.faq.index import Document, Hit

MAX_CANDIDATES = 5
ANSWER_CHARS = 600  # of each candidate's answer: enough to tell whether it answers the message
NONE = "none"
_WRAPPERS = frozenset("\"'`")
MAX_ID = 200


@dataclass(frozen=True)
class Candidate:
    """One entry as the judge sees it: its id, the question it answers and an excerpt of the answer."""

    id: str
    question: str
    answer: str


class JudgeError(Exception):
    """No usable pick. ``reason`` says why and is safe to log (it never holds the member's text):
    unavailable (network, timeout, API error), empty, junk, not_a_candidate."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Judge(Protocol):
    """Picks the candidate that answers ``message``; ``earlier`` is a thread's first question, if any."""

    async def pick(self, message: str, candidates: Sequence[Candidate], *, earlier: str | None = None) -> str | None:
        """A candidate's id, or None for "none of them"; raises `JudgeError` when there is no usable pick."""
        ...

    async def aclose(self) -> None: ...


def _clip(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rsplit(" ", 1)[0] + "…"


def candidates_of(hits: Sequence[Hit], limit: int = MAX_CANDIDATES) -> tuple[Candidate, ...]:
    """The first ``limit`` hits as candidates, best first."""
    return tuple(
        Candidate(h.doc.doc_id, h.doc.title, _clip(h.doc.answer or h.doc.text, ANSWER_CHARS)) for h in hits[:limit]
    )


def parse_pick(reply: str, ids: Collection[str]) -> str | None:
    """The id in ``reply`` if it is exactly one of ``ids`` (one pair of quotes or backticks around it
    is tolerated), None if it is exactly "none" (any case); anything else raises `JudgeError`."""
    text = reply.strip()
    if not text:
        raise JudgeError("empty")
    if len(text) >= 2 and text[0] == text[-1] and text[0] in _WRAPPERS:
        text = text[1:-1].strip()
    if text.casefold() == NONE:
        return None
    if text in ids:
        return text
    if text and len(text) <= MAX_ID and not any(c.isspace() for c in text):
        raise JudgeError("not_a_candidate")  # one word that is no candidate's id: a wrong pick
    raise JudgeError("junk")


@dataclass(frozen=True)
class Ruling:
    """What the judge made of a local decision.

    ``judged`` is True when the judge decided (``doc`` is its pick, or None for "none"), False
    when the local decision stands (``doc`` is the local one) because of ``reason``.
    """

    doc: Document | None
    judged: bool
    reason: str  # picked | none | no_candidates | a JudgeError reason

    def applied_to(self, decision: Decision) -> Decision:
        """``decision`` with this ruling's answer (and that entry's own score)."""
        if not self.judged:
            return decision
        score = next((h.score for h in decision.candidates if h.doc is self.doc), decision.score)
        return replace(decision, doc=self.doc, score=score)


async def rule(judge: Judge, decision: Decision, message: str, *, earlier: str | None = None) -> Ruling:
    """Ask ``judge`` about the top candidates of ``decision``; the local decision stands on any failure."""
    hits = decision.candidates[:MAX_CANDIDATES]
    if not hits:
        return Ruling(decision.doc, False, "no_candidates")
    try:
        picked = await judge.pick(message, candidates_of(hits), earlier=earlier)
    except JudgeError as exc:
        return Ruling(decision.doc, False, exc.reason)
    if picked is None:
        return Ruling(None, True, NONE)
    shown = {h.doc.doc_id: h.doc for h in hits}
    if picked not in shown:  # an implementation that forgot parse_pick: still never a non-candidate
        return Ruling(decision.doc, False, "not_a_candidate")
    return Ruling(shown[picked], True, "picked")
