"""Due-work scans at 10k, 50k and 100k members with a year of history, on SQLite and PostgreSQL,
and (opt-in, BENCH_1M=1) at 1,000,000 members on PostgreSQL, built with COPY.

Times the drip (OnboardingService.send_due_steps), the inactivity-nudge scan
(engagement.nudges.scan) and the live-reminder scan (live.send_due_reminders), each:
- `due`: with DUE items of its kind due now (fresh members due for a drip step, members
  entering the day-10 nudge band, RSVPs to a session whose 1-hour reminder is due);
- `idle`: run again at once, nothing new due (the cost of looking; median of 3);
and, at the largest size, with DUE_MORE items due, to show time follows due items, not members.
Side by side in the same run, on the same database (`naive`), the way each scan worked before
issue 19: the nudge query paging by member id, the reminder re-inserting every RSVP, the drip
writing its progress mark and outbox row one member at a time.
Targets: every idle scan <= 50 ms, 50 due <= 150 ms, 500 due <= 500 ms. Prints one JSON line.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _lib import common
from _lib.naive_scans import naive_drip, naive_nudge_idle, naive_reminder
from _lib.synth import History, Rows, write
from sqlalchemy import text

SIZES = tuple(int(s) for s in os.environ.get("BENCH_SIZES", "10000,50000,100000").split(","))
BIG = int(os.environ.get("BENCH_BIG_MEMBERS", "1000000"))  # with BENCH_1M=1: PostgreSQL only
BIG_CHUNK = 100_000  # members generated and copied at a time
DUE = 50
DUE_MORE = 500
TARGET_MS = {"idle": 50.0, "due50": 150.0, "due500": 500.0}
# Friday 20 Nov 2026, 12:00 UTC (13:00 in Oslo): outside the sample's quiet hours.
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
BUDGET_S = 240.0
BIG_BUDGET_S = 1800.0
SCANS = ("drip", "nudge", "reminder")


def add_due(history: History, due: int, session_starts: datetime) -> None:
    """`due` members due for the day-1 drip step, `due` entering the day-10 nudge band, and a session
    whose 1-hour reminder is due with `due` RSVPs."""
    now = history.now
    for _ in range(due):
        joined = now - timedelta(days=1, minutes=30)
        history.member(joined_at=joined, last_active_at=joined, activity=0, caught_up=False)
    for _ in range(due):
        quiet_since = now - timedelta(days=10, minutes=30)
        history.member(joined_at=now - timedelta(days=60), last_active_at=quiet_since, caught_up=False)
    sid = history.session(session_starts)
    for mid in history.rng.sample(history.member_ids, due):
        history.rsvp(sid, mid, now - timedelta(days=2))


async def timed(run: Callable[[], Awaitable[Any]]) -> tuple[float, int]:
    start = time.perf_counter()
    result = await run()
    return (time.perf_counter() - start) * 1000.0, int(result or 0)


def runs(app: Any) -> dict[str, Callable[[], Awaitable[int]]]:
    services = app.services
    return {
        "drip": services.onboarding.send_due_steps,
        "nudge": services.engagement.nudges.scan,
        "reminder": services.live.send_due_reminders,
    }


async def scans(app: Any, *, naive: bool) -> dict[str, dict[str, float | int]]:
    """Each scan with its due set, then idle (median of 3); with `naive`, the old way on the same data
    first: the drip's and reminder's writes in a transaction rolled back, the nudge query read-only."""
    out: dict[str, dict[str, float | int]] = {}
    for name, run in runs(app).items():
        result: dict[str, float | int] = {}
        if naive and name == "drip":
            result["naive_due_ms"] = round(await naive_drip(app), 1)
        ms, queued = await timed(run)
        idle = [await timed(run) for _ in range(3)]
        result |= {
            "due_ms": round(ms, 1),
            "queued": queued,
            "idle_ms": round(statistics.median(i[0] for i in idle), 1),
            "idle_queued": sum(i[1] for i in idle),
        }
        if naive and name == "nudge":
            result["naive_idle_ms"] = round(await naive_nudge_idle(app), 1)
        if naive and name == "reminder":
            result["naive_idle_ms"] = round(await naive_reminder(app), 1)
        out[name] = result
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
            "memberships",
            "activity",
            "onboarding_progress",
            "nudges",
            "live_sessions",
            "rsvps",
            "milestones",
            "outbox",
        ):
            ids[table] = int(await session.scalar(text(f"SELECT coalesce(max(id), 0) + 1 FROM {table}")))
    return ids


async def grow(database: Any, history: History, background: int, due: int, starts: datetime | None) -> int:
    """Add `background` members with their year of history (in chunks) and a fresh due set; the
    previous stage's live session is over (its reminders went out). Returns the rows added."""
    async with database.session() as session:
        await session.execute(text("UPDATE live_sessions SET status = 'done' WHERE status = 'scheduled'"))
    added = 0
    while background > 0 or due:
        history.rows = Rows()
        history.rows.next_id.update(await next_ids(database))
        chunk = min(background, BIG_CHUNK)
        history.background(chunk)
        background -= chunk
        if background <= 0 and due and starts is not None:
            add_due(history, due, starts)
            due = 0
        added += history.rows.count()
        await write(database, history.rows)
    return added


