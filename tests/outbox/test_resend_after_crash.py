"""A crash between the platform accepting a message and the outbox recording it must not show the member
the message twice, on either platform (SQLite and PostgreSQL), with the real adapters against the fake
servers: Discord gets the row's token as its nonce (Discord answers a repeat with the first message);
Slack gets it as message metadata, and a row claimed again is first looked up in the conversation."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from bot.clock import FakeClock
from bot.events import Event
from bot.messages import DeliveryKey, Target, text_message
from bot.outbox import DeliveryPolicy, DeliveryWorker, Outbox
from bot.platforms.discord.adapter import DiscordPlatform
from bot.platforms.slack.adapter import SlackPlatform
from bot.ports import Ack, Platform
from bot.ratelimit import RateLimiter
from bot.testing.fake_discord import GUILD_ID, FakeDiscord
from bot.testing.fake_slack import FakeSlack
from storage.database import Database
from storage.repositories import outbox as repo
from tests.kits.discord import Recorder
from tests.kits.slack import SECRET, TEAM

LEASE = timedelta(seconds=30)
SLACK_DM = Target("slack", TEAM, user_id="U0MAYA")
DISCORD_DM = Target("discord", GUILD_ID, user_id="940000000000000001")


async def crash_after_sending(db: Database, clock: FakeClock, platform: Platform, target: Target, key: str) -> None:
    """What a worker that died does: claim the row, the platform takes the message, nothing is recorded."""
    async with db.session() as session:
        await Outbox(clock).enqueue(session, key, target, text_message("Your drop is out"))
    async with db.session() as session:
        [row] = await repo.claim_due(
            session, now=clock.now(), worker_id="dead", lease=LEASE, limit=1, platforms=(target.platform,)
        )
    await platform.send(target, text_message("Your drop is out"), delivery=DeliveryKey(key, since=row.created_at))
    clock.advance(LEASE + timedelta(seconds=1))  # its lease runs out; SIGKILL took the rest


async def take_over(db: Database, clock: FakeClock, platform: Platform) -> tuple[str, int, str | None]:
    worker = DeliveryWorker(
        db, {platform.name: platform}, clock, RateLimiter(clock), policy=DeliveryPolicy(lease=LEASE)
    )
    assert await worker.drain() == 1
    async with db.session() as session:
        row = await repo.by_key(session, "drop:1:member:7")
    assert row is not None
    return row.status, row.attempts, row.platform_message_id


async def test_slack_finds_the_message_an_earlier_attempt_posted(
    db: Database, clock: FakeClock, fake_slack: FakeSlack, slack_platform: SlackPlatform
) -> None:
    await crash_after_sending(db, clock, slack_platform, SLACK_DM, "drop:1:member:7")
    [first] = fake_slack.calls_to("chat.postMessage")
    assert first.params["metadata"]["event_payload"]["token"] == DeliveryKey("drop:1:member:7").token
    assert "drop:1" not in str(first.params["metadata"])  # the token, not the key (it names a member)

    status, attempts, message_id = await take_over(db, clock, slack_platform)
    assert len(fake_slack.calls_to("chat.postMessage")) == 1  # not posted twice
    assert (status, attempts) == ("sent", 2)
    assert message_id == fake_slack.history[fake_slack.dm_channel_of("U0MAYA")][0]["ts"]
    [lookup] = fake_slack.calls_to("conversations.history")
    assert lookup.params["include_all_metadata"] in (True, "true", "1")


async def test_slack_sends_when_the_earlier_attempt_never_arrived(
    db: Database, clock: FakeClock, fake_slack: FakeSlack, slack_platform: SlackPlatform
) -> None:
    async with db.session() as session:
        await Outbox(clock).enqueue(session, "drop:1:member:7", SLACK_DM, text_message("Your drop is out"))
    fake_slack.fail("chat.postMessage", "internal_error", status=500)  # the first try fails outright
    worker = DeliveryWorker(
        db, {"slack": slack_platform}, clock, RateLimiter(clock), policy=DeliveryPolicy(lease=LEASE)
    )
    await worker.drain()
    clock.advance(timedelta(minutes=5))
    await worker.drain()
    assert len(fake_slack.calls_to("chat.postMessage")) == 1  # the retry looked, found nothing, and sent
    assert len(fake_slack.calls_to("conversations.history")) == 1


async def test_slack_without_history_scopes_still_delivers(
    db: Database, clock: FakeClock, fake_slack: FakeSlack, slack_platform: SlackPlatform
) -> None:
    await crash_after_sending(db, clock, slack_platform, SLACK_DM, "drop:1:member:7")
    fake_slack.fail("conversations.history", "missing_scope")
    status, _, _ = await take_over(db, clock, slack_platform)
    assert status == "sent" and len(fake_slack.calls_to("chat.postMessage")) == 2  # as before: sent again


async def test_discord_answers_a_repeated_nonce_with_the_first_message(
    db: Database, clock: FakeClock, fake: FakeDiscord, started: tuple[DiscordPlatform, Recorder]
) -> None:
    adapter, _ = started
    await crash_after_sending(db, clock, adapter, DISCORD_DM, "drop:1:member:7")
    [first] = fake.requests("POST", r"/channels/\d+/messages")
    assert first.body["nonce"] == DeliveryKey("drop:1:member:7").token and first.body["enforce_nonce"] is True

    status, attempts, message_id = await take_over(db, clock, adapter)
    posts = fake.requests("POST", r"/channels/\d+/messages")
    assert len(posts) == 2 and posts[1].body["nonce"] == posts[0].body["nonce"]
    assert len(fake.by_nonce) == 1  # one message in the channel
    assert (status, attempts) == ("sent", 2)
    assert message_id == next(iter(fake.by_nonce.values()))["id"]


@pytest.fixture
async def slack_platform(fake_slack: FakeSlack) -> AsyncIterator[SlackPlatform]:
    platform = SlackPlatform(bot_token="xoxb-test", signing_secret=SECRET, api_url=fake_slack.base_url, http_port=None)

    async def dispatch(event: Event, *, ack: Ack | None = None) -> None:
        if ack is not None:
            await ack()

    await platform.start(dispatch)
    yield platform
    await platform.stop()
