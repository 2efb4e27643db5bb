"""A member's text shown to the creator can't carry a link hidden behind a label.

Found as an outsider: a member typed ``<https://…|Stripe: your payout is on hold, verify here>``
into a question, and the creator's DM on Slack showed it as a real link with that label, in a
message from the creator's own bot. Markdown's ``[label](url)`` did the same on both platforms.
"""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select

from bot.app import App
from bot.i18n import Catalog
from bot.messages import OutboundMessage
from bot.platforms.discord.render import render_embed, render_message
from bot.platforms.memory import MemoryPlatform
from bot.platforms.slack.render import render_message as slack_render
from bot.settings import REPO_ROOT
from bot.untrusted import Trusted, inert, quoted
from storage.models import FaqQuestion

EVIL = "https://evil.example/login"
SHAPES = (f"<{EVIL}|Stripe: verify your payout here>", f"[Stripe: verify your payout here]({EVIL})")
# Slack makes a link of <url|label>, Discord of [label](url); either with our host means a disguised link.
SLACK_LINK = re.compile(r"<https://evil\.example[^>]*\|")
DISCORD_LINK = re.compile(r"\]\(https://evil\.example")


def slack_text(message: OutboundMessage) -> str:
    return json.dumps(slack_render(message), ensure_ascii=False)


def discord_text(message: OutboundMessage) -> str:
    """What Discord shows: the content, or the embed the message becomes."""
    rendered = render_message(message)
    return (rendered.content or "") + json.dumps(render_embed(message).to_dict(), ensure_ascii=False)


@pytest.mark.parametrize("shape", SHAPES)
async def test_a_question_forwarded_to_the_creator_shows_no_disguised_link(
    app: App, memory: MemoryPlatform, shape: str
) -> None:
    await memory.command("creator", "help")
    await memory.command("alice", "ask", f"{shape} zqxj wvut?")
    async with app.database.session() as session:
        [row] = (await session.scalars(select(FaqQuestion))).all()
    await memory.click("alice", f"faq.forward:{row.id}")
    await app.settle()
    inbox = await memory.command("creator", "faq", "inbox")
    shown = [*memory.dms_to("creator"), *(m for m, _ in inbox.replies)]
    assert shown
    for message in shown:
        slack, discord = slack_text(message), discord_text(message)
        assert "evil.example" in slack + discord  # the text is shown ...
        assert not SLACK_LINK.search(slack) and not DISCORD_LINK.search(slack)  # ... but not as a link
        assert not DISCORD_LINK.search(discord) and not SLACK_LINK.search(discord)


@pytest.mark.parametrize("shape", SHAPES)
async def test_a_display_name_shaped_like_a_link_stays_text(app: App, memory: MemoryPlatform, shape: str) -> None:
    await memory.command("creator", "help")
    await memory.join("mallory", shape)
    await app.settle()
    for message in memory.sent:
        rendered = slack_text(message.message) + discord_text(message.message)
        assert not SLACK_LINK.search(rendered) and not DISCORD_LINK.search(rendered)


def test_templates_make_values_inert_but_keep_trusted_content() -> None:
    t = Catalog.load(REPO_ROOT / "prompts").for_locale("en")
    plain = t("faq.notice.header", name=SHAPES[1])
    assert "](" not in plain and "Stripe: verify your payout here" in plain
    kept = t("next.line", when="Tue", title="Week 1", kind="video", teaser=Trusted(f"[Watch]({EVIL})"))
    assert f"[Watch]({EVIL})" in kept


@pytest.mark.parametrize("text", [*SHAPES, "a < b <3", "no links here", "", "line one\n<https://x.y|z>"])
def test_inert_is_idempotent_and_only_adds_invisible_characters(text: str) -> None:
    once = inert(text)
    assert inert(once) == once
    assert once.replace("\u200b", "") == text
    assert quoted(text).replace("\u200b", "").replace("> ", "") == text
