"""An app whose FAQ answers are written by an LLM, served by the fake OpenAI server."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import App
from bot.clock import FakeClock
from bot.platforms.memory import MemoryPlatform
from bot.settings import Settings
from bot.testing.fake_openai import FakeOpenAI
from storage.database import Database
from tests.conftest import make_app


@pytest.fixture
async def fake_openai_server() -> AsyncIterator[FakeOpenAI]:
    async with FakeOpenAI() as server:
        yield server


@pytest.fixture
def llm_timeout() -> float:
    """Long enough for a loaded machine's fake server to answer (0.3 s sometimes was not); the hang
    tests parametrize a short one."""
    return 5.0


@pytest.fixture
async def llm_app(
    llm_timeout: float,
    sqlite_db: Database,
    tmp_path: Path,
    clock: FakeClock,
    memory: MemoryPlatform,
    community_path: Path,
    fake_openai_server: FakeOpenAI,
) -> AsyncIterator[App]:
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'unused.db'}",
        openai_api_key="sk-test-not-real",
        openai_base_url=fake_openai_server.base_url,
        openai_model="gpt-test",
        openai_timeout_seconds=llm_timeout,
        faq_judge=False,  # the writer alone, as with MEMBOT_FAQ_JUDGE=off (the judge: tests/faq/test_faq_judge.py)
        _env_file=None,
    )
    application = await make_app(sqlite_db, settings, clock, {"memory": memory}, community_path)
    yield application
    await application.services.answers.aclose()
    await application.stop()
