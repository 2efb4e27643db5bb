"""Local, offline multilingual FAQ retrieval with answer-or-abstain decisions."""

from __future__ import annotations

from bot.services.faq.decide import MIN_COVERAGE, MIN_GAP, Decision, FaqAnswerer, decide
from bot.services.faq.evaluate import Question, evaluate, load_questions_jsonl, score_answers
from bot.services.faq.index import Document, FaqIndex, Hit
from bot.services.faq.kb import KbError, load_faq_toml, parse_faq

__all__ = [
    "MIN_COVERAGE", "MIN_GAP", "Decision", "Document", "FaqAnswerer", "FaqIndex", "Hit",
    "KbError", "Question", "decide", "evaluate", "load_faq_toml", "load_questions_jsonl",
    "parse_faq", "score_answers",
]
