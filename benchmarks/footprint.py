"""Footprint: RSS and start-up time of a running bot with 100,000 members (SQLite), or (opt-in,
BENCH_FOOTPRINT_PG=1) with 1,000,000 members on PostgreSQL.

A database of members (identities, preferences, an open membership each, a lean history: one
activity row each, drip progress for recent joiners, the nudges and milestones already had) is
built (COPY on PostgreSQL, in a database of its own, dropped afterwards), then
benchmarks/_lib/run_bot.py starts the real app on it in a fresh process (App.start: platforms
connected, web server and delivery worker running, then the catch-up, every job's first run,
in the background before the scheduler takes over). Reported: process start to "started"
(`start_s`: imports + build + connect; commands are answered and queued messages delivered
from here), to the end of the catch-up (`caught_up_s`), each job's first run (slowest first),
RSS after the catch-up and 3 s of running, and the peak (VmHWM). Targets: 100k SQLite RSS < 250 MB;
1M PostgreSQL RSS < 300 MB and start-up < 5 s. One JSON line.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _lib import common
from _lib.synth import History, Rows, write
from sqlalchemy import text

PG = bool(os.environ.get("BENCH_FOOTPRINT_PG"))
MEMBERS = int(os.environ.get("BENCH_FOOTPRINT_MEMBERS", "1000000" if PG else "100000"))
TARGET_RSS_MB = 300.0 if PG else 250.0
TARGET_START_S = 5.0 if PG else None
CHUNK = 100_000  # members generated and written at a time
PG_DATABASE = "membot_bench_footprint"


async def build(url: str) -> float:
    from bot.clock import SystemClock

    now = SystemClock().now()
    t0 = time.perf_counter()
    database = common.Database(url)
    await common.upgrade(database)
    with common.scratch_dir("footprint-sample") as workdir:
        community_id = await common.import_sample(database, now, workdir)
    history = History(community_id, now, lean=True, tier_id=await common.default_tier(database))
    left = MEMBERS
    while left > 0:
        previous = history.rows.next_id  # ids carry on from one chunk to the next
        history.rows = Rows()
        history.rows.next_id.update(previous)
        history.background(min(left, CHUNK))
        left -= CHUNK
        await write(database, history.rows)
    await database.dispose()
    return time.perf_counter() - t0


def run_bot(url: str) -> dict[str, Any]:
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [common.PYTHON, str(Path(__file__).parent / "_lib" / "run_bot.py"), url],
        cwd=common.REPO,
        stdout=subprocess.PIPE,
    )
    assert proc.stdout is not None
    out: dict[str, Any] = {"first_run_s": {}}
    try:
        for raw in proc.stdout:
            parts = raw.decode().split()
            if parts and parts[0] == "READY":
                out["start_s"] = round(time.perf_counter() - t0, 2)
                out["imports_s"], out["build_and_connect_s"] = float(parts[1]), float(parts[2])
            elif parts and parts[0] == "CAUGHT_UP":
                out["caught_up_s"] = float(parts[1])
            elif parts and parts[0] == "JOB":
                out["first_run_s"][parts[1]] = float(parts[2])
            elif parts and parts[0] == "RSS":
                out["rss_mb"], out["peak_rss_mb"] = float(parts[1]), float(parts[2])
        proc.wait(120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    slowest = dict(list(out["first_run_s"].items())[:6])
    out["first_run_s"] = slowest  # the slowest six; the rest took less
    return out


async def pg_database(create: bool) -> str:
    admin = common.Database(common.PG_URL)
    async with admin.engine.connect() as conn:
        conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
        await conn.execute(text(f'DROP DATABASE IF EXISTS "{PG_DATABASE}"'))
        if create:
            await conn.execute(text(f'CREATE DATABASE "{PG_DATABASE}"'))
    await admin.dispose()
    return common.PG_URL.rsplit("/", 1)[0] + f"/{PG_DATABASE}"


async def pg_size_mb(url: str) -> float:
    database = common.Database(url)
    async with database.engine.connect() as conn:
        size = await conn.scalar(text("SELECT pg_database_size(current_database())"))
    await database.dispose()
    return round(int(size or 0) / 1e6, 1)


async def main() -> None:
    common.quiet_logs()
    if PG:
        url = await pg_database(create=True)
        try:
            build_s = await build(url)
            db_mb = await pg_size_mb(url)
            figures = run_bot(url)
        finally:
            await pg_database(create=False)
    else:
        with common.scratch_dir("footprint") as workdir:
            url = f"sqlite+aiosqlite:///{workdir / 'footprint.db'}"
            build_s = await build(url)
            figures = run_bot(url)
            db_mb = round((workdir / "footprint.db").stat().st_size / 1e6, 1)
    rss = figures.get("rss_mb", float("inf"))
    start = figures.get("start_s", float("inf"))
    common.emit(
        {
            "benchmark": "footprint",
            "database": "postgresql" if PG else "sqlite",
            "members": MEMBERS,
            "db_mb": db_mb,
            "build_s": round(build_s, 1),
            **figures,
            "target_rss_mb": TARGET_RSS_MB,
            "target_start_s": TARGET_START_S,
            "ok": rss < TARGET_RSS_MB and (TARGET_START_S is None or start < TARGET_START_S),
            "loadavg_1m": common.loadavg_1m(),
        }
    )


if __name__ == "__main__":
    asyncio.run(main())
