"""Local, offline multilingual FAQ retrieval with answer-or-abstain decisions.

Two engines share one interface (:class:`FaqAnswerer`): *lexical* (BM25-style fields over
words and character n-grams) and *hybrid* (a sentence encoder's similarity plus a little of
the lexical score), each with its own decision rule.
"""

from __future__ import annotations

from bot.services.faq.decide import MIN_COVERAGE, MIN_GAP, Decision, FaqAnswerer, decide, decide_hybrid
from bot.services.faq.evaluate import Question, evaluate, evaluate_learning, load_questions_jsonl, score_answers
from bot.services.faq.index import Document, FaqIndex, Hit
from bot.services.faq.kb import KbError, load_faq_toml, parse_faq
from bot.services.faq.semantic import Encoder, SemanticIndex, VectorCache

__all__ = [
    "MIN_COVERAGE", "MIN_GAP", "Decision", "Document", "Encoder", "FaqAnswerer", "FaqIndex", "Hit",
    "KbError", "Question", "SemanticIndex", "VectorCache", "decide", "decide_hybrid", "evaluate",
    "evaluate_learning",
    "load_faq_toml", "load_questions_jsonl", "parse_faq", "score_answers",
]
