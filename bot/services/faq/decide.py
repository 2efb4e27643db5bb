"""Turn ranked search hits into an answer-or-abstain decision."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.services.faq.index import Document, FaqIndex, Hit, top_k
from bot.services.faq.semantic import Encoder, SemanticIndex, VectorCache

# All thresholds act on language-independent quantities: hit scores are normalised by
# the query's own upper bound (~[0, 1]), coverage is a share of the query's idf mass and
# agreement a share of retrieval views. A wrong answer costs more than an abstention,
# so the values are round points inside the region of a coarse grid on the en/nb/zh dev
# sets (gap 0.02-0.05, coverage 0.20-0.40, agreed coverage 0.3-0.7) where every language
# stays at <= 5% wrong answers and >= 80% abstention on off-topic messages.
MIN_GAP = 0.04
"""Top score must beat the runner-up by this much (normalised score units).

Every gap from 0.035 to 0.05 keeps the wrong-answer ceiling; 0.03 (the first version's
value) answers one off-topic Chinese message once Chinese coverage stops being
understated, and 0.025 answers a wrong English entry."""
MIN_COVERAGE = 0.25
"""The top document must contain at least this idf-weighted share of the query terms."""
MIN_AGREED_COVERAGE = 0.5
"""Second way to answer, for a close runner-up: every retrieval view that matches the
message ranks the top document strictly first, and it covers at least half the message.
Any value from 0.35 to 0.7 gives the same dev results (at 0.03 gap the gap rule already
answers all of these, so the signal only matters with the stricter gap)."""


# The hybrid rule (a sentence encoder plus the lexical score) acts on the fused score:
# cosine similarities of the multilingual encoder (about 0.78-0.96 for these messages) plus
# LEXICAL_WEIGHT x the lexical score. On the en/nb/zh dev sets the thresholds from 0.8625
# to 0.875 with gaps from 0.006 to 0.018 keep all three languages within the targets; a
# gap of 0.004 answers an off-topic Chinese message, 0.8675 loses a Norwegian one. The
# values sit one step inside both edges (measured with `membot faq eval`).
LEXICAL_WEIGHT = 0.1
"""How much the lexical score adds to the semantic one: enough to break near-ties in favour
of the entry that shares the member's words, too little to outvote the meaning."""
HYBRID_MIN_SCORE = 0.865
"""Fused score the best document needs: below it the message is about something else."""
HYBRID_MIN_GAP = 0.008
"""The best document must beat the runner-up by this much; closer calls are ambiguous."""


@dataclass(frozen=True)
class Decision:
    """``doc`` is None when abstaining; ``confidence`` is the top-1/top-2 score gap."""

    doc: Document | None
    score: float
    confidence: float
    candidates: tuple[Hit, ...]

    @property
    def answered(self) -> bool:
        return self.doc is not None


def decide(hits: Sequence[Hit], min_gap: float = MIN_GAP, min_coverage: float = MIN_COVERAGE,
           min_agreed_coverage: float = MIN_AGREED_COVERAGE) -> Decision:
    """Answer with the top hit if it clearly beats the runner-up and covers the query, or
    if all retrieval views agree on it and it covers most of the query."""
    candidates = tuple(hits)
    if not candidates:
        return Decision(doc=None, score=0.0, confidence=0.0, candidates=())
    top = candidates[0]
    runner_up = candidates[1].score if len(candidates) > 1 else 0.0
    gap = top.score - runner_up
    clear_winner = gap >= min_gap and top.coverage >= min_coverage
    unanimous = top.agreement >= 1.0 and top.coverage >= min_agreed_coverage
    return Decision(doc=top.doc if clear_winner or unanimous else None, score=top.score,
                    confidence=gap, candidates=candidates)


def decide_hybrid(hits: Sequence[Hit], min_score: float = HYBRID_MIN_SCORE,
                  min_gap: float = HYBRID_MIN_GAP) -> Decision:
    """Answer with the top hit if its fused score is high enough and clearly ahead."""
    candidates = tuple(hits)
    if not candidates:
        return Decision(doc=None, score=0.0, confidence=0.0, candidates=())
    top = candidates[0]
    gap = top.score - (candidates[1].score if len(candidates) > 1 else 0.0)
    answered = top.score >= min_score and gap >= min_gap
    return Decision(doc=top.doc if answered else None, score=top.score, confidence=gap,
                    candidates=candidates)


class FaqAnswerer:
    """Index plus decision rule: the one object the app needs to answer questions.

    With an ``encoder`` it is *hybrid*: documents are ranked by meaning (sentence
    embeddings) plus a little lexical evidence. Without one it is purely lexical, which is
    a hundred times faster but misses paraphrases that share no words with the entry.
    """

    def __init__(self, documents: Sequence[Document], encoder: Encoder | None = None,
                 cache: VectorCache | None = None) -> None:
        self.index = FaqIndex.build(documents)
        self.semantic = SemanticIndex.build(documents, encoder, cache) if encoder is not None else None

    @property
    def engine(self) -> str:
        return "lexical" if self.semantic is None else "hybrid"

    def answer(self, question: str, k: int = 5) -> Decision:
        if self.semantic is None or not self.index.documents or k <= 0:
            return decide(self.index.search(question, k=k))
        lexical = self.index.lexical(question)
        fused = self.semantic.scores(self.semantic.encode(question)) + LEXICAL_WEIGHT * lexical.score
        return decide_hybrid(lexical.hits(self.index.documents, top_k(fused, k), fused))

    def relates(self, question: str) -> bool:
        """Whether the message shares any term with the knowledge at all ("thanks!" does not)."""
        return bool(self.index.search(question, k=1))
