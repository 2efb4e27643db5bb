"""Fan-out: a drop DM'd to 10,000 members, membot's way and the naive way, against one rate-limited server.

The fake platform (bot/testing/rate_limited_platform.py, in a process of its own on
127.0.0.1) allows RATE messages per second per workspace with a bucket of BURST, and answers
429 + Retry-After (whole seconds, as Slack does) beyond that.

- membot: ContentService.publish_now -> one outbox row per member (SQLite) -> the app's own
  DeliveryWorker and RateLimiter (paced from the adapter's Capabilities) -> RateLimitedPlatform
  (aiohttp) -> the server. Workspace W1.
- naive: `for member: await client.chat_postMessage(...)` with slack_sdk's AsyncWebClient
  (base_url = the fake) and AsyncRateLimitErrorRetryHandler (its default: one retry), to
  the same server in Slack's wire format. Workspace W2. It is slow, so it runs for at most
  NAIVE_SECONDS and its figures are for what it got through.

Reported per way: achieved / allowed rate (allowed = BURST + RATE x the time from first to
last accepted message; target >= 0.9), 429s, duplicates (a (workspace, channel, text)
accepted twice; target 0) and lost (due, never accepted; target 0). One JSON line.
"""

from __future__ import annotations

import asyncio
import os
import resource
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _lib import (
    common,
    fanout,
)

MEMBERS = int(os.environ.get("BENCH_FANOUT_MEMBERS", "10000"))
RATE, BURST = 200.0, 20
NAIVE_SECONDS = 20.0
BUDGET_S = 100.0


def cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def membot_way(server: common.FakePlatformProcess, workdir: Path, deadline: common.Deadline) -> dict[str, Any]:
    async with common.migrated("sqlite", workdir, "fanout") as database:
        fan = await fanout.start(database, workdir, server.base_url, MEMBERS, rate=RATE, burst=BURST)
        try:
            cpu0 = cpu_s()
            await fanout.publish(fan)
            cpu1 = cpu_s()
            counts = await fanout.wait_delivered(fan, deadline)
            cpu2 = cpu_s()
            stats = await server.stats()
            worker = fan.app.worker.stats
        finally:
            await fan.app.stop()
    figures = fanout.rate_figures(stats, "W1", RATE, BURST)
    return {
        "messages": fan.expected,
        "enqueue_s": round(fan.enqueue_s, 2),
        **figures,
        "duplicates": stats["duplicates"],
        # lost: given up (dead) or recorded as sent but never accepted; unfinished: still due at the deadline
        "lost": counts.get("dead", 0) + max(0, counts.get("sent", 0) - stats["distinct"]),
        "unfinished": counts.get("pending", 0) + counts.get("sending", 0),
        # CPU of this process (its threads included) per message: what the machine's load cannot inflate much
        "cpu_ms_per_enqueue": round((cpu1 - cpu0) * 1000 / max(1, fan.expected), 2),
        "cpu_ms_per_send": round((cpu2 - cpu1) * 1000 / max(1, counts.get("sent", 0)), 2),
        "outbox": counts,
        "worker_rate_limited": worker.rate_limited,
        "worker_retried": worker.retried,
    }


async def naive_way(server: common.FakePlatformProcess, users: list[str], text: str) -> dict[str, Any]:
    from slack_sdk.errors import SlackApiError
    from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
    from slack_sdk.web.async_client import AsyncWebClient

    client = AsyncWebClient(
        token="xoxb-W2", base_url=server.base_url, retry_handlers=[AsyncRateLimitErrorRetryHandler()]
    )
    attempted = lost = 0
    end = time.monotonic() + NAIVE_SECONDS
    for user in users:
        if time.monotonic() >= end:
            break
        attempted += 1
        try:
            await client.chat_postMessage(channel=user, text=text)
        except SlackApiError:
            lost += 1  # 429 again after its one retry: the loop moves on, the member never gets it
    await client.session.close() if client.session is not None else None
    stats = await server.stats()
    figures = fanout.rate_figures(stats, "W2", RATE, BURST)
    return {
        "messages": attempted,
        "capped_at_s": NAIVE_SECONDS,
        **figures,
        "duplicates": stats["duplicates"],
        "lost": lost,
        "eta_all_s": round(len(users) / (figures["achieved_per_s"] or 1), 0),
    }


async def main() -> None:
    common.quiet_logs()
    deadline = common.Deadline(BUDGET_S)
    with common.scratch_dir("fanout") as workdir, common.FakePlatformProcess(RATE, BURST) as server:
        membot = await membot_way(server, workdir, deadline)
        await server.reset()
        users = [f"U{i:08d}" for i in range(1000, 1000 + MEMBERS)]
        naive = await naive_way(server, users, "New drop: the weekly training is out")
    ratio = membot["achieved_over_allowed"] or 0.0
    common.emit(
        {
            "benchmark": "fanout",
            "limit": {"per_s": RATE, "burst": BURST, "retry_after": "whole seconds, >= 1"},
            "membot": membot,
            "naive_slack_sdk": naive,
            "target": {"achieved_over_allowed": 0.9, "duplicates": 0, "lost": 0},
            "ok": ratio >= 0.9 and membot["duplicates"] == 0 and membot["lost"] == 0 and membot["unfinished"] == 0,
            "loadavg_1m": round(os.getloadavg()[0], 1),
        }
    )


if __name__ == "__main__":
    asyncio.run(main())
