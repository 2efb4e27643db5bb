"""Retrieval and answer/abstain behaviour on small hand-written multilingual KBs."""

from __future__ import annotations

import pytest

from bot.services.faq import Document, FaqAnswerer, FaqIndex, Hit, decide
from bot.services.faq.text import tokenize

from .kbs import CHINESE, DANISH, DUTCH, ENGLISH, NORWEGIAN

ANSWERED = [
    (ENGLISH, "hi! when can i reserve the kiln for firing my bowls?", "kiln-booking"),
    (ENGLISH, "is there somewhere to keep my unfinished clay pieces?", "clay-storage"),
    (ENGLISH, "my friend wants to come along, is bringing a guest ok?", "guest-pass"),
    (ENGLISH, "are the glazes safe for food, like mugs?", "glaze-safety"),
    (NORWEGIAN, "hei, hvor oppbevarer jeg leira mi mellom kurs?", "clay-storage"),
    (NORWEGIAN, "kan jeg bestille brennovnen neste uke?", "kiln-booking"),
    (NORWEGIAN, "får jeg tilbake pengene når jeg går glipp av timen?", "class-refund"),
    (DANISH, "hvor opbevarer jeg mit ler?", "clay-storage"),
    (DANISH, "kan jeg booke ovnen til næste uge?", "kiln-booking"),
    (DUTCH, "waar bewaar ik mijn klei?", "clay-storage"),
    (DUTCH, "kan ik de oven reserveren?", "kiln-booking"),
    (CHINESE, "我想预约窑炉", "kiln-booking"),
    (CHINESE, "我的陶土放哪里", "clay-storage"),
    (CHINESE, "能带朋友一起来吗", "guest-pass"),
]

OFF_TOPIC = [
    (ENGLISH, "what is the capital of australia?"),
    (ENGLISH, "write me a poem about penguins"),
    (NORWEGIAN, "hva er klokka i tokyo nå?"),
    (DANISH, "hvem vandt fodboldkampen i går?"),
    (DUTCH, "wat is het recept voor appeltaart?"),
    (CHINESE, "明天北京会下雨吗"),
]

# Off-topic but sharing a word with the KB: only the decision thresholds stop these.
NEAR_MISS = [
    (ENGLISH, "can i pay for the studio with bitcoin?"),
    (ENGLISH, "what time does the studio open on sundays?"),
    (DANISH, "hvornår åbner værkstedet om søndagen?"),
    (DUTCH, "hoe laat gaat het atelier open?"),
    (CHINESE, "工作室星期天几点开门？"),
]


@pytest.mark.parametrize(("kb", "question", "expected"), ANSWERED)
def test_paraphrase_is_answered_with_the_right_entry(kb: list[Document], question: str, expected: str) -> None:
    decision = FaqAnswerer(kb).answer(question)
    assert decision.doc is not None, f"abstained on {question!r}: {decision}"
    assert decision.doc.doc_id == expected


@pytest.mark.parametrize(("kb", "question"), OFF_TOPIC)
def test_off_topic_question_abstains(kb: list[Document], question: str) -> None:
    decision = FaqAnswerer(kb).answer(question)
    assert decision.doc is None, f"answered {question!r} with {decision.doc}"


@pytest.mark.parametrize(("kb", "question"), NEAR_MISS)
def test_near_miss_question_abstains_although_it_has_candidates(kb: list[Document], question: str) -> None:
    decision = FaqAnswerer(kb).answer(question)
    assert decision.candidates, "expected some lexical overlap"
    assert decision.doc is None, f"answered {question!r} with {decision.doc}"


def test_chinese_without_spaces_is_tokenised_into_characters_and_bigrams() -> None:
    terms = tokenize("预约窑炉")
    assert {"预", "约", "窑", "炉", "预约", "约窑", "窑炉"} <= set(terms)


def test_accents_and_case_are_folded_so_plain_ascii_queries_match() -> None:
    assert tokenize("BRÆNDING på Øen") == tokenize("braending pa oen")


def test_search_ranks_best_first_and_respects_k() -> None:
    hits = FaqIndex.build(ENGLISH).search("book the kiln firing slot", k=2)
    assert len(hits) == 2
    assert hits[0].doc.doc_id == "kiln-booking"
    assert hits[0].score > hits[1].score
    assert 0.0 < hits[0].coverage <= 1.0


def test_other_document_kinds_are_searchable_and_filterable() -> None:
    post = Document(
        doc_id="post-42",
        kind="content",
        title="Raku firing outdoors",
        text="A walkthrough of raku firing in a backyard barrel kiln.",
        answer="Read the post: Raku firing outdoors",
    )
    index = FaqIndex.build([*ENGLISH, post])
    assert index.search("raku barrel kiln backyard")[0].doc.doc_id == "post-42"
    only_faq = index.search("raku barrel kiln backyard", kinds=lambda kind: kind == "faq")
    assert all(hit.doc.kind == "faq" for hit in only_faq)


def test_empty_index_and_empty_query_abstain() -> None:
    assert FaqIndex.build([]).search("anything") == []
    assert FaqAnswerer(ENGLISH).answer("?!").doc is None
    assert decide([]).doc is None


def test_duplicate_ids_are_rejected() -> None:
    with pytest.raises(ValueError, match="kiln-booking"):
        FaqIndex.build([ENGLISH[0], ENGLISH[0]])


