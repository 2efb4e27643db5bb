"""inbound.py on real-shaped Slack payloads (Events API envelopes, slash commands, interactivity)."""

from __future__ import annotations

from typing import Any

import pytest

from bot.events import (
    ActionClicked,
    CommandInvoked,
    FormSubmitted,
    MemberJoined,
    MemberLeft,
    MessagePosted,
    ReactionAdded,
)
from bot.platforms.slack import inbound
from bot.platforms.slack.commands import COMMANDS, SHORTCUTS, parse_command

BOT = "U0MEMBOT"


def envelope(event: dict[str, Any], event_id: str = "Ev0001") -> dict[str, Any]:
    return {
        "token": "x",
        "team_id": "T0TEAM",
        "api_app_id": "A1",
        "event": event,
        "type": "event_callback",
        "event_id": event_id,
        "event_time": 1790000000,
    }


def test_team_join() -> None:
    event = inbound.event_from_envelope(
        envelope(
            {
                "type": "team_join",
                "user": {
                    "id": "U0DANA",
                    "team_id": "T0TEAM",
                    "name": "dana",
                    "real_name": "Dana Smith",
                    "is_bot": False,
                    "deleted": False,
                    "locale": "en-GB",
                    "profile": {"display_name": "", "real_name": "Dana Smith"},
                },
            }
        )
    )
    assert isinstance(event, MemberJoined)
    assert (event.user.platform, event.user.workspace_id, event.user.user_id) == ("slack", "T0TEAM", "U0DANA")
    assert event.user.display_name == "Dana Smith" and event.user.locale == "en-GB"
    assert event.event_id == "Ev0001"


def test_bots_joining_are_ignored() -> None:
    bot_user = {"type": "team_join", "user": {"id": "U0BOT2", "is_bot": True, "profile": {}}}
    assert inbound.event_from_envelope(envelope(bot_user)) is None
    self_join = {
        "type": "member_joined_channel",
        "user": BOT,
        "channel": "C0WELCOME",
        "channel_type": "C",
        "team": "T0TEAM",
    }
    assert inbound.event_from_envelope(envelope(self_join), bot_user_id=BOT) is None


def test_channel_join_and_leave() -> None:
    joined = inbound.event_from_envelope(
        envelope(
            {
                "type": "member_joined_channel",
                "user": "U0DANA",
                "channel": "G0INNER",
                "channel_type": "G",
                "team": "T0TEAM",
                "inviter": "U0MAYA",
            }
        ),
        bot_user_id=BOT,
    )
    left = inbound.event_from_envelope(
        envelope(
            {
                "type": "member_left_channel",
                "user": "U0DANA",
                "channel": "C0WELCOME",
                "channel_type": "C",
                "team": "T0TEAM",
            }
        )
    )
    assert isinstance(joined, MemberJoined) and joined.channel is not None and joined.channel.channel_id == "G0INNER"
    assert isinstance(left, MemberLeft) and left.channel is not None and not left.channel.is_dm


def test_channel_message_in_a_thread() -> None:
    event = inbound.event_from_envelope(
        envelope(
            {
                "type": "message",
                "channel": "C0GENERAL",
                "user": "U0DANA",
                "text": "Loved it &lt;3 see <https://x.io|x.io> cc <@U0ELI|eli>",
                "ts": "1790000000.000200",
                "thread_ts": "1790000000.000100",
                "channel_type": "channel",
                "team": "T0TEAM",
            }
        ),
        bot_user_id=BOT,
    )
    assert isinstance(event, MessagePosted)
    assert event.text == "Loved it <3 see x.io cc @eli"
    assert event.channel is not None and event.channel.thread_id == "1790000000.000100" and not event.channel.is_dm
    assert event.message_id == "1790000000.000200" and not event.mentions_bot


