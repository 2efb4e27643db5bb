"""Markdown to Slack mrkdwn: golden files side by side (tests/slack/golden/NAME.md -> NAME.mrkdwn, as the
section text Slack receives), and what member text can never become."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.messages import OutboundMessage, Section
from bot.platforms.slack.mrkdwn import to_mrkdwn
from bot.platforms.slack.render import render_blocks, render_message

GOLDEN = Path(__file__).parent / "golden"
CASES = sorted(p.stem for p in GOLDEN.glob("*.md"))


def test_every_golden_input_has_its_expected_output() -> None:
    assert len(CASES) >= 3
    assert sorted(p.stem for p in GOLDEN.glob("*.mrkdwn")) == CASES


@pytest.mark.parametrize("name", CASES)
def test_golden(name: str) -> None:
    source = (GOLDEN / f"{name}.md").read_text()
    expected = (GOLDEN / f"{name}.mrkdwn").read_text().strip()
    [block] = render_blocks((Section(source),))
    assert block["text"]["text"] == expected


def test_the_notification_fallback_is_converted_too() -> None:
    rendered = render_message(OutboundMessage(text="**New:** [Pricing](https://example.com/p)"))
    assert rendered["text"] == "*New:* <https://example.com/p|Pricing>"


def test_headings_lists_and_links_one_by_one() -> None:
    assert to_mrkdwn("### A **bold** heading ###") == "*A bold heading*"
    assert to_mrkdwn("+ plus item") == "• plus item"
    assert to_mrkdwn("![chart](https://example.com/c.png)") == "<https://example.com/c.png|chart>"
    assert to_mrkdwn("[](https://example.com)") == "<https://example.com>"
    assert to_mrkdwn("[wiki](https://en.wikipedia.org/wiki/Price_(economics))") == (
        "<https://en.wikipedia.org/wiki/Price_(economics)|wiki>"
    )
    assert to_mrkdwn("~~~\n# kept\n~~~") == "```\n# kept\n```"
    assert to_mrkdwn("#general is a channel") == "#general is a channel"


@given(st.text(alphabet=st.sampled_from(list("<>!&@#|:/[]()*_~` -\nabchtps.")), max_size=120))
def test_no_mention_or_special_link_survives_markdown(text: str) -> None:
    for block in render_blocks((Section(text),)):
        rendered = block["text"]["text"]
        assert "<!" not in rendered and "<@" not in rendered and "<#" not in rendered