def test_close_runner_up_makes_it_abstain() -> None:
    twins = [
        Document("a", "faq", "How do I reset my studio door code?", "x", "x"),
        Document("b", "faq", "How do I reset my studio door code?", "y", "y"),
    ]
    decision = FaqAnswerer(twins).answer("reset studio door code")
    assert decision.doc is None
    assert decision.confidence == pytest.approx(0.0)
    assert len(decision.candidates) == 2


def test_inflections_are_folded_without_knowing_the_language() -> None:
    assert tokenize("recordings") == tokenize("recording")
    assert tokenize("medlemskapet") == tokenize("medlemskap")
    assert tokenize("bestillingen") == tokenize("bestilling")


def _coverage_of(kb: list[Document], question: str, doc_id: str) -> float:
    hits = FaqIndex.build(kb).search(question, k=len(kb))
    return next(hit.coverage for hit in hits if hit.doc.doc_id == doc_id)


def test_chinese_bigrams_across_word_boundaries_do_not_lower_coverage() -> None:
    # 要预 straddles 要 | 预约 and occurs nowhere in the entry; only the characters count.
    assert _coverage_of(CHINESE, "我要预约窑炉", "kiln-booking") == pytest.approx(1.0)


def test_chinese_characters_missing_from_the_entry_lower_coverage() -> None:
    assert _coverage_of(CHINESE, "预约窑炉陶土", "kiln-booking") < 1.0  # another entry's word
    assert _coverage_of(CHINESE, "预约窑炉鲸", "kiln-booking") < 1.0  # a character no entry has


def test_unseen_latin_words_lower_coverage() -> None:
    assert _coverage_of(ENGLISH, "book the kiln", "kiln-booking") == pytest.approx(1.0)
    assert _coverage_of(ENGLISH, "book the kiln with bitcoin", "kiln-booking") < 1.0


def test_decide_needs_both_gap_and_coverage() -> None:
    doc_a = Document("a", "faq", "a", "a", "a")
    doc_b = Document("b", "faq", "b", "b", "b")
    clear = [Hit(doc_a, 0.30, 0.6), Hit(doc_b, 0.10, 0.2)]
    assert decide(clear).doc is doc_a
    assert decide(clear).confidence == pytest.approx(0.20)
    assert decide([Hit(doc_a, 0.30, 0.1), Hit(doc_b, 0.10, 0.1)]).doc is None  # low coverage
    assert decide([Hit(doc_a, 0.30, 0.6), Hit(doc_b, 0.29, 0.6)]).doc is None  # close call
    assert decide([Hit(doc_a, 0.30, 0.6)]).doc is doc_a  # no runner-up: gap is the score


def test_decide_answers_a_close_call_when_all_views_agree_and_coverage_is_high() -> None:
    doc_a = Document("a", "faq", "a", "a", "a")
    doc_b = Document("b", "faq", "b", "b", "b")
    assert decide([Hit(doc_a, 0.30, 0.6, 1.0), Hit(doc_b, 0.29, 0.6)]).doc is doc_a
    assert decide([Hit(doc_a, 0.30, 0.6, 2 / 3), Hit(doc_b, 0.29, 0.6)]).doc is None
    assert decide([Hit(doc_a, 0.30, 0.4, 1.0), Hit(doc_b, 0.29, 0.4)]).doc is None


def test_agreement_is_the_share_of_matching_views_ranking_a_document_first() -> None:
    hits = FaqIndex.build(ENGLISH).search("book the kiln firing slot")
    assert hits[0].doc.doc_id == "kiln-booking"
    assert hits[0].agreement == pytest.approx(1.0)
    assert all(hit.agreement == 0.0 for hit in hits[1:])
    # Chinese has no n-gram view: agreement is over the two word views that match.
    assert FaqIndex.build(CHINESE).search("预约窑炉")[0].agreement == pytest.approx(1.0)


def test_tied_documents_get_no_agreement() -> None:
    twins = [Document("a", "faq", "Door code reset", "x", "x"), Document("b", "faq", "Door code reset", "x", "x")]
    assert all(hit.agreement == 0.0 for hit in FaqIndex.build(twins).search("door code"))


# A bike-repair co-op whose entries overlap heavily (all about booking and bike parts).
OVERLAPPING = [
    Document(
        "book-stand",
        "faq",
        "How do I book a repair stand?",
        "Book a repair stand in the co-op app.",
        "x",
        ("Can I reserve a bike stand?",),
    ),
    Document(
        "book-class",
        "faq",
        "How do I book a repair class?",
        "Book a repair class in the co-op app.",
        "x",
        ("Can I reserve a spot in a bike class?",),
    ),
    Document(
        "cancel-stand",
        "faq",
        "How do I cancel a repair stand booking?",
        "Cancel it in the co-op app.",
        "x",
        ("Can I cancel my bike stand reservation?",),
    ),
    Document(
        "cancel-class",
        "faq",
        "How do I cancel a repair class booking?",
        "Cancel classes in the app.",
        "x",
        ("Can I cancel my spot in a bike class?",),
    ),
]


def test_missing_entry_is_not_answered_by_its_close_neighbours() -> None:
    question = "how can i cancel my booking for the repair class?"
    full = FaqAnswerer(OVERLAPPING).answer(question)
    assert full.doc is not None and full.doc.doc_id == "cancel-class"
    without = FaqAnswerer([d for d in OVERLAPPING if d.doc_id != "cancel-class"])
    assert without.answer(question).doc is None
