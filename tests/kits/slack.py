"""Slack fixtures: the fake Web API, the real adapter pointed at it, and signed real-shaped requests."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from bot.app import App
from bot.clock import FakeClock
from bot.events import UserRef
from bot.messages import Header, OutboundMessage, Section
from bot.platforms.slack.adapter import SlackPlatform
from bot.settings import Settings
from bot.testing.fake_slack import FakeSlack
from storage.database import Database
from tests.conftest import make_app

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
TEAM = "T0TEAM"
BOT_USER = "U0MEMBOT"


@dataclass(frozen=True)
class Reply:
    """What Bolt answered Slack."""

    status: int
    body: str


class SlackRequests:
    """Builds and dispatches signed, real-shaped Slack requests into the adapter's Bolt app."""

    def __init__(self, platform: SlackPlatform, fake: FakeSlack, secret: str = SECRET) -> None:
        self.platform = platform
        self.fake = fake
        self.secret = secret
        self._ids = itertools.count(1)

    def headers(
        self, body: str, *, content_type: str, timestamp: int | None = None, secret: str | None = None
    ) -> dict[str, str]:
        ts = str(int(time.time()) if timestamp is None else timestamp)  # Slack verification uses real time
        base = f"v0:{ts}:{body}".encode()
        signature = "v0=" + hmac.new((secret or self.secret).encode(), base, hashlib.sha256).hexdigest()
        return {"content-type": content_type, "x-slack-request-timestamp": ts, "x-slack-signature": signature}

    async def send(self, body: str, headers: dict[str, str]) -> Reply:
        """Into the real Bolt app (`AsyncBoltRequest` + `async_dispatch`, via the adapter)."""
        return Reply(*await self.platform.handle_request(body, headers))

    async def event(
        self, event: dict[str, Any], *, event_id: str | None = None, retry: int | None = None, **signing: Any
    ) -> Reply:
        envelope = {
            "token": "legacy-verification-token",
            "team_id": TEAM,
            "api_app_id": "A0MEMBOT",
            "event": event,
            "type": "event_callback",
            "event_id": event_id or f"Ev{next(self._ids):08d}",
            "event_time": 1790000000,
            "authorizations": [{"team_id": TEAM, "user_id": BOT_USER, "is_bot": True, "is_enterprise_install": False}],
            "is_ext_shared_channel": False,
        }
        body = json.dumps(envelope)
        headers = self.headers(body, content_type="application/json", **signing)
        if retry is not None:
            headers |= {"x-slack-retry-num": str(retry), "x-slack-retry-reason": "http_timeout"}
        return await self.send(body, headers)

    async def command(
        self, command: str, text: str = "", *, user: str = "U0DANA", channel: str = "C0GENERAL"
    ) -> tuple[Reply, str]:
        trigger = f"{next(self._ids)}.42.trig{next(self._ids)}"
        response_name = f"cmd{next(self._ids)}"
        form = {
            "token": "legacy",
            "team_id": TEAM,
            "team_domain": "fake",
            "channel_id": channel,
            "channel_name": "directmessage" if channel.startswith("D") else "general",
            "user_id": user,
            "user_name": "dana",
            "command": command,
            "text": text,
            "api_app_id": "A0MEMBOT",
            "is_enterprise_install": "false",
            "response_url": self.fake.response_url(response_name),
            "trigger_id": trigger,
        }
        body = urlencode(form)
        return await self.send(
            body, self.headers(body, content_type="application/x-www-form-urlencoded")
        ), response_name

    async def interaction(self, payload: dict[str, Any], **signing: Any) -> Reply:
        body = urlencode({"payload": json.dumps(payload)})
        return await self.send(body, self.headers(body, content_type="application/x-www-form-urlencoded", **signing))

    def block_actions(
        self, action: dict[str, Any], *, user: str = "U0DANA", channel: str = "D0DANA", response_name: str = "act1"
    ) -> dict[str, Any]:
        return {
            "type": "block_actions",
            "user": {"id": user, "username": "dana", "name": "dana", "team_id": TEAM},
            "api_app_id": "A0MEMBOT",
            "token": "legacy",
            "container": {
                "type": "message",
                "message_ts": "1790000000.000001",
                "channel_id": channel,
                "is_ephemeral": False,
            },
            "trigger_id": f"{next(self._ids)}.42.trig",
            "team": {"id": TEAM, "domain": "fake"},
            "enterprise": None,
            "is_enterprise_install": False,
            "channel": {"id": channel, "name": "directmessage"},
            "message": {
                "type": "message",
                "user": BOT_USER,
                "ts": "1790000000.000001",
                "bot_id": "B0MEMBOT",
                "text": "hi",
                "team": TEAM,
                "blocks": [],
            },
            "state": {"values": {}},
            "response_url": self.fake.response_url(response_name),
            "actions": [{"block_id": "b1", "action_ts": "1790000001.000100", **action}],
        }

    def view_submission(
        self, callback_id: str, values: dict[str, Any], *, user: str = "U0DANA", private_metadata: str = ""
    ) -> dict[str, Any]:
        return {
            "type": "view_submission",
            "team": {"id": TEAM, "domain": "fake"},
            "user": {"id": user, "username": "dana", "name": "dana", "team_id": TEAM},
            "api_app_id": "A0MEMBOT",
            "token": "legacy",
            "trigger_id": f"{next(self._ids)}.42.trig",
            "view": {
                "id": "V0000001",
                "team_id": TEAM,
                "type": "modal",
                "callback_id": callback_id,
                "private_metadata": private_metadata,
                "state": {"values": values},
                "hash": "1790000000.abc",
                "title": {"type": "plain_text", "text": "Form"},
                "blocks": [],
            },
            "response_urls": [],
            "is_enterprise_install": False,
            "enterprise": None,
        }


def team_join_event(user_id: str = "U0DANA", name: str = "Dana Smith") -> dict[str, Any]:
    return {
        "type": "team_join",
        "user": {
            "id": user_id,
            "team_id": TEAM,
            "name": name.split()[0].lower(),
            "deleted": False,
            "real_name": name,
            "tz": "Europe/Oslo",
            "is_bot": False,
            "is_admin": False,
            "profile": {"real_name": name, "display_name": "", "email": "dana@example.com"},
        },
        "cache_ts": 1790000000,
        "event_ts": "1790000000.000100",
    }


async def home(user: UserRef) -> OutboundMessage:
    return OutboundMessage(
        text="Your home", blocks=(Header("Welcome home"), Section(f"Hi <@{user.user_id}> & friends"))
    )


@pytest.fixture
async def fake_slack() -> AsyncIterator[FakeSlack]:
    fake = await FakeSlack(team_id=TEAM, bot_user_id=BOT_USER, token="xoxb-test").start()
    yield fake
    await fake.stop()


@pytest.fixture
def slack(fake_slack: FakeSlack, clock: FakeClock) -> SlackPlatform:
    return SlackPlatform(
        bot_token="xoxb-test",
        signing_secret=SECRET,
        api_url=fake_slack.base_url,
        http_port=None,
        tier_channels={"inner-circle": ("inner-circle",)},
        home_provider=home,
        process_before_response=True,
        clock=clock,
    )


@pytest.fixture
async def slack_app(
    sqlite_db: Database, settings: Settings, clock: FakeClock, slack: SlackPlatform, community_path: Path
) -> AsyncIterator[App]:
    application = await make_app(sqlite_db, settings, clock, {"slack": slack}, community_path)
    yield application
    await application.stop()


@pytest.fixture
def requests(slack: SlackPlatform, fake_slack: FakeSlack) -> SlackRequests:
    return SlackRequests(slack, fake_slack)
