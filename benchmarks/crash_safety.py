"""Crash-safety benchmark: SIGKILL the bot 50 times at random moments during drop fan-outs (300
members), drip runs and Stripe webhook processing; restart it each time; count losses and duplicates.

Four passes of 50 kills: as Slack and Discord behave today (no idempotency key: a kill in the
accept-to-commit window sends one message twice), the same with a platform that honours an
idempotency key, again without a key but with a modelled network round trip (half of it on
the way back, inside the window), and once more with each `mark_sent` awaited before the next
send (the worker overlaps them for throughput). Prints one JSON line; takes about 8 minutes.

    .venv/bin/python benchmarks/crash_safety.py                  # 50 kills per pass, SQLite
    MEMBOT_CRASH_KILLS=20 MEMBOT_CRASH_LATENCY_MS=100 ...       # fewer kills, another round trip
    MEMBOT_CRASH_DB=postgresql ...                               # on the test PostgreSQL server
    MEMBOT_CRASH_ONLY=inbound ...                                # only the inbound pass (50 kills)
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.testing.crash_harness import CrashHarness, ScenarioResult, window_summary

KILLS = int(os.environ.get("MEMBOT_CRASH_KILLS", "50"))
KILLS_PER_SCENARIO = 5
LATENCY_MS = float(os.environ.get("MEMBOT_CRASH_LATENCY_MS", "20"))
PG_URL = os.environ.get("MEMBOT_TEST_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
SCENARIOS = (("fanout", 300), ("drip", 100), ("webhook", 60))
INBOUND = (("inbound", 60),)  # /feedback commands posted, recorded before the ack, replayed after a kill


async def one_pass(
    harness: CrashHarness,
    *,
    idempotent: bool = False,
    history: bool = False,
    latency_ms: float = 0.0,
    scenarios: tuple[tuple[str, int], ...] = SCENARIOS,
) -> list[ScenarioResult]:
    results: list[ScenarioResult] = []
    kills = 0
    n = 0
    while kills < KILLS:
        scenario, members = scenarios[n % len(scenarios)]
        want = min(KILLS_PER_SCENARIO, KILLS - kills)
        result = await harness.scenario(
            scenario, members=members, kills=want, idempotent=idempotent, history=history, latency_ms=latency_ms
        )
        results.append(result)
        kills += result.kills
        n += 1
    return results


def totals(results: list[ScenarioResult]) -> dict[str, object]:
    window = [w for r in results for w in r.window_ms]
    out: dict[str, object] = {
        "scenarios": len(results),
        "kills": sum(r.kills for r in results),
        "messages": sum(r.expected for r in results),
        "lost": sum(r.lost for r in results),
        "dead": sum(r.dead for r in results),
        "duplicates": sum(r.duplicates for r in results),
        "suppressed": sum(r.suppressed for r in results),
        "webhooks_applied_twice": sum(r.applied_twice for r in results),
        "webhooks_unprocessed": sum(r.webhooks_unprocessed for r in results),
        **window_summary(window),
    }
    if any(r.scenario == "inbound" for r in results):
        acks = [a for r in results for a in r.ack_ms]
        out.update(
            acknowledged=sum(r.acknowledged for r in results),
            replayed=sum(r.replayed for r in results),
            handled_twice=sum(r.applied_twice for r in results),
            replied_twice=sum(r.replied_twice for r in results),
            **{k.replace("window", "ack"): v for k, v in window_summary(acks).items()},
        )
    return out


async def main() -> None:
    started = time.perf_counter()
    pg = PG_URL if os.environ.get("MEMBOT_CRASH_DB") == "postgresql" else None
    with tempfile.TemporaryDirectory(prefix="membot-crash-") as workdir:
        async with CrashHarness(
            Path(workdir), seed=int(os.environ.get("MEMBOT_CRASH_SEED", "2026")), pg_url=pg
        ) as harness:
            inbound = await one_pass(harness, idempotent=False, scenarios=INBOUND)
            if os.environ.get("MEMBOT_CRASH_ONLY") == "inbound":
                print(
                    json.dumps(
                        {
                            "benchmark": "crash_safety",
                            "database": "postgresql" if pg else "sqlite",
                            "inbound": totals(inbound),
                            "seconds": round(time.perf_counter() - started, 1),
                        }
                    )
                )
                sys.exit(1 if sum(r.lost + r.dead for r in inbound) else 0)
            plain = await one_pass(harness, idempotent=False)
            keyed = await one_pass(harness, idempotent=True)
            looked_up = await one_pass(harness, history=True)
            slow = await one_pass(harness, idempotent=False, latency_ms=LATENCY_MS)
    out = {
        "inbound": totals(inbound),
        "benchmark": "crash_safety",
        "database": "postgresql" if pg else "sqlite",
        "naive_platform_ignores_the_token": totals(plain),
        "discord_nonce": totals(keyed),
        "slack_metadata_and_history": totals(looked_up),
        f"without_key_{LATENCY_MS:g}ms_round_trip": totals(slow),
        "seconds": round(time.perf_counter() - started, 1),
    }
    print(json.dumps(out))
    passes = [plain, keyed, looked_up, slow]
    ok = all(sum(r.lost + r.dead + r.applied_twice for r in results) == 0 for results in passes)
    ok = ok and sum(r.lost + r.dead for r in inbound) == 0  # inbound is at least once: redone events are reported
    if not ok or sum(r.duplicates for r in keyed + looked_up):
        sys.exit(1)


if __name__ == "__main__":
    asyncio.run(main())
