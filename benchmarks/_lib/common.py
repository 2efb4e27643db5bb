"""What every benchmark shares: the repo on sys.path, one JSON line out, databases, the fake platform.

Benchmarks are run as scripts (`python benchmarks/x.py`), so `benchmarks/` is on sys.path and
`from _lib import common` works; the repo root is added here for `bot` and `storage`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from sqlalchemy import text  # noqa: E402

from storage.database import Database  # noqa: E402
from storage.migrate import upgrade  # noqa: E402

PG_URL = os.environ.get("MEMBOT_BENCH_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
SAMPLE = REPO / "examples" / "strategy-club"
PYTHON = sys.executable


def quiet_logs() -> None:
    """Benchmarks print one JSON line on stdout; the app's logs stay on stderr and only when they matter."""
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    for noisy in ("apscheduler", "alembic", "aiohttp.access"):
        logging.getLogger(noisy).setLevel(logging.ERROR)


def emit(record: dict[str, Any]) -> None:
    print(json.dumps(record, separators=(", ", ": ")), flush=True)


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of unsorted values; 0.0 for none."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, min(len(ordered), int(-(-q * len(ordered) // 100))))
    return ordered[rank - 1]


def machine() -> dict[str, Any]:
    """What the numbers were measured on."""
    mem_kb = 0
    with contextlib.suppress(OSError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    return {
        "nproc": os.cpu_count(),
        "ram_gib": round(mem_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
    }


class Deadline:
    """A benchmark's own time budget: `left()` seconds remain; `over` once spent."""

    def __init__(self, seconds: float) -> None:
        self.end = time.monotonic() + seconds

    def left(self) -> float:
        return max(0.0, self.end - time.monotonic())

    @property
    def over(self) -> bool:
        return time.monotonic() >= self.end


# -- databases ----------------------------------------------------------------------------


@contextlib.contextmanager
def scratch_dir(prefix: str) -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix=f"membot-bench-{prefix}-"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


async def pg_reachable() -> bool:
    database = Database(PG_URL)
    try:
        async with database.engine.connect() as conn:
            await asyncio.wait_for(conn.execute(text("SELECT 1")), 5)
        return True
    except Exception:
        return False
    finally:
        await database.dispose()


async def pg_version() -> str | None:
    database = Database(PG_URL)
    try:
        async with database.engine.connect() as conn:
            return str(await conn.scalar(text("SHOW server_version")))
    except Exception:
        return None
    finally:
        await database.dispose()


@contextlib.asynccontextmanager
async def migrated(kind: str, workdir: Path, name: str = "membot") -> AsyncIterator[Database]:
    """A freshly migrated database: a SQLite file in `workdir`, or a PostgreSQL schema of its own
    (as tests/conftest.py does), dropped afterwards."""
    if kind == "sqlite":
        database = Database(f"sqlite+aiosqlite:///{workdir / (name + '.db')}")
        await upgrade(database)
        try:
            yield database
        finally:
            await database.dispose()
        return
    schema = f"membot_bench_{uuid.uuid4().hex[:10]}"
    admin = Database(PG_URL)
    async with admin.engine.begin() as conn:
        await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    database = Database(PG_URL, schema=schema)
    database.schema = schema  # type: ignore[attr-defined]  # for COPY and for worker processes
    try:
        await upgrade(database)
        yield database
    finally:
        await database.dispose()
        async with admin.engine.begin() as conn:
            await conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        await admin.dispose()


def schema_of(database: Database) -> str | None:
    return getattr(database, "schema", None)


async def import_sample(database: Database, now: datetime, workdir: Path) -> int:
    """Import the sample community; returns its id."""
    from bot.community.loader import load_community
    from bot.services.importer import import_community

    path = workdir / "strategy-club"
    if not path.exists():
        shutil.copytree(SAMPLE, path)
    await import_community(database, load_community(path), now)
    async with database.engine.connect() as conn:
        return int(await conn.scalar(text("SELECT id FROM communities")))


def settings_for(database: Database, workdir: Path) -> Any:
    from bot.settings import Settings

    return Settings(database_url=database.url, _env_file=None)


# -- the fake platform, in a process of its own --------------------------------------------


class FakePlatformProcess:
    """`python -m bot.testing.rate_limited_platform` on 127.0.0.1; stops with the benchmark."""

    def __init__(self, rate: float, burst: int) -> None:
        self.rate, self.burst = rate, burst
        self.proc: subprocess.Popen[bytes] | None = None
        self.port = 0

    def __enter__(self) -> FakePlatformProcess:
        self.proc = subprocess.Popen(
            [
                PYTHON,
                "-m",
                "bot.testing.rate_limited_platform",
                "--rate",
                str(self.rate),
                "--burst",
                str(self.burst),
                "--port",
                "0",
                "--watch-stdin",
            ],
            cwd=REPO,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline().decode().strip()
        if not line.startswith("PORT "):
            self.__exit__(None, None, None)
            raise RuntimeError(f"fake platform did not start: {line!r}")
        self.port = int(line.split()[1])
        return self

    def __exit__(self, *_exc: object) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    async def _request(self, method: str, path: str) -> Any:
        import aiohttp

        async with aiohttp.ClientSession() as http, http.request(method, f"http://127.0.0.1:{self.port}{path}") as resp:
            return await resp.json()

    async def stats(self) -> dict[str, Any]:
        return await self._request("GET", "/_stats")

    async def keys(self) -> list[list[Any]]:
        return await self._request("GET", "/_keys")

    async def reset(self) -> None:
        await self._request("POST", "/_reset")


def rss_mb(pid: int | None = None) -> float:
    """Resident set size of a process (this one by default), in MB."""
    status = Path(f"/proc/{pid or 'self'}/status").read_text()
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def default_tier(database: Database) -> int:
    """The imported community's default tier (for synthetic memberships)."""
    async with database.engine.connect() as conn:
        return int(await conn.scalar(text("SELECT id FROM tiers ORDER BY is_default DESC, id LIMIT 1")))


def loadavg_1m() -> float:
    """The 1-minute load average: timings on this shared machine vary with it."""
    return round(os.getloadavg()[0], 1)
