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
(:func:`calibrate.features`, the ``background`` guard). The everyday questions come last in each
list, after a line starting with :data:`EVERYDAY`: a message nearer one of them than to any entry is
offered no entries either (``decide.SUGGESTIONS``).
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


EVERYDAY = "#"
"""The line of a list after which its everyday questions follow (weather, jokes, homework): questions
not about a membership at all. No FAQ entries are offered for a message nearest one of them
(:attr:`Background.everyday`)."""


def _bundled(language: str) -> tuple[list[str], list[str]]:
    """The shipped background questions of ``language``: about a membership, and everyday ones."""
    source = resources.files("bot.services.faq") / "background_questions" / f"{language}.txt"
    if not source.is_file():
        return [], []
    lines = [line.strip() for line in source.read_text(encoding="utf-8").splitlines() if line.strip()]
    split = next((i for i, line in enumerate(lines) if line.startswith(EVERYDAY)), len(lines))
    return lines[:split], lines[split + 1 :]


def bundled_questions(language: str) -> tuple[str, ...]:
    """The shipped background questions of ``language``, everyday ones included (empty for a language without a list)."""
    membership, everyday = _bundled(language)
    return (*membership, *everyday)


def bundled_everyday(language: str) -> tuple[str, ...]:
    """The shipped everyday questions of ``language`` (a part of :func:`bundled_questions`)."""
    return tuple(_bundled(language)[1])


@dataclass(frozen=True)
class Background:
    """Per language, the vectors of the background questions the FAQ does not cover."""

    uncovered: Mapping[str, np.ndarray] = field(default_factory=dict)
    everyday: Mapping[str, np.ndarray] = field(default_factory=dict)
    """Per language, those of the uncovered questions that are everyday ones (:data:`EVERYDAY`)."""

    @classmethod
    def build(
        cls,
        semantic: SemanticIndex,
        languages: Iterable[str | None],
        cache: VectorCache,
        questions: Questions = bundled_questions,
        margin: float = COVERED_MARGIN,
        everyday: Questions = bundled_everyday,
    ) -> Background:
        """Encode each language's background questions and keep those the FAQ does not cover
        (``margin``: :data:`COVERED_MARGIN`, other values for ``benchmarks/faq_sparse.py --select``);
        of those, ``everyday`` says which are not about a membership."""
        encoder: Encoder = semantic.encoder
        uncovered: dict[str, np.ndarray] = {}
        not_membership: dict[str, np.ndarray] = {}
        for language in sorted({lang for lang in languages if lang is not None}):
            texts = questions(language)
            if len(texts) < 2:
                continue
            vectors = cache.vectors(encoder, ROLE, texts)
            neighbours = vectors @ vectors.T
            np.fill_diagonal(neighbours, -1.0)
            scale = neighbours.max(axis=1)
            nearest_faq = np.array([semantic.views(row).title.max(initial=-1.0) for row in vectors])
            kept = nearest_faq < scale + margin
            uncovered[language] = vectors[kept]
            plain = set(everyday(language))
            not_membership[language] = vectors[kept & np.array([text in plain for text in texts])]
        return cls(uncovered, not_membership)

    def closest(self, language: str | None, query: np.ndarray) -> float:
        """The cosine of ``query`` with the nearest uncovered background question of ``language`` (-1: none)."""
        return _closest(self.uncovered, language, query)

    def closest_everyday(self, language: str | None, query: np.ndarray) -> float:
        """The cosine of ``query`` with the nearest uncovered everyday question of ``language`` (-1: none)."""
        return _closest(self.everyday, language, query)


def _closest(vectors_by_language: Mapping[str, np.ndarray], language: str | None, query: np.ndarray) -> float:
    vectors = vectors_by_language.get(language) if language is not None else None
    if vectors is None or not len(vectors):
        return -1.0
    return float((vectors @ query).max())
