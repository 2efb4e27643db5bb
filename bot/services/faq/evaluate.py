"""Offline evaluation of the FAQ answerer: hit@1, wrong-answer rate, abstention P/R, latency.

The local answerer and the answerer overruled by a judge (an LLM) go through the same scorer,
`measure`, which takes a ``decide`` callable: message in, entry id (or None) out.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from bot.services.faq.decide import FaqAnswerer
from bot.services.faq.index import Document
from bot.services.faq.judge import Judge, rule
from bot.services.faq.kb import KbError
from bot.services.faq.semantic import Encoder, VectorCache


@dataclass(frozen=True)
class Question:
    """One evaluation message; ``expected`` is None when the bot should abstain."""

    q: str
    expected: str | None


def load_questions_jsonl(path: str | Path) -> list[Question]:
    """Read ``{"q": ..., "expected": id-or-null}`` lines; raises KbError naming file and line."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise KbError(f"{path}: cannot read file ({exc})") from exc
    questions: list[Question] = []
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise KbError(f"{path}:{n}: invalid JSON ({exc.msg})") from exc
        if not isinstance(row, dict) or not isinstance(row.get("q"), str):
            raise KbError(f"{path}:{n}: field 'q' must be a string")
        expected = row.get("expected")
        if expected is not None and not isinstance(expected, str):
            raise KbError(f"{path}:{n}: field 'expected' must be a string or null")
        questions.append(Question(row["q"], expected))
    return questions


def _percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile (0.0 for no values)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * pct // 100))
    return ordered[int(rank) - 1]


def score_answers(expected: Sequence[str | None], got: Sequence[str | None]) -> dict[str, float]:
    """Accuracy metrics from parallel lists of expected and returned ids (None = abstain).

    hit_at_1: share of in-scope questions answered with the expected id (0.0 if none).
    wrong_rate: answers with another id (any id on a null question) / all questions.
    abstain_precision: share of abstentions that were on null questions; reported as
    0.0 when the bot never abstained (there is nothing to be precise about).
    abstain_recall: share of null questions on which it abstained (0.0 if no nulls).
    """
    pairs = list(zip(expected, got, strict=True))
    in_scope = [(e, g) for e, g in pairs if e is not None]
    nulls = [g for e, g in pairs if e is None]
    abstained = [e for e, g in pairs if g is None]
    wrong = sum(1 for e, g in pairs if g is not None and g != e)
    return {
        "n_questions": len(pairs),
        "n_in_scope": len(in_scope),
        "n_null": len(nulls),
        "n_answered": len(pairs) - len(abstained),
        "n_wrong": wrong,
        "hit_at_1": sum(1 for e, g in in_scope if g == e) / len(in_scope) if in_scope else 0.0,
        "wrong_rate": wrong / len(pairs) if pairs else 0.0,
        "abstain_precision": (sum(1 for e in abstained if e is None) / len(abstained) if abstained else 0.0),
        "abstain_recall": sum(1 for g in nulls if g is None) / len(nulls) if nulls else 0.0,
    }


Decide = Callable[[str], Awaitable[str | None]]
"""Answers one message with an entry id, or None to abstain."""


async def measure(decide: Decide, questions: Sequence[Question], *, warm_up: bool = True) -> dict[str, float]:
    """Answer every question with ``decide``, return metrics + latency.

    Latency is per question, end to end (encoding the message included), after one
    warm-up question so that the first call's one-off costs are not counted.
    """
    if questions and warm_up:
        await decide(questions[0].q)
    got: list[str | None] = []
    latencies: list[float] = []
    for question in questions:
        start = time.perf_counter()
        got.append(await decide(question.q))
        latencies.append((time.perf_counter() - start) * 1000.0)
    metrics = score_answers([q.expected for q in questions], got)
    metrics["p50_ms"] = round(_percentile(latencies, 50), 3)
    metrics["p95_ms"] = round(_percentile(latencies, 95), 3)
    return metrics


Outcome = tuple[str | None, tuple[str, ...]]
"""A message's answer (an entry id, or None) and the entries offered instead (empty when answered)."""


def evaluate(
    documents: Sequence[Document], questions: Sequence[Question], encoder: Encoder | None = None
) -> dict[str, float]:
    """Build the local answerer on ``documents``, answer every question, return metrics + latency.

    Two more figures count the entries an "I don't know" offers (``Decision.suggestions``):
    ``answered_or_offered``, the share of in-scope messages answered right or, unanswered, offered
    the right entry among the suggestions; ``offered_off_topic``, the share of out-of-scope messages
    offered any entry (an offer, not an answer: ``wrong_rate`` does not count it)."""
    answerer = FaqAnswerer(documents, encoder)
    outcomes: dict[str, Outcome] = {}

    async def local(message: str) -> str | None:
        decision = answerer.answer(message)
        answer = decision.doc.doc_id if decision.doc else None
        outcomes[message] = (answer, tuple(doc.doc_id for doc in decision.suggestions))
        return answer

    metrics = asyncio.run(measure(local, questions))
    return metrics | score_offers(questions, outcomes)


