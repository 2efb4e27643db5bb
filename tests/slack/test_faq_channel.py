"""`channels.faq` by name on Slack: the adapter knows the channel's id from its name (as it does for drops and
announcements), so a question posted in #ask-maya is answered in its thread, not only when given as an id."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.app import App
from bot.clock import FakeClock
from bot.community.loader import load_community
from bot.events import ChannelRef, MessagePosted, UserRef
from bot.platforms.slack.adapter import SlackPlatform, create_slack_platform
from bot.settings import Settings
from bot.testing.fake_slack import FakeSlack
from storage.database import Database
from tests.conftest import make_app
from tests.kits.slack import SECRET, TEAM, SlackRequests, home, team_join_event

ASK = "C0ASKMAYA"


@pytest.fixture
def faq_slack(fake_slack: FakeSlack, clock: FakeClock) -> SlackPlatform:
    fake_slack.channels["ask-maya"] = ASK
    return SlackPlatform(
        bot_token="xoxb-test",
        signing_secret=SECRET,
        api_url=fake_slack.base_url,
        http_port=None,
        home_provider=home,
        process_before_response=True,
        clock=clock,
        faq_channel="ask-maya",  # as the sample's community.toml names it
    )


@pytest.fixture
async def faq_app(
    sqlite_db: Database, settings: Settings, clock: FakeClock, faq_slack: SlackPlatform, community_path: Path
) -> AsyncIterator[App]:
    application = await make_app(sqlite_db, settings, clock, {"slack": faq_slack}, community_path)
    yield application
    await application.stop()


def message(channel: str, text: str, ts: str) -> dict[str, object]:
    return {"type": "message", "channel": channel, "user": "U0DANA", "text": text, "ts": ts, "channel_type": "channel"}


async def test_a_question_in_the_named_faq_channel_is_answered_in_its_thread(
    faq_app: App, faq_slack: SlackPlatform, fake_slack: FakeSlack
) -> None:
    requests = SlackRequests(faq_slack, fake_slack)
    await requests.event(team_join_event())
    await faq_app.settle()
    await requests.event(message(ASK, "How do I cancel my membership?", "1790000000.000700"))
    await requests.event(message("C0GENERAL", "How do I cancel my membership?", "1790000000.000800"))
    await faq_app.settle()
    answers = [c.params for c in fake_slack.calls_to("chat.postMessage") if c.params["channel"] == ASK]
    assert len(answers) == 1 and answers[0]["thread_ts"] == "1790000000.000700"
    assert "cancel" in answers[0]["text"].lower()
    assert not [c for c in fake_slack.calls_to("chat.postMessage") if c.params["channel"] == "C0GENERAL"]


async def test_the_factory_takes_the_faq_channel_from_community_toml(community_path: Path, settings: Settings) -> None:
    settings = settings.model_copy(update={"slack_bot_token": "xoxb-test", "slack_signing_secret": SECRET})
    platform = create_slack_platform(settings, load_community(community_path))
    assert platform._faq_channel == "ask-maya"


async def test_a_faq_channel_slack_lacks_is_looked_for_again_only_every_ten_minutes(
    faq_slack: SlackPlatform, fake_slack: FakeSlack, clock: FakeClock
) -> None:
    del fake_slack.channels["ask-maya"]
    directory = faq_slack.directory
    posted = MessagePosted(
        user=UserRef("slack", TEAM, "U0DANA"), channel=ChannelRef("slack", TEAM, ASK), text="hi", message_id="1.2"
    )
    for _ in range(5):
        assert await directory.named(posted, "ask-maya") == posted  # not the FAQ channel: unchanged
    assert len(fake_slack.calls_to("conversations.list")) == 1
    fake_slack.channels["ask-maya"] = ASK  # the creator makes the channel
    clock.advance(timedelta(minutes=10))
    named = await directory.named(posted, "#ask-maya")
    assert named.channel is not None and named.channel.channel_id == "#ask-maya"
    assert len(fake_slack.calls_to("conversations.list")) == 2
    # An id in community.toml needs no lookup; a DM is never the FAQ channel.
    assert await directory.is_channel(ASK, ASK) and not await directory.is_channel("C0OTHER1", ASK)
    dm = MessagePosted(
        user=posted.user, channel=ChannelRef("slack", TEAM, ASK, is_dm=True), text="hi", message_id="1.3"
    )
    assert await directory.named(dm, "ask-maya") == dm
