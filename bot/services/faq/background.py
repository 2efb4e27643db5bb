"""What members ask that this FAQ does not answer: a background of common questions.

Every confidence signal of the hybrid engine is relative (a lead over the runner-up, a lift
over the knowledge's own near-miss level), so a small FAQ with holes answers a question about
a missing topic with its closest entry: with 3 entries kept of each dev knowledge base,
27-46 % of the dev messages got a wrong answer ("can I pause?" got the *cancel* entry).

The remedy is a crowd of runner-ups. Each language ships about eighty questions members of a
paid membership commonly ask, on billing, access, content, events and the community, plus
everyday off-topic ones (``background_questions/<language>.txt``; written for this purpose,
not taken from any evaluation set). When the index is built, a background question the FAQ
*covers* is set aside: one whose closest FAQ question is nearer than the background question's
own nearest other background question (give or take :data:`COVERED_MARGIN`). That scale comes
from the list itself, so it moves with the language's cosine levels. The remaining questions are
topics the FAQ lacks; a message closer to one of them than to the top entry's closest question
is about something the FAQ does not say, and the bot leaves it to the creator
(:func:`calibrate.features`, the ``background`` guard).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources

import numpy as np

from bot.services.faq.semantic import Encoder, SemanticIndex, VectorCache

COVERED_MARGIN = 0.01
"""How much nearer than its own nearest background neighbour an FAQ question must come for a
background question to count as covered. Chosen by ``benchmarks/faq_sparse.py --select``: leave one
language out on the dev sets (en/nb/zh) replayed with 3 entries, half, and all of each knowledge
base; the margin of -0.06 to 0.02 with the best hit@1 minus four times the wrong-answer rate on the
two training languages. Every fold chose 0.01. Held out, wrong answers fell from 27-46 % to 0-5 %
with 3 entries and from 7-24 % to 1-7 % with half. The price is paid by complete FAQs: their
wrong answers stay as they were, but hard hit@1 went 0.24/0.41/0.64 -> 0.23/0.28/0.46 (en/nb/zh)
and easy nb 0.88 -> 0.75, because the encoder puts a generic question ("Can I get a refund?") about
as near to a specific entry ("... if I miss a class?") as to a neighbouring topic ("pause" next
to "cancel"). The questions it no longer answers go to the creator's inbox (RESULTS.md, 5b)."""

ROLE = "background"
"""The vector cache's role for background questions (encoded as queries; kept across rebuilds)."""

Questions = Callable[[str], Sequence[str]]


def bundled_questions(language: str) -> tuple[str, ...]:
    """The shipped background questions of ``language`` (empty for a language without a list)."""
    source = resources.files("bot.services.faq") / "background_questions" / f"{language}.txt"
    if not source.is_file():
        return ()
    return tuple(line.strip() for line in source.read_text(encoding="utf-8").splitlines() if line.strip())


@dataclass(frozen=True)
class Background:
    """Per language, the vectors of the background questions the FAQ does not cover."""

    uncovered: Mapping[str, np.ndarray] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        semantic: SemanticIndex,
        languages: Iterable[str | None],
        cache: VectorCache,
        questions: Questions = bundled_questions,
        margin: float = COVERED_MARGIN,
    ) -> Background:
        """Encode each language's background questions and keep those the FAQ does not cover
        (``margin``: :data:`COVERED_MARGIN`, other values for ``benchmarks/faq_sparse.py --select``)."""
        encoder: Encoder = semantic.encoder
        uncovered: dict[str, np.ndarray] = {}
        for language in sorted({lang for lang in languages if lang is not None}):
            texts = questions(language)
            if len(texts) < 2:
                continue
            vectors = cache.vectors(encoder, ROLE, texts)
            neighbours = vectors @ vectors.T
            np.fill_diagonal(neighbours, -1.0)
            scale = neighbours.max(axis=1)
            nearest_faq = np.array([semantic.views(row).title.max(initial=-1.0) for row in vectors])
            uncovered[language] = vectors[nearest_faq < scale + margin]
        return cls(uncovered)

    def closest(self, language: str | None, query: np.ndarray) -> float:
        """The cosine of ``query`` with the nearest uncovered background question of ``language`` (-1: none)."""
        vectors = self.uncovered.get(language) if language is not None else None
        if vectors is None or not len(vectors):
            return -1.0
        return float((vectors @ query).max())
