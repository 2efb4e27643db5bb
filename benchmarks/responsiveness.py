"""Responsiveness under load: slash commands answered while a 6,000-member drop fans out.

The app runs as `membot run` would (App.start: scheduler and delivery worker in the
background, SQLite) with the rate-limited fake platform (200/s, burst 20) in its own process.
While the outbox drains, a CommandInvoked is dispatched through the real router every
INTERVAL seconds (rotating /me, /next, /help, /library, /ask ...) on the same event loop as
the worker, and the time from dispatch to the first reply is recorded.
Target: p99 < 250 ms. One JSON line.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _lib import (
    common,
    fanout,
)

MEMBERS = int(os.environ.get("BENCH_RESP_MEMBERS", "6000"))
RATE, BURST = 200.0, 20
INTERVAL = 0.1
TARGET_P99_MS = 250.0
BUDGET_S = 75.0
COMMANDS = (
    ("me", ""),
    ("next", ""),
    ("help", ""),
    ("library", ""),
    ("ask", "how do I price my services?"),
    ("live", ""),
    ("prefs", ""),
)


class TimedResponder:
    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.first_reply: float | None = None
        self.replies = 0

    async def reply(self, message: Any, *, ephemeral: bool = True) -> None:
        if self.first_reply is None:
            self.first_reply = time.perf_counter()
        self.replies += 1

    async def open_form(self, form: Any) -> bool:
        await self.reply(form)
        return True


async def command_load(fan: fanout.Fanout, stop: asyncio.Event) -> list[tuple[str, float]]:
    from bot.events import CommandInvoked, UserRef

    results: list[tuple[str, float]] = []
    users = itertools.cycle(fan.members[:500])
    for i, (name, args) in enumerate(itertools.cycle(COMMANDS)):
        if stop.is_set():
            break
        responder = TimedResponder()
        event = CommandInvoked(
            user=UserRef(fanout.PLATFORM, "W1", next(users), "Bench"),
            name=name,
            args=args,
            event_id=f"bench-cmd-{i}",
            responder=responder,
        )
        await fan.app.router.dispatch(event)
        end = responder.first_reply or time.perf_counter()
        results.append((name, (end - responder.started) * 1000.0))
        await asyncio.sleep(INTERVAL)
    return results


async def main() -> None:
    common.quiet_logs()
    deadline = common.Deadline(BUDGET_S)
    with common.scratch_dir("resp") as workdir, common.FakePlatformProcess(RATE, BURST) as server:
        async with common.migrated("sqlite", workdir, "resp") as database:
            fan = await fanout.start(database, workdir, server.base_url, MEMBERS, rate=RATE, burst=BURST)
            try:
                idle_stop = asyncio.Event()
                idle_task = asyncio.create_task(command_load(fan, idle_stop))
                await asyncio.sleep(3.0)  # a baseline with nothing to deliver
                idle_stop.set()
                idle = await idle_task
                stop = asyncio.Event()
                load = asyncio.create_task(command_load(fan, stop))
                await fanout.publish(fan)
                counts = await fanout.wait_delivered(fan, deadline)
                stop.set()
                busy = await load
                stats = await server.stats()
            finally:
                await fan.app.stop()
    during = [ms for _, ms in busy]
    worst = max(busy, key=lambda r: r[1]) if busy else ("", 0.0)
    p99 = common.percentile(during, 99)
    common.emit(
        {
            "benchmark": "responsiveness",
            "members": MEMBERS,
            "limit": {"per_s": RATE, "burst": BURST},
            "commands_during_fanout": len(during),
            "p50_ms": round(common.percentile(during, 50), 1),
            "p95_ms": round(common.percentile(during, 95), 1),
            "p99_ms": round(p99, 1),
            "max_ms": round(worst[1], 1),
            "slowest_command": worst[0],
            "idle_p50_ms": round(common.percentile([ms for _, ms in idle], 50), 1),
            "idle_p99_ms": round(common.percentile([ms for _, ms in idle], 99), 1),
            "enqueue_s": round(fan.enqueue_s, 2),
            "delivered": stats["ok"],
            "outbox": counts,
            "target_p99_ms": TARGET_P99_MS,
            "ok": p99 < TARGET_P99_MS,
            "loadavg_1m": round(os.getloadavg()[0], 1),
        }
    )


if __name__ == "__main__":
    asyncio.run(main())