@pytest.mark.parametrize(
    "event",
    [
        {
            "type": "message",
            "subtype": "message_changed",
            "channel": "C1",
            "hidden": True,
            "message": {"text": "x"},
            "ts": "1.1",
        },
        {"type": "message", "subtype": "message_deleted", "channel": "C1", "hidden": True, "ts": "1.2"},
        {
            "type": "message",
            "subtype": "channel_join",
            "channel": "C1",
            "user": "U0DANA",
            "text": "<@U0DANA> has joined",
            "ts": "1.3",
        },
        {"type": "message", "subtype": "bot_message", "channel": "C1", "bot_id": "B9", "text": "beep", "ts": "1.4"},
        {"type": "message", "channel": "C1", "user": "U0OTHERBOT", "bot_id": "B9", "text": "beep", "ts": "1.5"},
        {"type": "message", "channel": "C1", "user": BOT, "text": "my own", "ts": "1.6"},
    ],
)
def test_edits_deletions_joins_and_bots_are_not_messages(event: dict[str, Any]) -> None:
    assert inbound.event_from_envelope(envelope(event), bot_user_id=BOT) is None


def test_mention_becomes_one_event_from_app_mention() -> None:
    text = f"<@{BOT}> how do I price a workshop?"
    message = {
        "type": "message",
        "channel": "C0GENERAL",
        "user": "U0DANA",
        "text": text,
        "ts": "1.7",
        "channel_type": "channel",
    }
    mention = {"type": "app_mention", "channel": "C0GENERAL", "user": "U0DANA", "text": text, "ts": "1.7"}
    assert inbound.event_from_envelope(envelope(message), bot_user_id=BOT) is None  # not twice
    event = inbound.event_from_envelope(envelope(mention), bot_user_id=BOT)
    assert isinstance(event, MessagePosted) and event.mentions_bot
    assert event.text == "how do I price a workshop?"


def test_dm_to_the_bot() -> None:
    event = inbound.event_from_envelope(
        envelope(
            {
                "type": "message",
                "channel": "D0DANA",
                "user": "U0DANA",
                "text": "hello",
                "ts": "1.8",
                "channel_type": "im",
            }
        ),
        bot_user_id=BOT,
    )
    assert isinstance(event, MessagePosted) and event.channel is not None and event.channel.is_dm


def test_reaction_added() -> None:
    event = inbound.event_from_envelope(
        envelope(
            {
                "type": "reaction_added",
                "user": "U0DANA",
                "reaction": "tada",
                "item_user": BOT,
                "item": {"type": "message", "channel": "C0DROPS", "ts": "1790000000.000300"},
                "event_ts": "1790000001.000100",
            }
        )
    )
    assert isinstance(event, ReactionAdded)
    assert (event.emoji, event.message_id, event.channel.channel_id if event.channel else None) == (
        "tada",
        "1790000000.000300",
        "C0DROPS",
    )
    file_reaction = {
        "type": "reaction_added",
        "user": "U0DANA",
        "reaction": "+1",
        "item": {"type": "file", "file": "F1"},
    }
    assert inbound.event_from_envelope(envelope(file_reaction)) is None


def test_unknown_events_are_ignored() -> None:
    assert (
        inbound.event_from_envelope(envelope({"type": "channel_rename", "channel": {"id": "C1", "name": "x"}})) is None
    )


def test_home_opened_only_for_the_home_tab() -> None:
    home = envelope({"type": "app_home_opened", "user": "U0DANA", "channel": "D0DANA", "tab": "home"})
    messages = envelope({"type": "app_home_opened", "user": "U0DANA", "channel": "D0DANA", "tab": "messages"})
    user = inbound.home_opened(home)
    assert user is not None and user.user_id == "U0DANA" and user.workspace_id == "T0TEAM"
    assert inbound.home_opened(messages) is None


