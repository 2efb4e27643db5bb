"""Signed requests of shapes Slack never sends get a clean answer, never a 500 or a traceback.

Found as an outsider (each needs the signing secret, so only a leaked secret or a Slack bug
would send them): a command whose text is null answered 500; a message with null text or a
channel join with a null channel logged a traceback; a DM with a lone surrogate ("\\ud800")
reached the database and the member got "Sorry, something went wrong".
"""

from __future__ import annotations

import json
import logging

import pytest

from bot.app import App
from bot.testing.fake_slack import FakeSlack
from tests.kits.slack import TEAM, SlackRequests


def command_json(text: object) -> str:
    return json.dumps(
        {"command": "/membot", "user_id": "U0DANA", "team_id": TEAM, "channel_id": "D0DANA", "text": text}
    )


@pytest.mark.parametrize(
    "event",
    [
        {"type": "message", "user": "U0DANA", "text": None, "channel": "D0DANA", "channel_type": "im", "ts": "1.1"},
        {"type": "member_joined_channel", "user": "U0DANA", "channel": None, "channel_type": None},
        {
            "type": "message",
            "user": "U0DANA",
            "text": "hi \ud800 there",
            "channel": "D0DANA",
            "channel_type": "im",
            "ts": "1.2",
        },
    ],
)
async def test_odd_events_are_answered_without_a_traceback(
    slack_app: App, requests: SlackRequests, event: dict[str, object], caplog: pytest.LogCaptureFixture
) -> None:
    reply = await requests.event(event)
    await slack_app.settle()
    assert reply.status == 200
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]


async def test_a_lone_surrogate_in_a_dm_is_answered_not_sorry(
    slack_app: App, requests: SlackRequests, fake_slack: FakeSlack
) -> None:
    await requests.event(
        {
            "type": "message",
            "user": "U0DANA",
            "text": "how do I pause \ud800?",
            "channel": "D0DANA",
            "channel_type": "im",
            "ts": "1.3",
        }
    )
    await slack_app.settle()
    said = " ".join(str(c.params.get("text", "")) for c in fake_slack.calls_to("chat.postMessage"))
    assert said and "went wrong" not in said


async def test_a_command_with_null_text_is_not_a_500(
    slack_app: App, requests: SlackRequests, caplog: pytest.LogCaptureFixture
) -> None:
    body = command_json(None)
    reply = await requests.send(body, requests.headers(body, content_type="application/json"))
    assert reply.status < 500
    assert not [r for r in caplog.records if r.exc_info]
