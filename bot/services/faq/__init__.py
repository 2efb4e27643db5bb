"""Local, offline multilingual FAQ retrieval with answer-or-abstain decisions.

Two engines share one interface (:class:`FaqAnswerer`): *lexical* (BM25-style fields over
words and character n-grams) and *hybrid* (a sentence encoder's similarity plus a little of
the lexical score), each with its own decision rule.

The package is the whole FAQ domain: the engine (text, index, semantic, decide, calibrate,
judge, evaluate, kb) and the services around it: `answers` (AnswerService: decide, record,
answer by the outbox), `knowledge` (the index of entries, library items and recordings),
`entries` (the creator's edits), `inbox` (questions that need the creator), `grounding`
(checking an LLM's written answer) and `replies` (members' replies to the creator). What
they say is a notice in `bot.notices.faq`, worded by `bot.views.faq`; their queries are in
`storage.repositories.faq`.
"""

from __future__ import annotations

from bot.services.faq.decide import MIN_COVERAGE, MIN_GAP, Decision, FaqAnswerer, decide, decide_hybrid
from bot.services.faq.evaluate import Question, evaluate, evaluate_learning, load_questions_jsonl, score_answers
from bot.services.faq.index import Document, FaqIndex, Hit
from bot.services.faq.kb import KbError, load_faq_toml, parse_faq
from bot.services.faq.semantic import Encoder, SemanticIndex, VectorCache

__all__ = [
    "MIN_COVERAGE",
    "MIN_GAP",
    "Decision",
    "Document",
    "Encoder",
    "FaqAnswerer",
    "FaqIndex",
    "Hit",
    "KbError",
    "Question",
    "SemanticIndex",
    "VectorCache",
    "decide",
    "decide_hybrid",
    "evaluate",
    "evaluate_learning",
    "load_faq_toml",
    "load_questions_jsonl",
    "parse_faq",
    "score_answers",
]
