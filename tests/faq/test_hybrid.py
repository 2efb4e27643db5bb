"""The hybrid engine: the bundled sentence encoder plus the lexical index.

Two kinds of tests: the real encoder on the hand-written pottery knowledge bases (what
members see), and a small deterministic encoder for the bookkeeping (the vector cache,
the fusion and the decision rule), where the model's opinion is not the point.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import pytest

from bot.services.faq import Document, FaqAnswerer, load_faq_toml
from bot.services.faq.calibrate import MIN_CONFIDENCE, SHIPPED
from bot.services.faq.decide import LEXICAL_WEIGHT, decide_hybrid
from bot.services.faq.index import Hit
from bot.services.faq.semantic import (
    PASSAGE_CHARS,
    SAME_WORDING,
    W_PASSAGE,
    W_SENTENCE,
    W_TITLE,
    Encoder,
    SemanticIndex,
    VectorCache,
    answer_sentences,
    passage_text,
)
from tests.conftest import SAMPLE

from .kbs import CHINESE, DANISH, ENGLISH, NORWEGIAN, _faq
from .test_retrieval import ANSWERED, NEAR_MISS, OFF_TOPIC

# Paraphrases that share no indexed word with their entry: the lexical index abstains on
# every one of them, which is why the hybrid engine is the default.
MEANING_ONLY = [
    (ENGLISH, "could I take a buddy with me one evening?", "guest-pass"),
    (ENGLISH, "do you give refunds for lessons I skip?", "class-refund"),
    (NORWEGIAN, "kan jeg ha med meg en kompis en kveld?", "guest-pass"),
    (DANISH, "må jeg have en kammerat med?", "guest-pass"),
    (CHINESE, "我能和同学一起去吗", "guest-pass"),
]
_LEFT_TO_THE_CREATOR = pytest.mark.xfail(
    strict=True,
    reason="the price of the background guard: the generic 'Can I get a refund?' is nearer to the message "
    "than the entry's own question, and counts as a topic this FAQ lacks (benchmarks/RESULTS.md 5b)",
)
MEANING_ONLY_HYBRID = [
    pytest.param(*case, marks=_LEFT_TO_THE_CREATOR) if case[1].startswith("do you give refunds") else case
    for case in MEANING_ONLY
]

# Near misses that name an entry's main subject ("the studio") in a knowledge base of three
# to five entries: the encoder finds them close enough to answer. Kept as strict xfails so
# a better rule shows up here; the README lists the limitation. The calibrated confidence
# is fitted on knowledge bases of 14-45 entries; with three to five, "ahead of the third
# entry" says less. The background guard (bot/services/faq/background.py) now leaves the
# opening-hours questions alone in every language: nearer to "what are your opening hours at the office?" than
# to any entry's question, a topic this FAQ lacks. Paying with bitcoin is nearest the payment entry.
_NEAR_MISS_ANSWERED = {"can i pay for the studio with bitcoin?"}
NEAR_MISS_CASES = [
    pytest.param(kb, question, marks=pytest.mark.xfail(strict=True, reason="answered by meaning: a known limit"))
    if question in _NEAR_MISS_ANSWERED
    else (kb, question)
    for kb, question in NEAR_MISS
]


@pytest.fixture(scope="module")
def hybrid(encoder: Encoder) -> dict[int, FaqAnswerer]:
    """One hybrid answerer per knowledge base (building encodes every text once)."""
    return {id(kb): FaqAnswerer(kb, encoder) for kb in {id(kb): kb for kb, *_ in ANSWERED}.values()}


@pytest.mark.parametrize(("kb", "question", "expected"), ANSWERED + MEANING_ONLY_HYBRID)
def test_hybrid_answers_paraphrases_in_every_language(
    hybrid: dict[int, FaqAnswerer], kb: list[Document], question: str, expected: str
) -> None:
    decision = hybrid[id(kb)].answer(question)
    assert decision.doc is not None, f"abstained on {question!r}: {decision.score:.3f}/{decision.confidence:.3f}"
    assert decision.doc.doc_id == expected


@pytest.mark.parametrize(("kb", "question", "expected"), MEANING_ONLY)
def test_the_lexical_engine_alone_misses_what_only_the_meaning_gives(
    kb: list[Document], question: str, expected: str
) -> None:
    assert FaqAnswerer(kb).answer(question).doc is None


@pytest.mark.parametrize(("kb", "question"), OFF_TOPIC)
def test_hybrid_abstains_off_topic(hybrid: dict[int, FaqAnswerer], kb: list[Document], question: str) -> None:
    decision = hybrid[id(kb)].answer(question)
    assert decision.doc is None, f"answered {question!r} with {decision.doc}"
    assert decision.confidence < MIN_CONFIDENCE


@pytest.mark.parametrize(("kb", "question"), NEAR_MISS_CASES)
def test_hybrid_abstains_on_near_misses(hybrid: dict[int, FaqAnswerer], kb: list[Document], question: str) -> None:
    assert hybrid[id(kb)].answer(question).doc is None


def test_the_encoder_gives_normalised_vectors_and_close_meanings_score_higher(encoder: Encoder) -> None:
    queries = encoder.encode_queries(
        ["How do I pause my membership?", "Kan jeg sette medlemskapet på pause?", "What is the weather in Oslo?"]
    )
    assert queries.shape == (3, 384)
    assert np.allclose(np.linalg.norm(queries, axis=1), 1.0, atol=1e-3)
    same_meaning = float(queries[0] @ queries[1])
    unrelated = float(queries[0] @ queries[2])
    assert same_meaning > unrelated + 0.05


# -- bookkeeping, with a deterministic encoder ---------------------------------------------


class WordEncoder:
    """Each word gets a fixed pseudo-random direction; a text is the normalised sum."""

    model_id = "words-test"

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[str, ...]]] = []

    def _vector(self, text: str) -> np.ndarray:
        total = np.zeros(64)
        for word in text.lower().replace("?", " ").split():
            seed = int.from_bytes(hashlib.sha256(word.encode()).digest()[:4], "little")
            total += np.random.default_rng(seed).standard_normal(64)
        norm = np.linalg.norm(total)
        return total / norm if norm else total

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        self.calls.append(("query", tuple(texts)))
        return np.array([self._vector(t) for t in texts], dtype=np.float32)

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        self.calls.append(("passage", tuple(texts)))
        return np.array([self._vector(t) for t in texts], dtype=np.float32)


def test_the_cache_encodes_each_distinct_text_once_and_rebuilds_encode_only_changes() -> None:
    encoder, cache = WordEncoder(), VectorCache()
    SemanticIndex.build(ENGLISH, encoder, cache)
    first = cache.encoded
    assert first == sum(1 + len(d.alt_titles) + len(answer_sentences(d)) for d in ENGLISH) + len(ENGLISH)

    SemanticIndex.build(ENGLISH, encoder, cache)  # nothing changed
    assert cache.encoded == first

    edited = [*ENGLISH[:-1], _faq("class-refund", "Can I get a refund for a missed class?", ENGLISH[-1].answer)]
    encoder.calls.clear()
    SemanticIndex.build(edited, encoder, cache)
    assert encoder.calls == [
        ("query", ("Can I get a refund for a missed class?",)),
        ("passage", (passage_text(edited[-1]),)),
    ]
    assert len(cache) == first  # the old title and passage were dropped, the new ones added


def test_a_duplicate_text_is_encoded_once_within_a_batch() -> None:
    encoder, cache = WordEncoder(), VectorCache()
    rows = cache.vectors(encoder, "query", ["same words", "other words", "same words"])
    assert encoder.calls == [("query", ("same words", "other words"))]
    assert np.array_equal(rows[0], rows[2])


def test_long_passages_are_cut_at_a_word_boundary() -> None:
    body = "word " * 400
    doc = Document(doc_id="long", kind="content", title="A long article", text=body, answer=body)
    text = passage_text(doc)
    assert len(text) <= PASSAGE_CHARS
    assert text.startswith("A long article word") and text.endswith("word")


def test_documents_score_by_best_title_passage_and_sentence() -> None:
    encoder = WordEncoder()
    index = SemanticIndex.build(ENGLISH, encoder)
    query = index.encode("Where can I reserve a firing?")  # kiln-booking's alternative
    views = index.views(query)
    assert int(np.argmax(views.fused)) == 0 and views.title[0] == pytest.approx(1.0, abs=1e-5)
    passage = float(encoder.encode_passages([passage_text(ENGLISH[0])])[0] @ query)
    sentence = max(float(v @ query) for v in encoder.encode_queries(answer_sentences(ENGLISH[0])))
    assert views.fused[0] == pytest.approx(W_TITLE + W_PASSAGE * passage + W_SENTENCE * sentence, abs=1e-5)
    assert index.scores(query) == pytest.approx(views.fused)


def test_answer_sentences_split_on_sentence_ends_in_every_script() -> None:
    doc = _faq("x", "Q?", "First part. Second part! 第三句。第四句？ ok")
    assert answer_sentences(doc) == ["First part.", "Second part!", "第三句。", "第四句？"]


def _hit(doc_id: str, score: float) -> Hit:
    doc = Document(doc_id=doc_id, kind="faq", title=doc_id, text="", answer=f"answer {doc_id}")
    return Hit(doc, score, coverage=0.0)


def test_decide_hybrid_answers_at_the_calibrated_threshold() -> None:
    hits = [_hit("a", 0.9), _hit("b", 0.8)]
    assert decide_hybrid(hits, MIN_CONFIDENCE).doc.doc_id == "a"
    assert decide_hybrid(hits, MIN_CONFIDENCE - 0.01).doc is None
    assert decide_hybrid([], 1.0).doc is None
    decision = decide_hybrid(hits, 0.99)
    assert decision.confidence == pytest.approx(0.99) and decision.score == pytest.approx(0.9)


def test_the_calibrated_confidence_rises_with_a_clear_lead_and_has_three_guards() -> None:
    clear = np.array([0.08, 0.06, 0.8, 1.0, 0.08, 0.05, 0.04])  # gap3, gap, coverage, views | lift, pair, background
    crowded = np.array([0.005, 0.002, 0.1, 1 / 3, 0.01, 0.01, 0.04])
    assert SHIPPED.confidence(clear) > MIN_CONFIDENCE > SHIPPED.confidence(crowded)
    below_level = clear.copy()
    below_level[4] = -0.001  # no closer than a typical near miss: never answered
    assert SHIPPED.confidence(below_level) == 0.0
    split = clear.copy()
    split[3], split[5] = 1 / 3, -0.001  # views split, and no closer than the runner-up's own question
    assert SHIPPED.confidence(split) == 0.0
    split[5] = 0.001
    assert SHIPPED.confidence(split) > MIN_CONFIDENCE
    elsewhere = clear.copy()
    elsewhere[6] = -0.001  # nearer to a question this FAQ does not answer than to the entry's own
    assert SHIPPED.confidence(elsewhere) == 0.0


def test_how_far_above_the_near_miss_level_only_guards() -> None:
    """A long message about an entry lands barely above the level; a clear lead still answers it."""
    barely = np.array([0.04, 0.02, 0.3, 2 / 3, 0.001, 0.05, 0.04])  # gap3, gap, coverage, views | guards
    far = barely.copy()
    far[4] = 0.08
    assert SHIPPED.confidence(barely) == pytest.approx(SHIPPED.confidence(far))
    assert SHIPPED.confidence(barely) > MIN_CONFIDENCE


@pytest.mark.xfail(
    strict=True,
    reason="a known limit: with these short answers all three views pick *cancel*, "
    "so the pair guard does not apply (it does on the sample community, tests/faq/test_faq_hybrid_app.py)",
)
def test_a_message_between_two_entries_is_not_given_the_one_it_is_no_closer_to(encoder: Encoder) -> None:
    kb = [
        *ENGLISH,
        _faq(
            "cancel",
            "How do I cancel my membership?",
            "Cancel any time from your account page.",
            "I want to quit the studio",
        ),
        _faq(
            "pause",
            "Can I pause my membership instead of cancelling?",
            "Yes, pause for one to three months from your account page.",
        ),
    ]
    decision = FaqAnswerer(kb, encoder).answer("can I freeze my membership?")
    assert decision.doc is None or decision.doc.doc_id == "pause"


def test_shared_words_break_a_tie_in_meaning() -> None:
    class Flat(WordEncoder):
        """Every text means the same: only the lexical evidence can choose."""

        def _vector(self, text: str) -> np.ndarray:
            return np.ones(64) / 8.0

    answerer = FaqAnswerer(ENGLISH, Flat())
    ranked = answerer.rank("which glazes are food safe").hits  # the ranking (the entry's own words answer at once)
    assert answerer.engine == "hybrid"
    assert ranked[0].doc.doc_id == "glaze-safety"
    lexical_top = FaqAnswerer(ENGLISH).index.lexical("which glazes are food safe").score.max()
    assert ranked[0].score == pytest.approx(1.0 + LEXICAL_WEIGHT * lexical_top, abs=1e-5)
    assert answerer.relates("which glazes are food safe") and not answerer.relates("thanks!")


def test_a_learned_wording_teaches_the_hybrid_engine_its_meaning_and_not_its_words(encoder: Encoder) -> None:
    wording = "hey folks, quick one: any chance my buddy could tag along some evening?"
    chatty = "hey folks, quick one: any chance of an evening slot?"  # shares the small talk only
    taught = [replace(d, learned_titles=(wording,)) if d.doc_id == "guest-pass" else d for d in ENGLISH]
    hybrid, untaught = FaqAnswerer(taught, encoder), FaqAnswerer(ENGLISH, encoder)
    lexical = FaqAnswerer(taught)
    guest = [d.doc_id for d in ENGLISH].index("guest-pass")

    for again in (wording, "Hey folks quick one could my buddy tag along some evening"):  # the same words
        decision = hybrid.answer(again)
        assert decision.doc is not None and decision.doc.doc_id == "guest-pass", again
    assert hybrid.semantic is not None and untaught.semantic is not None
    assert hybrid.semantic.views(hybrid.semantic.encode(wording)).title[guest] > 0.99
    # The small talk lends guest-pass nothing in the hybrid engine's lexical scores...
    assert np.array_equal(hybrid.index.lexical(chatty).coverage, untaught.index.lexical(chatty).coverage)
    # ...while the lexical engine, which has only words, learns them.
    assert lexical.index.lexical(chatty).coverage[guest] > untaught.index.lexical(chatty).coverage[guest]
    assert lexical.answer(wording).doc is not None and lexical.answer(wording).doc.doc_id == "guest-pass"


def test_a_learned_wording_counts_only_as_the_same_wording_again() -> None:
    """Below SAME_WORDING a learned wording lends its entry nothing: members' messages resemble
    each other by their small talk, whatever they ask about."""
    wording = "hey folks, quick one: could my buddy tag along some evening?"
    taught = [replace(d, learned_titles=(wording,)) if d.doc_id == "guest-pass" else d for d in ENGLISH]
    encoder = WordEncoder()
    answerer, untaught = FaqAnswerer(taught, encoder), FaqAnswerer(ENGLISH, encoder)
    assert answerer.semantic is not None and untaught.semantic is not None
    guest = [d.doc_id for d in ENGLISH].index("guest-pass")

    resembling = "hey folks, quick one: could the kiln fire my bowls?"  # the small talk only
    query = answerer.semantic.encode(resembling)
    resemblance = float(encoder.encode_queries([wording])[0] @ query)
    assert untaught.semantic.views(query).title[guest] < resemblance < SAME_WORDING  # closer than its own titles
    assert answerer.semantic.views(query).title[guest] == untaught.semantic.views(query).title[guest]
    assert np.allclose(answerer.rank(resembling).features, untaught.rank(resembling).features, atol=1e-6)

    again = answerer.semantic.encode("Hey folks, quick one: could my buddy tag along some evening")
    assert answerer.semantic.views(again).title[guest] > 0.99
    assert answerer.answer(wording).doc is not None


def test_an_entrys_own_phrasing_word_for_word_gets_that_entry(encoder: Encoder) -> None:
    """A member who copies a question from `/faq list` gets that entry, whatever the ranking says:
    ranked, the sample's "When are the live sessions?" went to the recordings entry (whose answer
    begins "every live session is recorded"), on either engine."""
    documents = [doc for doc in load_faq_toml(SAMPLE / "faq.toml") if "live" in doc.tags]  # a few, to encode quickly
    for answerer in (FaqAnswerer(documents, encoder), FaqAnswerer(documents)):
        for typed in ("When are the live sessions?", "when are the live sessions", "  WHEN are the LIVE sessions?!"):
            decision = answerer.answer(typed)
            assert decision.doc is not None and decision.doc.doc_id == "live-session-times", typed
            assert decision.exact and [h.doc.doc_id for h in decision.candidates] == ["live-session-times"]
        assert not answerer.answer("when are the live sessions this week?").exact  # more words: ranked as usual


def test_a_phrasing_two_entries_share_belongs_to_neither() -> None:
    shared = "How do I get in touch?"
    documents = [
        Document("email", "faq", shared, "Write to us.", "Write to us."),
        Document("phone", "faq", "How do I call you?", "Call us.", "Call us.", alt_titles=(shared,)),
        Document("welcome", "content", "Getting started", "Start here.", "Start here."),
    ]
    answerer = FaqAnswerer(documents)
    assert not answerer.answer(shared).exact
    assert not answerer.answer("getting started").exact  # a library item's title is not an FAQ phrasing
    assert answerer.answer("how do I call you").exact
