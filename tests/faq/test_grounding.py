"""The foreign-link check of written answers: URLs, bare domains and e-mail addresses alike."""

from __future__ import annotations

import pytest

from bot.services.faq.grounding import Passage, check_draft, links

PASSAGES = [
    Passage(
        1,
        "faq:billing",
        "Billing",
        "Manage billing at https://www.pottery.example/account/billing. Questions? Write to help@pottery.example.",
    ),
    Passage(2, "faq:kiln", "Kiln", "Book the kiln in the studio calendar, version 2.5 of the app."),
]
RULES = "Answer only from the numbered passages and cite them like [1]."


@pytest.mark.parametrize(
    "draft",
    [
        "Log in at pottery-billing.com/login to update your card [1].",
        "Log in at pottery-billing.com to update your card [1].",
        "For a refund, write to refunds@example.org [1].",
        "Write to mailto:help@pottery.example.evil.org [1].",
        "See www.pottery-example.net/account [1].",
        "Pay at https://pottery.example/account/../phish [1].",
        "Manage it at POTTERY.EXAMPLE/ACCOUNT/OTHER [1].",
        "Also try sub.pottery.example.co [1].",
    ],
)
def test_links_the_passages_do_not_give_are_refused(draft: str) -> None:
    assert check_draft(draft, PASSAGES, RULES).reason == "foreign_link"


@pytest.mark.parametrize(
    "draft",
    [
        "Manage billing at https://www.pottery.example/account/billing [1].",
        "Manage billing at pottery.example/account/billing/ [1].",
        "It's on pottery.example, under Account [1].",
        "Questions? Write to help@pottery.example [1].",
        "Questions? Write to HELP@pottery.example. [1]",
        "Use version 2.5 of the app, e.g. on your phone; notes.md and Node.js are not links [2].",
    ],
)
def test_the_passages_own_addresses_and_non_links_pass(draft: str) -> None:
    assert check_draft(draft, PASSAGES, RULES).ok


def test_links_finds_every_kind_once_normalised() -> None:
    found = links("Go to https://www.A.example/x/, b.example/y or mail c@d.example.")
    assert found == ["c@d.example", "a.example/x", "b.example/y"]
