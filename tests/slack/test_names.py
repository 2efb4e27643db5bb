"""People are named as Slack shows them, though most Slack events carry only a user id.

Found as an outsider: a member whose first event was a channel join (which Slack may deliver
before `team_join`) or a DM was welcomed as "Welcome to Strategy Club, U0EVE36!", and the
creator's DMs named them by that id for good.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.app import App
from bot.events import Event
from bot.platforms.slack.adapter import SlackPlatform
from bot.ports import Ack
from bot.testing.fake_slack import FakeSlack, FakeUser
from storage.repositories import members
from tests.kits.slack import SECRET, TEAM, SlackRequests, team_join_event


@pytest.fixture
async def seen(fake_slack: FakeSlack) -> AsyncIterator[tuple[SlackRequests, list[Event]]]:
    platform = SlackPlatform(
        bot_token="xoxb-test",
        signing_secret=SECRET,
        api_url=fake_slack.base_url,
        http_port=None,
        process_before_response=True,
    )
    events: list[Event] = []

    async def dispatch(event: Event, *, ack: Ack | None = None) -> None:
        if ack is not None:
            await ack()
        events.append(event)

    await platform.start(dispatch)
    yield SlackRequests(platform, fake_slack), events
    await platform.stop()


def joined_channel(user: str) -> dict[str, str]:
    return {"type": "member_joined_channel", "user": user, "channel": "C0GENERAL", "channel_type": "C", "team": TEAM}


def dm(user: str, text: str) -> dict[str, str]:
    return {"type": "message", "user": user, "text": text, "channel": "D0EVE", "channel_type": "im", "ts": "1.1"}


async def test_events_without_a_name_get_the_profile_name_once_an_hour(
    seen: tuple[SlackRequests, list[Event]], fake_slack: FakeSlack
) -> None:
    requests, events = seen
    fake_slack.users["U0EVE"] = FakeUser("U0EVE", "eve", real_name="Eve Adams", display_name="Eve")
    await requests.event(joined_channel("U0EVE"))
    await requests.event(dm("U0EVE", "hi"))
    await requests.event(dm("U0NOBODY", "hi"))  # Slack doesn't know them: the event still arrives
    await requests.event(dm("U0NOBODY", "again"))  # nor asked again within the hour
    assert [e.user.display_name for e in events] == ["Eve", "Eve", None, None]
    assert [c.params["user"] for c in fake_slack.calls_to("users.info", ok_only=False)] == ["U0EVE", "U0NOBODY"]


async def test_a_member_first_seen_by_id_gets_their_name_when_an_event_carries_it(
    slack_app: App, requests: SlackRequests, fake_slack: FakeSlack
) -> None:
    await requests.event(joined_channel("U0DANA"))  # not in the fake's directory: only the id is known
    await slack_app.settle()
    await requests.event(team_join_event("U0DANA", "Dana Smith"))
    await slack_app.settle()
    async with slack_app.database.session() as session:
        member = await members.by_identity(session, "slack", TEAM, "U0DANA")
    assert member is not None and member.display_name == "Dana Smith"
