"""Crash safety: SIGKILL the bot at random moments during a 300-member drop fan-out, a drip run and
Stripe webhook processing, restart it, and check nothing was lost and nothing applied twice.

The default run is short (3 kills per scenario); `MEMBOT_CRASH_KILLS=N` sets the kills per
scenario and `MEMBOT_CRASH_DB=postgresql` runs on the test PostgreSQL server. The 50-kill
figures in docs/reliability.md come from `benchmarks/crash_safety.py`.

A message accepted by the platform in the instant before `mark_sent` commits is sent again
after the restart: that is the design's one duplicate window. Each record commits before the
lane's next send, so a kill exposes at most the one message in flight per lane (the fan-out
has one lane). The outbox passes each send its row's token (`DeliveryKey`): Discord's nonce catches the
resend, and on Slack a row claimed again looks for its token in the conversation first: zero duplicates.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.testing.crash_harness import CrashHarness, ScenarioResult
from tests.conftest import PG_URL, _pg_reason

KILLS = int(os.environ.get("MEMBOT_CRASH_KILLS", "3"))


def _pg_url() -> str | None:
    if os.environ.get("MEMBOT_CRASH_DB", "sqlite") != "postgresql":
        return None
    reason = _pg_reason()
    if reason:
        pytest.skip(reason)
    return PG_URL


def _nothing_lost(result: ScenarioResult) -> None:
    assert result.kills == KILLS, result.summary()
    assert result.lost == 0 and result.dead == 0, result.summary()
    assert result.delivered == result.expected, result.summary()
    # At most two messages exposed per kill: the one just accepted, and the previous one whose
    # mark_sent is still in flight (the lane overlaps a record with the next send).
    assert result.duplicates <= result.kills, result.summary()


async def test_fanout_drip_and_webhooks_survive_sigkill(tmp_path: Path) -> None:
    async with CrashHarness(tmp_path, seed=int(os.environ.get("MEMBOT_CRASH_SEED", "9")), pg_url=_pg_url()) as harness:
        fanout = await harness.scenario("fanout", members=300, kills=KILLS, history=True)  # as on Slack
        drip = await harness.scenario("drip", members=100, kills=KILLS, idempotent=True)  # as on Discord
        webhook = await harness.scenario("webhook", members=60, kills=KILLS)

    _nothing_lost(fanout)
    _nothing_lost(drip)
    _nothing_lost(webhook)
    # A message accepted just before a kill is not shown twice: Discord's nonce refuses the resend, and on
    # Slack the reclaimed row finds its own metadata in the conversation and is recorded as sent.
    assert drip.duplicates == 0, drip.summary()
    assert fanout.duplicates == 0, fanout.summary()
    # Every webhook recorded once and processed; nobody got a second membership or a second welcome.
    assert webhook.webhooks_unprocessed == 0 and webhook.applied_twice == 0, webhook.summary()
    # The window is one small UPDATE: milliseconds, not the length of a batch.
    assert all(r.window_ms for r in (fanout, drip, webhook))


async def test_acknowledged_inbound_events_survive_sigkill(tmp_path: Path) -> None:
    """`/feedback` commands posted to the target, recorded before the ack; kills at random moments.

    Every acknowledged event is handled (its feedback stored, its reply sent: live, or through the
    outbox as a DM after a replay). Handling is at least once: a kill after a handler's last effect
    and before its row's `done` commit redoes that event. The poster sends the next command as soon
    as the previous one is acknowledged, so up to about three are in flight at a kill.
    """
    async with CrashHarness(tmp_path, seed=int(os.environ.get("MEMBOT_CRASH_SEED", "9")), pg_url=_pg_url()) as harness:
        result = await harness.scenario("inbound", members=30, kills=KILLS)

    assert result.kills == KILLS, result.summary()
    assert result.acknowledged == 30 and result.lost == 0 and result.dead == 0, result.summary()
    assert result.applied_twice <= 3 * result.kills, result.summary()
    assert result.ack_ms and max(result.ack_ms) < 3000, result.summary()  # well within Slack's 3 s
