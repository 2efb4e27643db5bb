"""GET /healthz tells the truth: a real query, the outbox's lag and dead letters, 503 when the
database cannot be reached; /metrics needs a bearer token or is served on loopback only."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from aiohttp import ClientSession
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import update

from bot.app import App
from bot.clock import FakeClock
from bot.health import HealthCheck
from bot.metrics import Metrics, MetricsAccess
from bot.platforms.memory import MemoryPlatform
from bot.ports import PermanentError
from bot.settings import Settings
from bot.web import WebServer
from storage.database import Database
from storage.models import OutboxMessage


async def healthz(server: WebServer) -> tuple[int, dict[str, object]]:
    async with TestClient(TestServer(server.application)) as client:
        response = await client.get("/healthz")
        return response.status, await response.json()


async def test_healthz_reports_outbox_lag_and_dead_letters(app: App, memory: MemoryPlatform, clock: FakeClock) -> None:
    status, body = await healthz(app.web)
    assert status == 200 and body["ok"] is True and body["database"] == "ok"
    assert body["outbox"] == {"lag_seconds": 0.0, "due": 0, "dead_letters": 0}

    await memory.join("u1", "Dana Smith")  # a welcome waits in the outbox, not yet delivered
    clock.advance(timedelta(seconds=90))
    status, body = await healthz(app.web)
    outbox = body["outbox"]
    assert status == 200 and isinstance(outbox, dict)
    assert outbox["lag_seconds"] == 90.0 and outbox["due"] >= 1 and outbox["dead_letters"] == 0

    memory.fail_next(PermanentError("the user blocked the bot"))
    await app.settle()
    status, body = await healthz(app.web)
    assert status == 200 and body["outbox"] == {"lag_seconds": 0.0, "due": 0, "dead_letters": 1}


async def test_a_claimed_row_whose_lease_ran_out_counts_as_late(
    app: App, memory: MemoryPlatform, clock: FakeClock
) -> None:
    await memory.join("u1", "Dana Smith")
    async with app.database.session() as session:
        await session.execute(
            update(OutboxMessage).values(status="sending", lease_until=clock.now() + timedelta(seconds=60))
        )
    clock.advance(timedelta(seconds=30))
    assert (await healthz(app.web))[1]["outbox"] == {"lag_seconds": 0.0, "due": 0, "dead_letters": 0}  # still leased
    clock.advance(timedelta(seconds=100))  # its lease ran out 70 s ago: the worker that claimed it died
    outbox = (await healthz(app.web))[1]["outbox"]
    assert isinstance(outbox, dict) and outbox["lag_seconds"] == 70.0 and outbox["due"] >= 1


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("postgresql+asyncpg://postgres@127.0.0.1:{closed}/test", "refused the connection"),
        ("sqlite+aiosqlite:///{tmp}/no/such/folder/membot.db", "unable to open database file"),
    ],
)
async def test_healthz_is_503_when_the_database_cannot_be_reached(
    url: str, reason: str, tmp_path: Path, clock: FakeClock
) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    database = Database(url.format(closed=closed, tmp=tmp_path))
    try:
        status, body = await healthz(WebServer(0, health=HealthCheck(database, clock).report))
    finally:
        await database.dispose()
    assert status == 503 and body["ok"] is False
    assert isinstance(body["database"], str) and reason in body["database"]


async def test_healthz_is_503_when_the_database_does_not_answer(clock: FakeClock) -> None:
    silent: list[asyncio.StreamWriter] = []

    async def accept_and_say_nothing(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        silent.append(writer)

    server = await asyncio.start_server(accept_and_say_nothing, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    database = Database(f"postgresql+asyncpg://postgres@127.0.0.1:{port}/test")
    try:
        check = HealthCheck(database, clock, timeout=0.3)
        status, body = await healthz(WebServer(0, health=check.report))
    finally:
        for writer in silent:
            writer.close()
        server.close()
        await database.dispose()
    assert (status, body) == (503, {"ok": False, "database": "no answer within 0.3 s"})


async def test_healthz_after_the_database_is_disposed_still_queries_it(app: App) -> None:
    await app.database.dispose()  # a new pool is opened: the check runs a real query, not a flag
    status, body = await healthz(app.web)
    assert status == 200 and body["database"] == "ok"


# -- who may read /metrics ----------------------------------------------------------------


@pytest.fixture
async def token_server(sqlite_db: Database) -> AsyncIterator[WebServer]:
    server = WebServer(0)
    Metrics().serve(server, sqlite_db, start_server=True, access=MetricsAccess(token="s3cret"))
    yield server


async def test_metrics_with_a_token_needs_the_bearer(token_server: WebServer) -> None:
    async with TestClient(TestServer(token_server.application)) as client:
        assert (await client.get("/metrics")).status == 401
        wrong = await client.get("/metrics", headers={"Authorization": "Bearer nope"})
        assert wrong.status == 401 and wrong.headers["WWW-Authenticate"].startswith("Bearer")
        assert (await client.get("/metrics", headers={"Authorization": "Basic s3cret"})).status == 401
        right = await client.get("/metrics", headers={"Authorization": "Bearer s3cret"})
        assert right.status == 200 and "membot_outbox_depth" in await right.text()
    assert not token_server.loopback_application.router.routes()._routes  # type: ignore[attr-defined]  # nothing on loopback


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_metrics_without_a_token_listen_on_loopback_only(sqlite_db: Database, clock: FakeClock) -> None:
    public, local = free_port(), free_port()
    server = WebServer(public, host="127.0.0.1", health=HealthCheck(sqlite_db, clock).report)
    Metrics().serve(server, sqlite_db, start_server=True, access=MetricsAccess(loopback_port=local))
    assert server.has_routes  # a bot with a gateway platform starts the server for /metrics
    await server.start()
    try:
        listening = [site.name for runner in server._runners for site in runner.sites]
        assert listening == [f"http://127.0.0.1:{public}", f"http://127.0.0.1:{local}"]
        async with ClientSession() as http:
            assert (await http.get(f"http://127.0.0.1:{public}/metrics")).status == 404
            assert (await http.get(f"http://127.0.0.1:{public}/healthz")).status == 200
            found = await http.get(f"http://127.0.0.1:{local}/metrics")
            assert found.status == 200 and "membot_outbox_depth" in await found.text()
    finally:
        await server.stop()


async def test_a_busy_metrics_port_is_logged_and_the_server_still_runs(
    sqlite_db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        server = WebServer(free_port(), host="127.0.0.1")
        Metrics().serve(
            server, sqlite_db, start_server=True, access=MetricsAccess(loopback_port=taken.getsockname()[1])
        )
        await server.start()
        try:
            async with ClientSession() as http:
                assert (await http.get(f"http://127.0.0.1:{server.port}/healthz")).status == 200
        finally:
            await server.stop()
    assert "set MEMBOT_METRICS_PORT to a free port" in caplog.text


def test_metrics_access_from_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MEMBOT_METRICS_TOKEN", "t0ken")
    monkeypatch.setenv("MEMBOT_METRICS_PORT", "9999")
    assert MetricsAccess.from_settings(Settings(_env_file=None)) == MetricsAccess(token="t0ken", loopback_port=9999)
    monkeypatch.setenv("MEMBOT_METRICS_TOKEN", "")
    assert MetricsAccess.from_settings(Settings(_env_file=None)).token is None  # empty is no token


@pytest.mark.parametrize(
    "name", ["STRIPE_SECRET_KEY", "MEMBOT_STRIPE_SECRET_KEY", "STRIPE_API_KEY", "MEMBOT_STRIPE_API_KEY"]
)
def test_stripe_key_under_each_name(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    for other in ("STRIPE_SECRET_KEY", "MEMBOT_STRIPE_SECRET_KEY", "STRIPE_API_KEY", "MEMBOT_STRIPE_API_KEY"):
        monkeypatch.delenv(other, raising=False)
    monkeypatch.setenv(name, "sk_test_123")
    key = Settings(_env_file=None).stripe_api_key
    assert key is not None and key.get_secret_value() == "sk_test_123"
