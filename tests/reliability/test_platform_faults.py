"""Platform faults: 429 storms, 5xx and dropped connections from the fake Slack, Discord and OpenAI
servers. Sends are retried with backoff, never faster than Retry-After allows (so the invalid
requests stay far below Discord's 10,000 per 10 minutes), every message arrives exactly once,
and a command sent during the storm is answered."""

from __future__ import annotations

import asyncio
import math
from datetime import timedelta

import aiohttp
from sqlalchemy import select

from bot.app import App
from bot.clock import FakeClock
from bot.messages import DeliveryKey, OutboundMessage, SentMessage, Target, text_message
from bot.outbox import DeliveryWorker
from bot.platforms.discord.adapter import DiscordPlatform
from bot.platforms.memory import MemoryPlatform
from bot.platforms.slack.errors import translate
from bot.ports import RateLimited, TransientError
from bot.testing.fake_discord import GUILD_ID, FakeDiscord
from bot.testing.fake_openai import FakeOpenAI
from bot.testing.fake_slack import FakeSlack
from storage.models import OutboxMessage
from tests.kits.discord import Recorder
from tests.kits.slack import TEAM, SlackRequests

DISCORD_INVALID_BUDGET = 10_000  # 401/403/429 answers in 10 minutes before Discord bans the bot for a while
TEN_MINUTES = 600.0


async def _queue(app: App, targets: list[Target], prefix: str) -> None:
    async with app.database.session() as session:
        for n, target in enumerate(targets):
            await app.outbox.enqueue(session, f"{prefix}:{n}", target, text_message(f"Drop for you, #{n}"))


async def _statuses(app: App) -> list[str]:
    async with app.database.session() as session:
        return list((await session.scalars(select(OutboxMessage.status))).all())


async def _deliver_until_done(app: App, clock: FakeClock, step: timedelta, rounds: int = 200) -> None:
    """Deliver; when only future retries are left, move the fake clock on (no real waiting)."""
    for _ in range(rounds):
        await app.settle()
        if all(status in ("sent", "dead") for status in await _statuses(app)):
            return
        clock.advance(step)
    raise AssertionError("messages still pending after the storm")


async def test_a_slack_429_storm_is_waited_out_and_commands_are_answered_meanwhile(
    slack_app: App, fake_slack: FakeSlack, requests: SlackRequests, clock: FakeClock
) -> None:
    members = [Target("slack", TEAM, user_id=f"U0M{n:04d}") for n in range(20)]
    await _queue(slack_app, members, "storm")
    fake_slack.rate_limit("chat.postMessage", times=15, retry_after=30)
    started = clock.monotonic()

    await slack_app.settle()  # the storm starts: the first send gets a 429
    reply, response_name = await requests.command("/membot", "")  # a member asks for help mid-storm
    assert reply.status == 200
    assert [name for name, _ in fake_slack.responses] == [response_name]  # answered through response_url, at once

    await _deliver_until_done(slack_app, clock, timedelta(seconds=30))

    posts = fake_slack.calls_to("chat.postMessage", ok_only=False)
    limited = [c for c in posts if c.status == 429]
    delivered = [c for c in posts if c.status == 200]
    assert len(limited) == 15
    assert sorted(c.params["text"] for c in delivered) == sorted(f"Drop for you, #{n}" for n in range(20))  # each once
    elapsed = clock.monotonic() - started
    assert elapsed >= 14 * 30  # never a second try before Retry-After: one request per 30 s while limited
    assert len(limited) / max(elapsed, 1) * TEN_MINUTES <= 21  # at most one 429 per Retry-After period
    assert set(await _statuses(slack_app)) == {"sent"}


async def test_slack_5xx_and_dropped_connections_are_retried_with_backoff(
    slack_app: App, fake_slack: FakeSlack, clock: FakeClock
) -> None:
    await _queue(slack_app, [Target("slack", TEAM, user_id="U0DANA")], "5xx")
    fake_slack.fail("chat.postMessage", "service_unavailable", times=3, status=503)

    await slack_app.settle()
    async with slack_app.database.session() as session:
        row = await session.scalar(select(OutboxMessage))
    assert row is not None and row.status == "pending" and row.attempts == 1  # backed off, not hammered
    await _deliver_until_done(slack_app, clock, timedelta(seconds=5))

    posts = fake_slack.calls_to("chat.postMessage", ok_only=False)
    assert [c.status for c in posts] == [503, 503, 503, 200]
    # Disconnects and timeouts are transient too (retried), not permanent (dropped).
    for error in (aiohttp.ServerDisconnectedError(), aiohttp.ClientConnectionError("reset"), TimeoutError()):
        assert isinstance(translate(error), TransientError)