async def db_size_mb(database: Any, workdir: Path) -> float:
    if database.is_sqlite:
        return round((workdir / "scans.db").stat().st_size / 1e6, 1)
    async with database.engine.connect() as conn:
        size = await conn.scalar(
            text(
                "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE n.nspname = :schema AND c.relkind = 'r'"
            ),
            {"schema": common.schema_of(database)},
        )
    return round(int(size or 0) / 1e6, 1)


async def staged(kind: str, sizes: tuple[int, ...], workdir: Path, deadline: common.Deadline) -> list[dict[str, Any]]:
    """One database grown through `sizes`; the scans measured at each size (and the old way at the last)."""
    out: list[dict[str, Any]] = []
    lean = sizes[-1] > 200_000  # a million members with the full history would take most of an hour to write
    async with common.migrated(kind, workdir, "scans") as database:
        community_id = await common.import_sample(database, NOW - timedelta(days=400), workdir)
        # Drip progress is written for members who joined in the last 30 days only: older members are
        # outside every drip window (the longest reaches back 17 days), so their rows change no scan.
        history = History(
            community_id,
            NOW,
            seed=len(kind),
            recent_progress=True,
            lean=lean,
            tier_id=await common.default_tier(database),
        )
        app = await start_app(database, workdir)
        try:
            members = 0
            for i, size in enumerate(sizes):
                if deadline.over:
                    break
                t0 = time.perf_counter()
                rows = await grow(database, history, size - members - 2 * DUE, DUE, NOW + timedelta(minutes=55 - i))
                members = size
                if i == 0:  # a year of weekly live sessions, RSVP'd by 3% of the members each
                    history.rows = Rows()
                    history.rows.next_id.update(await next_ids(database))
                    history.past_sessions()
                    rows += history.rows.count()
                    await write(database, history.rows)
                last = size == sizes[-1]
                result: dict[str, Any] = {
                    "members": size,
                    "rows_added": rows,
                    "build_s": round(time.perf_counter() - t0, 1),
                    "db_mb": await db_size_mb(database, workdir),
                    "due": DUE,
                    "scans": await scans(app, naive=last),
                }
                if last and not deadline.over:
                    await grow(database, history, 0, DUE_MORE, NOW + timedelta(minutes=45))
                    result["more"] = {"due": DUE_MORE, "scans": await scans(app, naive=True)}
                out.append(result)
                print(f"due_scans {kind}: {result}", file=sys.stderr, flush=True)
        finally:
            await app.stop()
    return out


def worst(runs_at_size: list[dict[str, Any]]) -> dict[str, float]:
    """The slowest idle scan, the slowest with 50 due and with 500 due, at one size."""
    found = {"idle": 0.0, "due50": 0.0, "due500": 0.0}
    for r in runs_at_size:
        for s in r["scans"].values():
            found["idle"] = max(found["idle"], s["idle_ms"])
            found["due50"] = max(found["due50"], s["due_ms"])
        for s in r.get("more", {}).get("scans", {}).values():
            found["idle"] = max(found["idle"], s["idle_ms"])
            found["due500"] = max(found["due500"], s["due_ms"])
    return found


def verdict(found: dict[str, float]) -> bool:
    return all(found[k] <= TARGET_MS[k] for k in TARGET_MS)


async def main() -> None:
    common.quiet_logs()
    deadline = common.Deadline(BUDGET_S)
    kinds = ["sqlite"] + (["postgresql"] if await common.pg_reachable() else [])
    results: dict[str, list[dict[str, Any]]] = {k: [] for k in kinds}
    record: dict[str, Any] = {"benchmark": "due_scans", "sizes": list(SIZES)}
    with common.scratch_dir("scans") as workdir:
        for kind in kinds:
            results[kind] = await staged(kind, SIZES, workdir, deadline)
        largest = {k: worst([r for r in runs if r["members"] == SIZES[-1]]) for k, runs in results.items()}
        record |= {"results": results, "worst_ms_at_largest": largest}
        ok = bool(largest) and all(verdict(w) for w in largest.values())
        if os.environ.get("BENCH_1M") and "postgresql" in kinds:
            big = await staged("postgresql", (BIG,), workdir, common.Deadline(BIG_BUDGET_S))
            record["postgresql_big"] = big
            record["worst_ms_big"] = worst(big)
            ok = ok and bool(big) and verdict(record["worst_ms_big"])
    common.emit(
        record
        | {
            "target_ms": TARGET_MS,
            "ok": ok,
            "postgresql": await common.pg_version(),
            "loadavg_1m": common.loadavg_1m(),
        }
    )


if __name__ == "__main__":
    asyncio.run(main())
