"""Real-shaped gateway payloads, parsed by discord.py's own parsers, -> neutral events."""

from __future__ import annotations

from typing import Any

import discord
import pytest

from bot.events import MemberJoined
from bot.platforms.discord import inbound
from bot.testing.fake_discord import BOT_USER_ID, GUILD_ID

from . import payloads

GUILD = int(GUILD_ID)
BOT = int(BOT_USER_ID)


class Parsed:
    """discord.py's ConnectionState with one guild cached; records what its parsers dispatch."""

    def __init__(self) -> None:
        self.client = discord.Client(intents=discord.Intents.all())
        self.state = self.client._connection
        self.dispatched: list[tuple[str, tuple[Any, ...]]] = []
        self.state.dispatch = lambda name, *args: self.dispatched.append((name, args))  # type: ignore[method-assign]
        self.state._add_guild_from_data(payloads.guild())  # type: ignore[arg-type]

    def feed(self, event: str, data: dict[str, Any]) -> tuple[Any, ...]:
        self.dispatched.clear()
        getattr(self.state, f"parse_{event}")(data)
        return self.dispatched[-1][1]


@pytest.fixture
def gw() -> Parsed:
    return Parsed()


def test_join_while_screening_is_pending_then_joins_when_screening_passes(gw: Parsed) -> None:
    (member,) = gw.feed(
        "guild_member_add", payloads.member("940000000000000001", "dana", pending=True, global_name="Dana Smith")
    )
    pending = inbound.member_joined(member, GUILD)
    assert isinstance(pending, MemberJoined) and pending.pending
    assert (pending.user.platform, pending.user.workspace_id, pending.user.user_id, pending.user.display_name) == (
        "discord",
        GUILD_ID,
        "940000000000000001",
        "Dana Smith",
    )

    before, after = gw.feed("guild_member_update", payloads.member("940000000000000001", "dana", pending=False))
    joined = inbound.member_screened(before, after, GUILD)
    assert joined is not None and joined.pending is False
    assert joined.event_id != pending.event_id  # the router must not drop it as a repeat


def test_updates_that_are_not_screening_do_not_join(gw: Parsed) -> None:
    gw.feed("guild_member_add", payloads.member("940000000000000002", "eli"))
    before, after = gw.feed("guild_member_update", payloads.member("940000000000000002", "eli", nick="Eli"))
    assert inbound.member_screened(before, after, GUILD) is None


def test_bots_and_other_guilds_are_ignored(gw: Parsed) -> None:
    (bot,) = gw.feed("guild_member_add", payloads.member("940000000000000003", "otherbot", bot=True))
    assert inbound.member_joined(bot, GUILD) is None
    (member,) = gw.feed("guild_member_add", payloads.member("940000000000000004", "fay"))
    assert inbound.member_joined(member, GUILD + 1) is None


def test_member_remove(gw: Parsed) -> None:
    (raw,) = gw.feed(
        "guild_member_remove", {"guild_id": GUILD_ID, "user": payloads.member("940000000000000005", "gus")["user"]}
    )
    left = inbound.member_left(raw, GUILD)
    assert left is not None and left.user.user_id == "940000000000000005"


def test_guild_message_without_message_content_intent_still_counts_as_activity(gw: Parsed) -> None:
    (message,) = gw.feed("message_create", payloads.message("940000000000000001", ""))
    event = inbound.message_posted(message, GUILD, BOT)
    assert event is not None
    assert (event.text, event.mentions_bot, event.channel.is_dm, event.channel.channel_id) == (
        "",
        False,
        False,
        payloads.GENERAL_ID,
    )


def test_mention_of_the_bot_is_stripped_and_flagged(gw: Parsed) -> None:
    data = payloads.message(
        "940000000000000001",
        f"<@{BOT_USER_ID}> how do I price?",
        mentions=[payloads.member(BOT_USER_ID, "membot", bot=True, guild_id=None)["user"]],
    )
    (message,) = gw.feed("message_create", data)
    event = inbound.message_posted(message, GUILD, BOT)
    assert (event.text, event.mentions_bot) == ("how do I price?", True)


def test_dm_and_thread_messages(gw: Parsed) -> None:
    (dm,) = gw.feed(
        "message_create", payloads.message("940000000000000001", "hi", channel_id=payloads.DM_CHANNEL_ID, guild_id=None)
    )
    event = inbound.message_posted(dm, GUILD, BOT)
    assert event.channel.is_dm and event.mentions_bot and event.user.workspace_id == GUILD_ID
    (threaded,) = gw.feed(
        "message_create", payloads.message("940000000000000001", "hello", channel_id=payloads.THREAD_ID)
    )
    event = inbound.message_posted(threaded, GUILD, BOT)
    assert (event.channel.channel_id, event.channel.thread_id) == (payloads.GENERAL_ID, payloads.THREAD_ID)


def test_bot_messages_are_ignored(gw: Parsed) -> None:
    (message,) = gw.feed("message_create", payloads.message(BOT_USER_ID, "drop!", bot=True))
    assert inbound.message_posted(message, GUILD, BOT) is None


@pytest.mark.parametrize(
    ("emoji", "expected"),
    [
        ({"id": None, "name": "🔥"}, "🔥"),
        ({"id": "950000000000000001", "name": "strategy", "animated": False}, "strategy"),
    ],
)
def test_reactions(gw: Parsed, emoji: dict[str, Any], expected: str) -> None:
    (raw,) = gw.feed("message_reaction_add", payloads.reaction("940000000000000001", "960000000000000001", emoji))
    event = inbound.reaction_added(raw, GUILD, BOT)
    assert event is not None and (event.emoji, event.message_id) == (expected, "960000000000000001")


def test_own_reactions_are_ignored(gw: Parsed) -> None:
    (raw,) = gw.feed(
        "message_reaction_add", payloads.reaction(BOT_USER_ID, "960000000000000001", {"id": None, "name": "✅"})
    )
    assert inbound.reaction_added(raw, GUILD, BOT) is None


def test_form_values_from_labels_and_legacy_rows() -> None:
    components = [
        {"type": 18, "id": 1, "component": {"type": 4, "id": 2, "custom_id": "question", "value": "How?"}},
        {"type": 18, "id": 3, "component": {"type": 3, "id": 4, "custom_id": "topic", "values": ["pricing"]}},
        {"type": 1, "components": [{"type": 4, "custom_id": "note", "value": ""}]},
    ]
    assert inbound.form_values(components) == {"question": "How?", "topic": "pricing", "note": ""}


@pytest.mark.parametrize(
    ("raw", "ours"),
    [("en-US", "en"), ("no", "nb"), ("zh-TW", "zh"), ("da", "da"), (discord.Locale.dutch, "nl"), (None, None)],
)
def test_locales(raw: object, ours: str | None) -> None:
    assert inbound.locale_of(raw) == ours