def score_offers(questions: Sequence[Question], outcomes: Mapping[str, Outcome]) -> dict[str, float]:
    """``answered_or_offered`` and ``offered_off_topic`` (see :func:`evaluate`) from each message's outcome."""
    in_scope = [q for q in questions if q.expected is not None]
    off_topic = [q for q in questions if q.expected is None]
    served = 0
    for q in in_scope:
        answer, offered = outcomes.get(q.q, (None, ()))
        served += answer == q.expected or q.expected in offered
    return {
        "answered_or_offered": round(served / len(in_scope), 4) if in_scope else 0.0,
        "offered_off_topic": round(sum(1 for q in off_topic if outcomes.get(q.q, (None, ()))[1]) / len(off_topic), 4)
        if off_topic
        else 0.0,
    }


async def evaluate_judged(
    documents: Sequence[Document], questions: Sequence[Question], judge: Judge, encoder: Encoder | None = None
) -> dict[str, float]:
    """Like `evaluate`, with ``judge`` picking among the local ranking's top candidates (or none).

    Adds ``judge_fallbacks``: how many messages kept the local decision because the judge's
    reply was unusable (an error, a timeout, junk, an id it was not shown), warm-up excluded.
    """
    answerer = FaqAnswerer(documents, encoder)
    fallbacks: Counter[str] = Counter()

    async def judged(message: str) -> str | None:
        ruling = await rule(judge, answerer.answer(message), message)
        if not ruling.judged and ruling.reason != "no_candidates":
            fallbacks[ruling.reason] += 1
        return ruling.doc.doc_id if ruling.doc else None

    if questions:
        await judged(questions[0].q)  # the warm-up, here so that its fallback is not counted
        fallbacks.clear()
    metrics = await measure(judged, questions, warm_up=False)
    metrics["judge_fallbacks"] = sum(fallbacks.values())
    return metrics


def evaluate_learning(
    documents: Sequence[Document], questions: Sequence[Question], encoder: Encoder | None = None, seed: int = 0
) -> dict[str, object]:
    """Replay ``questions`` as a stream in a seeded shuffled order, learning as the creator would.

    Whenever the bot abstains or answers wrongly on an in-scope message, the expected entry
    gets the message as a learned wording (what saving an inbox answer or picking the
    right entry after a 👎 does in the app) and the index is rebuilt; the vector cache means
    only the new phrasing is encoded. Returns the metrics of each half of the stream: the
    second half shows what the learning bought. Two more figures of the second half put them in
    context: ``second_half_ranked``, how often the top entry was the expected one (answered or
    not: what a perfect decision would reach), and ``second_half_asked_before``, the share of its
    in-scope messages whose entry an earlier message of the stream had asked for (what learning
    a wording can help with at all).
    """
    order = random.Random(seed).sample(range(len(questions)), len(questions))
    entries = {doc.doc_id: doc for doc in documents}
    cache = VectorCache()
    answerer = FaqAnswerer(list(entries.values()), encoder, cache)
    got: list[str | None] = []
    ranked: list[str | None] = []
    learned = 0
    for i in order:
        question = questions[i]
        decision = answerer.answer(question.q)
        answer = decision.doc.doc_id if decision.doc else None
        got.append(answer)
        ranked.append(decision.candidates[0].doc.doc_id if decision.candidates else None)
        if question.expected in entries and answer != question.expected:
            entry = entries[question.expected]
            entries[question.expected] = replace(entry, learned_titles=(*entry.learned_titles, question.q))
            answerer = FaqAnswerer(list(entries.values()), encoder, cache)
            learned += 1
    expected = [questions[i].expected for i in order]
    half = len(order) // 2
    later = [(e, r) for e, r in zip(expected[half:], ranked[half:], strict=True) if e is not None]
    return {
        "seed": seed,
        "learned": learned,
        "first_half": score_answers(expected[:half], got[:half]),
        "second_half": score_answers(expected[half:], got[half:]),
        "second_half_ranked": round(sum(1 for e, r in later if e == r) / len(later), 4) if later else 0.0,
        "second_half_asked_before": _asked_before(expected, half),
    }


def _asked_before(expected: Sequence[str | None], start: int) -> float:
    """Share of the in-scope messages from ``start`` on whose entry an earlier message asked for."""
    seen = {e for e in expected[:start] if e is not None}
    hits = total = 0
    for entry in expected[start:]:
        if entry is None:
            continue
        total += 1
        hits += entry in seen
        seen.add(entry)
    return round(hits / total, 4) if total else 0.0
