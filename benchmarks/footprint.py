"""Footprint: RSS and start-up time of a running bot with 100,000 members (SQLite).

A database with 100,000 members (identities, preferences, a lean history: one activity row
each, drip progress for recent joiners, the nudges already sent) is built, then
benchmarks/_lib/run_bot.py starts the real app on it in a fresh process (App.start: every
job runs once, then the scheduler and delivery worker run in the background). Reported:
process start to "started" (imports + build + first run of every job), RSS after 3 s of
running, and the peak (VmHWM). Target: RSS < 250 MB. One JSON line.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _lib import common
from _lib.synth import History, write

MEMBERS = int(os.environ.get("BENCH_FOOTPRINT_MEMBERS", "100000"))
TARGET_RSS_MB = 250.0


async def build(workdir: Path) -> tuple[str, float]:
    from bot.clock import SystemClock

    now = SystemClock().now()
    t0 = time.perf_counter()
    database = common.Database(f"sqlite+aiosqlite:///{workdir / 'footprint.db'}")
    await common.upgrade(database)
    community_id = await common.import_sample(database, now, workdir)
    history = History(community_id, now, lean=True)
    history.background(MEMBERS)
    await write(database, history.rows)
    await database.dispose()
    return database.url, time.perf_counter() - t0


def run_bot(url: str) -> dict[str, float]:
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [common.PYTHON, str(Path(__file__).parent / "_lib" / "run_bot.py"), url],
        cwd=common.REPO,
        stdout=subprocess.PIPE,
    )
    assert proc.stdout is not None
    out: dict[str, float] = {}
    try:
        for raw in proc.stdout:
            parts = raw.decode().split()
            if parts and parts[0] == "READY":
                out["start_s"] = round(time.perf_counter() - t0, 2)
                out["imports_s"], out["build_and_jobs_s"] = float(parts[1]), float(parts[2])
            elif parts and parts[0] == "RSS":
                out["rss_mb"], out["peak_rss_mb"] = float(parts[1]), float(parts[2])
        proc.wait(60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return out


async def main() -> None:
    common.quiet_logs()
    with common.scratch_dir("footprint") as workdir:
        url, build_s = await build(workdir)
        figures = run_bot(url)
        db_mb = round((workdir / "footprint.db").stat().st_size / 1e6, 1)
    rss = figures.get("rss_mb", float("inf"))
    common.emit(
        {
            "benchmark": "footprint",
            "members": MEMBERS,
            "db_mb": db_mb,
            "build_s": round(build_s, 1),
            **figures,
            "target_rss_mb": TARGET_RSS_MB,
            "ok": rss < TARGET_RSS_MB,
            "loadavg_1m": round(os.getloadavg()[0], 1),
        }
    )


if __name__ == "__main__":
    asyncio.run(main())
