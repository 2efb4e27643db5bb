"""A bot process for the footprint benchmark: `python benchmarks/_lib/run_bot.py DATABASE_URL`.

Starts the real app as `membot run` would (App.start with the scheduler, which runs every job
once, and the delivery worker in the background) on the memory platform, prints one line
`READY <import_s> <start_s>` when started (platforms connected, web server and delivery
worker running), `CAUGHT_UP <s>` when the first run of every job (the catch-up, behind them)
has finished, `JOB <name> <seconds>` for the first run of each job (slowest first), then
`RSS <rss_mb> <hwm_mb>` after SETTLE seconds of running, and stops.
"""

from __future__ import annotations

import time

T0 = time.perf_counter()

import asyncio  # noqa: E402
import dataclasses  # noqa: E402
import sys  # noqa: E402
from collections.abc import Awaitable, Callable  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bot.app import build_app  # noqa: E402
from bot.platforms.memory import MemoryPlatform  # noqa: E402
from bot.settings import Settings  # noqa: E402

IMPORTED = time.perf_counter()
SETTLE = 3.0


def memory_mb() -> tuple[float, float]:
    fields = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def _timed(name: str, run: Callable[[], Awaitable[Any]], into: dict[str, float]) -> Callable[[], Awaitable[Any]]:
    """The job's run, timing its first call (the one App.start makes) into `into`."""

    async def timed() -> Any:
        t0 = time.perf_counter()
        try:
            return await run()
        finally:
            into.setdefault(name, time.perf_counter() - t0)

    return timed


async def main(url: str) -> None:
    settings = Settings(database_url=url, _env_file=None)
    app = await build_app(settings, platforms={"memory": MemoryPlatform(workspaces=("W1",))})
    first_runs: dict[str, float] = {}
    app.scheduler.jobs = tuple(
        dataclasses.replace(job, run=_timed(job.name, job.run, first_runs)) for job in app.scheduler.jobs
    )
    await app.start(background=True)
    started = time.perf_counter()
    print(f"READY {IMPORTED - T0:.3f} {started - IMPORTED:.3f}", flush=True)
    await app.caught_up.wait()
    print(f"CAUGHT_UP {time.perf_counter() - T0:.3f}", flush=True)
    for name, seconds in sorted(first_runs.items(), key=lambda item: -item[1]):
        print(f"JOB {name} {seconds:.3f}", flush=True)
    await app.services.answers.knowledge.current()  # the FAQ index (and its model) in memory too
    await asyncio.sleep(SETTLE)
    rss, hwm = memory_mb()
    print(f"RSS {rss:.1f} {hwm:.1f}", flush=True)
    await app.stop()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
