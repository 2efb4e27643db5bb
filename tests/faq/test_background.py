"""The background guard: a small FAQ leaves alone what it has no entry for, instead of answering
with its closest entry (bot/services/faq/background.py)."""

from __future__ import annotations

import pytest

from bot.services.faq import Document, FaqAnswerer, VectorCache
from bot.services.faq.background import Background, bundled_questions
from bot.services.faq.semantic import Encoder, SemanticIndex, answer_sentences
from bot.services.faq.text import LANGUAGES

from .kbs import CHINESE, _faq
from .test_hybrid import WordEncoder

THREE = [
    _faq(
        "cancel",
        "How do I cancel my membership?",
        "Type /leave in a DM to the bot; you keep access until the end of the paid month.",
    ),
    _faq(
        "live-calls",
        "When are the live Q&A calls?",
        "Every second Thursday at 18:00 Oslo time; the link is posted in #live an hour before.",
    ),
    _faq(
        "workbook",
        "Where do I find the course workbook?",
        "The workbook is a PDF in the library: type /library workbook.",
    ),
]
REFUND = _faq(
    "refund",
    "Can I get my money back?",
    "Within 14 days of your first payment, yes: write to the creator and the whole month is refunded.",
)
NOT_IN_THREE = ["can I get a refund for last month?", "could you refund me?", "my card was declined, what now?"]


def _none(language: str) -> tuple[str, ...]:
    return ()


@pytest.fixture(scope="module")
def answerers(encoder: Encoder) -> dict[str, FaqAnswerer]:
    return {
        "guarded": FaqAnswerer(THREE, encoder),
        "unguarded": FaqAnswerer(THREE, encoder, background=_none),
        "with refunds": FaqAnswerer([*THREE, REFUND], encoder),
    }


@pytest.mark.parametrize("question", NOT_IN_THREE)
def test_a_small_faq_leaves_alone_what_it_has_no_entry_for(answerers: dict[str, FaqAnswerer], question: str) -> None:
    assert answerers["unguarded"].answer(question).doc.doc_id == "cancel"  # what the guard prevents
    decision = answerers["guarded"].answer(question)
    assert decision.doc is None
    assert decision.candidates[0].doc.doc_id == "cancel"  # still ranked first: the guard decides, not the ranking


@pytest.mark.parametrize(
    "question", ["how do I cancel?", "I'd like to stop my membership", "when is the next live call?"]
)
def test_what_the_faq_does_answer_is_still_answered(answerers: dict[str, FaqAnswerer], question: str) -> None:
    assert answerers["guarded"].answer(question).doc is not None


@pytest.mark.parametrize("question", NOT_IN_THREE[:2])
def test_once_the_creator_adds_the_entry_the_topic_is_covered(answerers: dict[str, FaqAnswerer], question: str) -> None:
    assert answerers["with refunds"].answer(question).doc.doc_id == "refund"


@pytest.mark.parametrize(
    "question",
    [
        "kan ik mijn geld terugkrijgen voor vorige maand?",
        "我可以退款吗？",
        "kan jeg få pengene tilbage for sidste måned?",
    ],
)
def test_in_another_language_too(answerers: dict[str, FaqAnswerer], question: str) -> None:
    assert answerers["unguarded"].answer(question).doc.doc_id == "cancel"
    assert answerers["guarded"].answer(question).doc is None


@pytest.mark.parametrize(
    ("question", "expected"),
    [("hvordan opsiger jeg mit medlemskab?", "cancel"), ("hvor finner jeg arbeidsboka?", "workbook")],
)
def test_what_the_faq_answers_is_answered_in_another_language(
    answerers: dict[str, FaqAnswerer], question: str, expected: str
) -> None:
    decision = answerers["guarded"].answer(question)
    assert decision.doc is not None and decision.doc.doc_id == expected and decision.source_language == "en"


def test_every_language_ships_the_same_list_of_distinct_questions() -> None:
    lists = {language: bundled_questions(language) for language in LANGUAGES}
    lengths = {len(questions) for questions in lists.values()}
    assert len(lengths) == 1 and lengths.pop() >= 50
    for questions in lists.values():
        assert len(set(questions)) == len(questions)
    assert bundled_questions("xx") == ()


def test_each_entry_language_gets_its_own_background_and_an_unknown_one_none() -> None:
    asked: list[str] = []

    def recording(language: str) -> tuple[str, ...]:
        asked.append(language)
        return bundled_questions(language)

    index = SemanticIndex.build(CHINESE, WordEncoder())
    background = Background.build(index, ["zh", None, "zh", "nb"], VectorCache(), recording)
    assert asked == ["nb", "zh"]
    assert set(background.uncovered) == {"nb", "zh"}
    assert background.closest("en", index.encode("hello")) == -1.0
    assert background.closest(None, index.encode("hello")) == -1.0


def _texts(documents: list[Document]) -> int:
    """Texts the index encodes per document: its questions, answer sentences and passage."""
    return sum(len(doc.titles) + len(answer_sentences(doc)) + 1 for doc in documents)


def test_background_vectors_are_encoded_once_and_survive_rebuilds() -> None:
    encoder, cache = WordEncoder(), VectorCache()
    FaqAnswerer(THREE, encoder, cache)
    assert cache.encoded == _texts(THREE) + len(bundled_questions("en"))
    first = cache.encoded
    FaqAnswerer([*THREE, REFUND], encoder, cache)  # one entry more: only its texts are new
    assert cache.encoded - first == _texts([REFUND])
    background = set(bundled_questions("en"))
    assert {role for role, texts in encoder.calls if set(texts) <= background} == {"query"}  # as questions
