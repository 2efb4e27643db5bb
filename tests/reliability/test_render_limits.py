"""Whatever a message holds (member-provided text, huge sections, too many fields or buttons), both
renderers produce a payload the platform accepts and that cannot ping @everyone, @here or a channel."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.messages import (
    Button,
    Buttons,
    Context,
    Divider,
    Fields,
    Header,
    OutboundMessage,
    Section,
    Target,
    text_message,
)
from bot.platforms.discord import render as discord_render
from bot.platforms.discord.adapter import DiscordPlatform
from bot.platforms.slack import render as slack_render
from bot.testing.fake_discord import GUILD_ID, FakeDiscord
from tests.kits.discord import Recorder

MENTIONS = [
    "@everyone",
    "@here",
    "<!channel>",
    "<!here>",
    "<!everyone>",
    "<@U0ADMIN>",
    "<#C0GENERAL>",
    "<!subteam^S0ALL>",
    "<@&123456789012345678>",
    "<@123456789012345678>",
    "<!date^1|x>",
]
MEMBER_TEXT = st.lists(
    st.sampled_from(MENTIONS) | st.text(max_size=60) | st.sampled_from(["*", "_", "`", "\n", "&", "<", ">"]),
    max_size=12,
).map("".join)
LONG = st.integers(0, 9000).map(lambda n: ("word " * (n // 5 + 1))[:n]) | MEMBER_TEXT
ACTION = st.sampled_from(["library.open:3", "qa.rsvp:42", "poll.vote:1", "content.next"])
BUTTON = st.builds(Button, label=LONG, action_id=ACTION, value=st.sampled_from(["", "1", "week-3"]))
BLOCK = st.one_of(
    st.builds(Header, LONG),
    st.builds(Section, LONG),
    st.builds(Context, LONG),
    st.just(Divider()),
    st.builds(Fields, st.lists(st.tuples(LONG, LONG), max_size=30).map(tuple)),
    st.builds(Buttons, st.lists(BUTTON, max_size=30).map(tuple)),
)
MESSAGES = st.builds(OutboundMessage, text=LONG, blocks=st.lists(BLOCK, max_size=70).map(tuple))
# What Slack would turn into a ping or a link to someone: `<!...>`, `<@...>`, `<#...>`.
SLACK_SPECIAL = re.compile(r"<[!@#]")


def _mrkdwn_texts(blocks: list[dict]) -> list[str]:
    found = []
    for block in blocks:
        if block["type"] == "section":
            if "text" in block:
                found.append(block["text"]["text"])
            found.extend(f["text"] for f in block.get("fields", []))
        elif block["type"] == "context":
            found.extend(e["text"] for e in block["elements"])
    return found


@settings(max_examples=60, deadline=None)
@given(message=MESSAGES)
def test_slack_payloads_fit_block_kit_and_never_ping(message: OutboundMessage) -> None:
    payload = slack_render.render_message(message)
    blocks = payload["blocks"]
    assert len(payload["text"]) <= slack_render.FALLBACK_TEXT
    assert len(blocks) <= slack_render.MAX_MESSAGE_BLOCKS
    for block in blocks:
        if block["type"] == "header":
            assert 0 < len(block["text"]["text"]) <= slack_render.HEADER_TEXT
        elif block["type"] == "section":
            assert "text" in block or 0 < len(block["fields"]) <= slack_render.FIELDS_PER_SECTION
            if "text" in block:
                assert 0 < len(block["text"]["text"]) <= slack_render.SECTION_TEXT
            assert all(len(f["text"]) <= slack_render.FIELD_TEXT for f in block.get("fields", []))
        elif block["type"] == "actions":
            assert 0 < len(block["elements"]) <= slack_render.ELEMENTS_PER_ACTIONS
            assert all(len(e["text"]["text"]) <= slack_render.BUTTON_TEXT for e in block["elements"])
    ids = slack_render.action_ids_in(blocks)
    assert len(ids) == len(set(ids))  # Slack rejects repeated action ids in one message
    for text in [payload["text"], *_mrkdwn_texts(blocks)]:
        assert not SLACK_SPECIAL.search(text.replace("<https://", "").replace("<mailto:", "")), text


def _embed_total(embed: dict) -> int:
    return (
        len(embed.get("title", ""))
        + len(embed.get("description", ""))
        + len(embed.get("footer", {}).get("text", ""))
        + sum(len(f["name"]) + len(f["value"]) for f in embed.get("fields", []))
    )


@settings(max_examples=60, deadline=None)
@given(message=MESSAGES, prefix=st.sampled_from(["", "<@&1> <@&2> "]))
def test_discord_payloads_fit_the_limits(message: OutboundMessage, prefix: str) -> None:
    rendered = discord_render.render_message(message, prefix=prefix)
    if rendered.content is not None:
        assert len(rendered.content) <= discord_render.CONTENT_LIMIT
    if rendered.embed is not None:
        embed = rendered.embed.to_dict()
        assert _embed_total(embed) <= discord_render.EMBED_TOTAL_LIMIT, _embed_total(embed)
        assert len(embed.get("description", "")) <= discord_render.DESCRIPTION_LIMIT
        assert len(embed.get("title", "")) <= discord_render.TITLE_LIMIT
        assert len(embed.get("fields", [])) <= discord_render.FIELDS_PER_EMBED
        assert all(
            f["name"] and f["value"] and len(f["value"]) <= discord_render.FIELD_VALUE_LIMIT
            for f in embed.get("fields", [])
        )
    if rendered.view is not None:
        rows = rendered.view.to_components()
        assert len(rows) <= discord_render.ROWS
        assert all(len(row["components"]) <= discord_render.BUTTONS_PER_ROW for row in rows)
        custom_ids = [c["custom_id"] for row in rows for c in row["components"] if "custom_id" in c]
        assert len(custom_ids) == len(set(custom_ids))


def test_a_huge_member_list_embed_stays_under_6000_characters() -> None:
    """Found by the property above: 25 long fields made a 34,000-character embed Discord would refuse."""
    fields = tuple((f"Member {n} " * 20, "A long answer " * 100) for n in range(30))
    message = OutboundMessage(
        "Members", (Header("Members"), Fields(fields), Section("Notes " * 1000), Context("Footer " * 500))
    )
    embed = discord_render.render_message(message).embed
    assert embed is not None and _embed_total(embed.to_dict()) <= 6000
    assert embed.description  # the text keeps a fair share


async def test_discord_sends_member_text_without_pinging_anyone(
    started: tuple[DiscordPlatform, Recorder], fake: FakeDiscord
) -> None:
    adapter, _ = started
    text = "@everyone @here <@&123456789012345678> <@123456789012345678> hi"
    await adapter.send(Target("discord", GUILD_ID, user_id="940000000000000001"), text_message(text))
    await adapter.send(Target("discord", GUILD_ID, channel="welcome"), text_message(text))
    await adapter.send(Target("discord", GUILD_ID, channel="drops"), text_message(text))
    posts = fake.requests("POST", r"/channels/\d+/messages")
    assert len(posts) == 3
    for post in posts:
        allowed = post.body["allowed_mentions"]
        assert "everyone" not in allowed.get("parse", []) and "users" not in allowed.get("parse", [])
        assert not allowed.get("users")
    member_role_ids = {r["id"] for r in fake.roles if r["name"] in ("Member", "Inner Circle")}
    assert {
        str(r) for r in posts[2].body["allowed_mentions"].get("roles", [])
    } <= member_role_ids  # only the tier roles
