"""A drop DM'd to many members through the real app: outbox, delivery worker, limiter, and the
rate-limited fake platform over HTTP. Shared by the fan-out and responsiveness benchmarks."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import text

from _lib import common
from _lib.synth import History, write
from bot.app import App, build_app
from bot.clock import OffsetClock
from bot.testing.rate_limited_platform import RateLimitedPlatform
from storage.database import Database

PLATFORM = "ratelimited"
PACE = 0.95


def midday_clock(tz: str = "Europe/Oslo") -> OffsetClock:
    """Real time moved forward to the next 12:00 in the community's zone, so no DM waits for quiet hours
    to end whatever the hour the benchmark runs at. Pacing still runs on real monotonic time."""
    clock = OffsetClock()
    local = clock.now().astimezone(ZoneInfo(tz))
    target = local.replace(hour=12, minute=0, second=0, microsecond=0)
    if target < local:
        target += timedelta(days=1)
    clock.advance(target - local)
    return clock


@dataclass
class Fanout:
    app: App
    database: Database
    platform: RateLimitedPlatform
    members: list[str]  # user ids
    enqueue_s: float = 0.0
    expected: int = 0


async def add_members(database: Database, community_id: int, n: int, now: datetime, workspace: str = "W1") -> list[str]:
    """`n` members who take every drop by DM, on the fake platform's workspace."""
    history = History(community_id, now, platform=PLATFORM, workspace=workspace)
    for _ in range(n):
        history.member(
            joined_at=now - timedelta(days=30),
            last_active_at=now - timedelta(days=1),
            delivery="dm",
            history=False,
            level=None,
        )
    await write(database, history.rows)
    return [f"U{mid:08d}" for mid in history.member_ids]


async def start(
    database: Database, workdir: Path, base_url: str, members: int, *, rate: float, burst: int, background: bool = True
) -> Fanout:
    clock = midday_clock()
    community_id = await common.import_sample(database, clock.now(), workdir)
    users = await add_members(database, community_id, members, clock.now())
    # The adapter paces a little under the server's limit (PACE of the rate, half the burst): a 429 costs a
    # whole second of Retry-After (rate messages), far more than the 5% given up by pacing.
    platform = RateLimitedPlatform(
        base_url, workspaces=("W1",), name=PLATFORM, sends_per_second=rate * PACE, burst=max(1, burst // 2)
    )
    app = await build_app(
        common.settings_for(database, workdir), clock=clock, platforms={PLATFORM: platform}, database=database
    )
    await app.start(background=background)
    return Fanout(app, database, platform, users)


async def publish(fan: Fanout) -> None:
    """Publish the next queued drop now: one channel post plus a DM per member, all through the outbox."""
    async with fan.database.engine.connect() as conn:
        slug = await conn.scalar(
            text("SELECT slug FROM content_items WHERE published_at IS NULL ORDER BY publish_at LIMIT 1")
        )
    t0 = time.perf_counter()
    await fan.app.services.content.publish_now(str(slug))
    fan.enqueue_s = time.perf_counter() - t0
    async with fan.database.engine.connect() as conn:
        fan.expected = int(await conn.scalar(text("SELECT count(*) FROM outbox")))


async def outbox_counts(database: Database) -> dict[str, int]:
    async with database.engine.connect() as conn:
        rows = await conn.execute(text("SELECT status, count(*) FROM outbox GROUP BY status"))
        return {status: int(n) for status, n in rows.all()}


async def wait_delivered(fan: Fanout, deadline: common.Deadline, poll: float = 0.5) -> dict[str, int]:
    """Until nothing is pending or being sent, or the deadline."""
    while True:
        counts = await outbox_counts(fan.database)
        if not counts.get("pending") and not counts.get("sending"):
            return counts
        if deadline.over:
            return counts
        await asyncio.sleep(poll)


def rate_figures(stats: dict[str, Any], workspace: str, rate: float, burst: int) -> dict[str, Any]:
    """Achieved rate against what the limit allowed over the same stretch (burst + rate x time)."""
    ws = stats["workspaces"].get(workspace) or {}
    ok = int(ws.get("ok", 0))
    span = (ws["last_ok"] - ws["first_ok"]) if ok > 1 else 0.0
    allowed = burst + rate * span
    return {
        "ok": ok,
        "429s": int(ws.get("429", 0)),
        "seconds": round(span, 2),
        "achieved_per_s": round(ok / span, 1) if span else None,
        "achieved_over_allowed": round(ok / allowed, 3) if allowed else None,
    }
