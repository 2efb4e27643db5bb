"""Due-work scans at 10k, 50k and 100k members with a year of history, on SQLite and PostgreSQL.

Times the drip (OnboardingService.send_due_steps), the inactivity-nudge scan
(engagement.nudges.scan) and the live-reminder scan (live.send_due_reminders), each:
- `due`: with DUE items of its kind due now (fresh members due for a drip step, members
  entering the day-10 nudge band, RSVPs to a session whose 1-hour reminder is due);
- `idle`: run again at once, nothing new due (the cost of looking);
and, at the largest size, with DUE_MORE items due, to show time follows due items, not members.
Target: each scan < 300 ms at 100k members. Prints one JSON line.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _lib import common
from _lib.synth import History, Rows, write
from sqlalchemy import text

SIZES = tuple(int(s) for s in os.environ.get("BENCH_SIZES", "10000,50000,100000").split(","))
DUE = 50
DUE_MORE = 500
TARGET_MS = 300.0
# Friday 20 Nov 2026, 12:00 UTC (13:00 in Oslo): outside the sample's quiet hours.
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
BUDGET_S = 110.0
PROPOSED_INDEX = "CREATE INDEX IF NOT EXISTS ix_members_joined ON members (community_id, joined_at)"


def add_due(history: History, due: int, session_starts: datetime) -> None:
    """`due` members due for the day-1 drip step, `due` entering the day-10 nudge band, and a session
    whose 1-hour reminder is due with `due` RSVPs."""
    now = history.now
    for _ in range(due):
        joined = now - timedelta(days=1, minutes=30)
        history.member(joined_at=joined, last_active_at=joined, activity=0)
    for _ in range(due):
        quiet_since = now - timedelta(days=10, minutes=30)
        history.member(joined_at=now - timedelta(days=60), last_active_at=quiet_since)
    sid = history.session(session_starts)
    for mid in history.rng.sample(history.member_ids, due):
        history.rsvp(sid, mid, now - timedelta(days=2))


async def timed(run: Any) -> tuple[float, int]:
    start = time.perf_counter()
    result = await run()
    return (time.perf_counter() - start) * 1000.0, int(result)


async def scans(app: Any) -> dict[str, dict[str, float | int]]:
    services = app.services
    out: dict[str, dict[str, float | int]] = {}
    for name, run in (
        ("drip", services.onboarding.send_due_steps),
        ("nudge", services.engagement.nudges.scan),
        ("reminder", services.live.send_due_reminders),
    ):
        ms, queued = await timed(run)
        idle_ms, idle_queued = await timed(run)
        out[name] = {"due_ms": round(ms, 1), "queued": queued, "idle_ms": round(idle_ms, 1), "idle_queued": idle_queued}
    return out


async def start_app(database: Any, workdir: Path) -> Any:
    from bot.app import build_app
    from bot.clock import FakeClock
    from bot.platforms.memory import MemoryPlatform

    app = await build_app(
        common.settings_for(database, workdir),
        clock=FakeClock(NOW),
        platforms={"memory": MemoryPlatform(workspaces=("W1",))},
        database=database,
    )
    for platform in app.platforms.values():  # connect without App.start, which would run every job once
        await platform.start(app.router.dispatch)
        for workspace in platform.workspaces:
            app.services.presence.add(platform.name, workspace)
    return app


async def next_ids(database: Any) -> dict[str, int]:
    ids = {}
    async with database.session() as session:
        for table in (
            "members",
            "platform_identities",
            "activity",
            "onboarding_progress",
            "nudges",
            "live_sessions",
            "rsvps",
            "milestones",
        ):
            ids[table] = int(await session.scalar(text(f"SELECT coalesce(max(id), 0) + 1 FROM {table}")))
    return ids


async def grow(database: Any, history: History, background: int, due: int, starts: datetime) -> tuple[int, float]:
    """Add `background` members with their year of history and a fresh due set; the previous
    stage's live session is over (its reminders went out)."""
    t0 = time.perf_counter()
    history.rows = Rows()
    history.rows.next_id.update(await next_ids(database))
    async with database.session() as session:
        await session.execute(text("UPDATE live_sessions SET status = 'done' WHERE status = 'scheduled'"))
    history.background(background)
    add_due(history, due, starts)
    rows = history.rows.count()
    await write(database, history.rows)
    return rows, time.perf_counter() - t0


async def staged(kind: str, workdir: Path, deadline: common.Deadline) -> list[dict[str, Any]]:
    """One database grown through SIZES; the scans measured at each size."""
    out: list[dict[str, Any]] = []
    async with common.migrated(kind, workdir, "scans") as database:
        community_id = await common.import_sample(database, NOW - timedelta(days=400), workdir)
        # Drip progress is written for members who joined in the last 30 days only: older members are
        # outside every drip window (the longest reaches back 17 days), so their rows change no scan.
        history = History(community_id, NOW, seed=len(kind), recent_progress=True)
        app = await start_app(database, workdir)
        try:
            members = 0
            for i, size in enumerate(SIZES):
                if deadline.over:
                    break
                rows, build_s = await grow(
                    database, history, size - members - 2 * DUE, DUE, NOW + timedelta(minutes=55 - i)
                )
                members = size
                if i == 0:  # a year of weekly live sessions, RSVP'd by 3% of the members each
                    history.rows = Rows()
                    history.rows.next_id.update(await next_ids(database))
                    history.past_sessions()
                    await write(database, history.rows)
                result: dict[str, Any] = {
                    "members": size,
                    "rows_added": rows,
                    "build_s": round(build_s, 1),
                    "due": DUE,
                    "scans": await scans(app),
                }
                if size == SIZES[-1] and not deadline.over:
                    await grow(database, history, 0, DUE_MORE, NOW + timedelta(minutes=45))
                    result["more"] = {"due": DUE_MORE, "scans": await scans(app)}
                if size == SIZES[-1]:  # the index proposed for the drip (see RESULTS.md), on this database only
                    async with database.session() as session:
                        await session.execute(text(PROPOSED_INDEX))
                    result["idle_ms_with_proposed_index"] = {
                        name: round((await timed(run))[0], 1)
                        for name, run in (
                            ("drip", app.services.onboarding.send_due_steps),
                            ("nudge", app.services.engagement.nudges.scan),
                            ("reminder", app.services.live.send_due_reminders),
                        )
                    }
                out.append(result)
                print(f"due_scans {kind}: {result}", file=sys.stderr, flush=True)
        finally:
            await app.stop()
    return out


async def main() -> None:
    common.quiet_logs()
    deadline = common.Deadline(BUDGET_S)
    kinds = ["sqlite"] + (["postgresql"] if await common.pg_reachable() else [])
    results: dict[str, list[dict[str, Any]]] = {k: [] for k in kinds}
    with common.scratch_dir("scans") as workdir:
        for kind in kinds:
            results[kind] = await staged(kind, workdir, deadline)
    worst = max(
        (
            max(s["due_ms"], s["idle_ms"])
            for runs in results.values()
            for r in runs
            if r["members"] == SIZES[-1]
            for s in r["scans"].values()
        ),
        default=float("inf"),
    )
    common.emit(
        {
            "benchmark": "due_scans",
            "sizes": list(SIZES),
            "results": results,
            "worst_ms_at_100k_due50": round(worst, 1),
            "target_ms": TARGET_MS,
            "ok": worst < TARGET_MS,
            "postgresql": await common.pg_version(),
        }
    )


if __name__ == "__main__":
    asyncio.run(main())