async def test_backoff_grows_and_a_flaky_platform_loses_nothing(
    app: App, memory: MemoryPlatform, clock: FakeClock
) -> None:
    await _queue(app, [Target("memory", "W1", user_id=f"u{n}") for n in range(5)], "flaky")
    memory.fail_next(*[TransientError("502 from the platform")] * 6, RateLimited(10), TransientError("timeout"))
    worker: DeliveryWorker = app.worker
    await _deliver_until_done(app, clock, timedelta(seconds=20))
    assert sorted(d.message.text for d in memory.sent) == sorted(f"Drop for you, #{n}" for n in range(5))
    assert worker.stats.sent == 5 and worker.stats.dead == 0 and worker.stats.rate_limited == 1
    # The schedule: 2 s, 4 s, 8 s... (plus up to 20 % jitter), capped at 30 minutes.
    row = OutboxMessage(id=7, attempts=1)
    delays = [worker.backoff(OutboxMessage(id=7, attempts=n)).total_seconds() for n in range(1, 12)]
    assert delays == sorted(delays) and delays[0] >= 2 and delays[-1] <= 30 * 60
    assert worker.backoff(row) == worker.backoff(row)  # the jitter is per row, not random per call


async def test_one_discord_send_meets_one_429_and_surfaces_it(
    started: tuple[DiscordPlatform, Recorder], fake: FakeDiscord
) -> None:
    """The adapter makes exactly one request per send when Discord says wait longer than 30 s."""
    adapter, _ = started
    fake.rate_limit("POST", r"/channels/\d+/messages", retry_after=60, times=5)
    try:
        await adapter.send(Target("discord", GUILD_ID, user_id="940000000000000001"), text_message("hello"))
    except RateLimited as exc:
        assert exc.retry_after == 60
    else:
        raise AssertionError("expected RateLimited")
    assert len(fake.requests("POST", r"/channels/\d+/messages")) == 1


async def test_a_discord_shaped_429_storm_stays_far_below_the_invalid_request_budget(
    app: App, memory: MemoryPlatform, clock: FakeClock
) -> None:
    """The outbox against a platform paced like Discord (5/s) that answers 40 429s with Retry-After 60 s."""
    memory.capabilities = DiscordPlatform.capabilities
    _round_sleeps_up(clock)
    await _queue(app, [Target("memory", "W1", user_id=f"u{n}") for n in range(30)], "discord-storm")
    served: list[float] = []
    send = memory.send

    async def storm_send(
        target: Target, message: OutboundMessage, *, delivery: DeliveryKey | None = None
    ) -> SentMessage:
        if len(served) < 40:
            served.append(clock.monotonic())
            raise RateLimited(60)
        return await send(target, message, delivery=delivery)

    memory.send = storm_send  # type: ignore[method-assign]
    await _deliver_until_done(app, clock, timedelta(seconds=60))

    assert len(served) == 40 and len(memory.sent) == 30
    window_counts = [sum(1 for t in served if start <= t < start + TEN_MINUTES) for start in served]
    assert max(window_counts) <= 11  # one 429 per Retry-After: about 10 in any 10 minutes
    assert max(window_counts) * 500 < DISCORD_INVALID_BUDGET  # over two orders of magnitude of headroom


def _round_sleeps_up(clock: FakeClock) -> None:
    """Work around a FakeClock bug (reported, not ours to fix): `sleep(s)` advances by a timedelta, so
    a sub-microsecond wait (the limiter's float token maths leaves 0.9999999 tokens) advances
    nothing and `RateLimiter.acquire` spins forever. Real clocks are not affected."""

    async def sleep(seconds: float) -> None:
        clock.advance(timedelta(microseconds=max(1, math.ceil(seconds * 1_000_000))))
        await asyncio.sleep(0)

    clock.sleep = sleep  # type: ignore[method-assign]


async def test_an_openai_429_storm_falls_back_to_the_local_answer_without_retrying(
    llm_app: App, memory: MemoryPlatform, fake_openai_server: FakeOpenAI
) -> None:
    fake_openai_server.fail(429, times=20)
    replies = [await memory.command(f"u{n}", "ask", "How do I pause my membership?") for n in range(5)]
    await llm_app.settle()
    internal = llm_app.services.catalog.for_locale("en")("errors.internal")
    for responder in replies:
        assert responder.texts and internal not in responder.texts
    assert len(fake_openai_server.requests) <= 5  # at most one call per question, no retry loop
