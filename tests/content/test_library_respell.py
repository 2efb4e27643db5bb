"""A library search that finds nothing is tried again with the library's own spelling of its words."""

from __future__ import annotations

from bot.notices.content import ContentPiece
from bot.services.content.library import RESPELL_MOST, parse_query, respell, search

ITEMS = (
    ContentPiece(
        1,
        "fees",
        "Setting your consulting fees",
        "mini-training",
        topics=("money",),
        body="Sent weekly, with a pricing table.",
    ),
    ContentPiece(2, "seats", "Hot seats: your offer", "live", body="We review offers, and the fees you charge."),
    ContentPiece(3, "cn", "如何定价", "resource", body="定价的三个步骤"),
)


def respelled(text: str) -> str | None:
    fixed = respell(ITEMS, parse_query(text))
    return fixed.describe() if fixed is not None else None


def test_a_typo_becomes_the_library_word_and_then_finds_the_item() -> None:
    assert respelled("consultng") == "consulting"
    fixed = respell(ITEMS, parse_query("consultng level:2"))
    assert fixed is not None and fixed.level == 2  # filters stay as typed
    assert [item.id for item in search(ITEMS, fixed)] == [1]


def test_another_form_of_a_word_finds_the_library_form() -> None:
    assert respelled("offering") == "offer"  # close by spelling, and a title word
    assert respelled("prices") == "pricing"  # too far by spelling (0.62), but it shares the stem "pric"


def test_a_word_of_a_title_wins_over_an_equally_close_word_of_a_body() -> None:
    # "seet" is as close to "sent" (a body) as to "seats" with the title bonus: titles are what members look for.
    assert respelled("hot seet") == "hot seats"


def test_words_found_as_typed_are_kept() -> None:
    assert respelled("hot fess") == "hot fees"


def test_nothing_to_guess_gives_none() -> None:
    assert respelled("blockchain") is None  # no close word
    # Found as an outsider: a word spelled right but not in the library yet became another word
    # that only looks alike (0.75 by difflib, the cutoff): "Nothing matched “pricing”, so here is “panicking”".
    assert respell((ContentPiece(4, "p", "Stop panicking", "live"),), parse_query("pricing")) is None
    assert respell((), parse_query("pricing")) is None  # an empty library has no word to offer
    assert respelled("cat") is None  # too short to guess at
    assert respelled("定介") is None  # Chinese words aren't spaced, so they aren't respelled
    assert respelled("hot seats") is None  # every word is there already
    assert respelled(" ".join(["consultng"] * (RESPELL_MOST + 1))) is None  # a pasted paragraph isn't guessed at


def test_a_title_word_wins_even_behind_many_closer_body_words() -> None:
    """Found as an outsider: "hot seet" became "hot sees" in a library whose bodies hold many words
    closer to "seet" than "seats": only the eight closest were looked at, before the title bonus."""
    crowded = (
        *ITEMS,
        ContentPiece(5, "many", "Field notes", "resource", body="see seen sees sets seat seek seem seer sect"),
    )
    fixed = respell(crowded, parse_query("hot seet"))
    assert fixed is not None and fixed.describe() == "hot seats"


def test_a_search_of_only_marks_is_no_search() -> None:
    """Found as an outsider: `/library *` listed every item whose body had a markdown asterisk."""
    marked = (ContentPiece(6, "bold", "Bold moves", "live", body="Some **bold** ideas ~~struck~~ _here_"),)
    for typed in ("*", "_", "~~", "* _"):
        assert parse_query(typed).empty, typed
    assert search(marked, parse_query("*bold*")) == list(marked)  # a word with marks around it is still a word