def test_slash_commands() -> None:
    body = {
        "team_id": "T0TEAM",
        "channel_id": "C0GENERAL",
        "channel_name": "general",
        "user_id": "U0DANA",
        "user_name": "dana",
        "command": "/membot",
        "text": "Library  pricing tips ",
        "response_url": "https://hooks.slack.com/commands/1/2/3",
        "trigger_id": "13345224609.738474920.8088930838d88f008e0",
    }
    event = inbound.command_event(body)
    assert isinstance(event, CommandInvoked)
    assert (event.name, event.args) == ("library", "pricing tips")
    assert event.event_id == "13345224609.738474920.8088930838d88f008e0"
    assert inbound.command_event({**body, "command": "/ask", "text": "How?"}).name == "ask"
    assert inbound.command_event({**body, "text": ""}).name == "help"


def test_shortcuts_and_commands_share_one_list() -> None:
    assert set(SHORTCUTS) <= set(COMMANDS)
    assert not set(SHORTCUTS) & {
        "join",
        "invite",
        "me",
        "feedback",
        "remind",
        "status",
        "leave",
        "msg",
    }  # Slack built-ins
    assert parse_command("/membot", "my-data") == ("my-data", "")
    assert parse_command("/next", "") == ("next", "")


def test_block_actions_button_and_select() -> None:
    body = {
        "type": "block_actions",
        "user": {"id": "U0DANA", "username": "dana", "name": "dana", "team_id": "T0TEAM"},
        "container": {
            "type": "message",
            "message_ts": "1790000000.000001",
            "channel_id": "C0LIVE",
            "is_ephemeral": False,
            "thread_ts": "1790000000.000000",
        },
        "trigger_id": "1388105719492.1379717998065.9bc1",
        "team": {"id": "T0TEAM", "domain": "fake"},
        "channel": {"id": "C0LIVE", "name": "live"},
        "response_url": "https://hooks.slack.com/actions/T0TEAM/1/2",
        "actions": [
            {
                "type": "button",
                "action_id": "qa.rsvp:42~2",
                "block_id": "x",
                "value": "yes",
                "action_ts": "1790000001.1",
            },
            {
                "type": "static_select",
                "action_id": "prefs.level",
                "block_id": "y",
                "selected_option": {"text": {"type": "plain_text", "text": "3"}, "value": "3"},
                "action_ts": "1790000001.2",
            },
            {
                "type": "button",
                "action_id": "membot-link-0",
                "block_id": "z",
                "url": "https://x.io",
                "action_ts": "1790000001.3",
            },
        ],
    }
    clicked = inbound.action_events(body)
    assert [(e.action_id, e.value) for e in clicked] == [("qa.rsvp:42", "yes"), ("prefs.level", "3")]
    assert all(isinstance(e, ActionClicked) for e in clicked)
    assert clicked[0].channel is not None and clicked[0].channel.thread_id == "1790000000.000000"
    assert len({e.event_id for e in clicked}) == 2


def test_view_submission() -> None:
    body = {
        "type": "view_submission",
        "team": {"id": "T0TEAM", "domain": "fake"},
        "user": {"id": "U0DANA", "username": "dana", "name": "dana", "team_id": "T0TEAM"},
        "trigger_id": "12466734323.1395872398.1",
        "view": {
            "id": "VNHU13V36",
            "type": "modal",
            "callback_id": "prefs",
            "private_metadata": "",
            "state": {
                "values": {
                    "goal": {"goal": {"type": "plain_text_input", "value": "Ship it"}},
                    "level": {
                        "level": {
                            "type": "static_select",
                            "selected_option": {"text": {"type": "plain_text", "text": "Two"}, "value": "2"},
                        }
                    },
                    "hours": {"hours": {"type": "number_input", "value": "4"}},
                    "notes": {"notes": {"type": "plain_text_input", "value": None}},
                    "pick": {"pick": {"type": "static_select", "selected_option": None}},
                }
            },
        },
    }
    event = inbound.form_event(body)
    assert isinstance(event, FormSubmitted) and event.form_id == "prefs"
    assert dict(event.values) == {"goal": "Ship it", "level": "2", "hours": "4", "notes": "", "pick": ""}
    assert inbound.form_event({**body, "type": "view_closed"}) is None
