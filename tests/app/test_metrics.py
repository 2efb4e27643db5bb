"""Prometheus metrics at /metrics: a registry per App, deliveries, outbox depth, rate limits, latency, webhooks."""

from __future__ import annotations

from datetime import timedelta

import prometheus_client
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from prometheus_client.parser import text_string_to_metric_families

from bot.app import App
from bot.metrics import Metrics
from bot.platforms.memory import MemoryPlatform
from bot.ports import RateLimited


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def test_each_metrics_has_its_own_registry() -> None:
    first, second = Metrics(), Metrics()  # registering twice in one registry would raise
    first.observe_handler("CommandInvoked", 0.02)
    assert first.registry is not second.registry
    assert (
        prometheus_client.REGISTRY.get_sample_value("membot_handler_seconds_count", {"event": "CommandInvoked"}) is None
    )
    assert first.registry.get_sample_value("membot_handler_seconds_count", {"event": "CommandInvoked"}) == 1
    assert second.registry.get_sample_value("membot_handler_seconds_count", {"event": "CommandInvoked"}) is None
    assert first.handler_calls["CommandInvoked"] == 1


async def test_metrics_endpoint(app: App, memory: MemoryPlatform) -> None:
    async def hook(_request: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    app.web.add_route("POST", "/hooks/test", hook)
    await memory.command("creator", "help")
    await memory.join("u1", "Dana Smith")
    await memory.join("u2", "Eli Park")  # two welcomes waiting in the outbox
    # No MEMBOT_METRICS_TOKEN: /metrics is on the loopback listener, webhooks on the public port.
    async with (
        TestClient(TestServer(app.web.application)) as client,
        TestClient(TestServer(app.web.loopback_application)) as local,
    ):
        assert (await client.get("/metrics")).status == 404
        first = samples(await (await local.get("/metrics")).text())
        assert first[("membot_outbox_depth", (("status", "pending"),))] >= 2
        assert first[("membot_outbox_depth", (("status", "sending"),))] == 0
        assert first[("membot_handler_seconds_count", (("event", "CommandInvoked"),))] == 1
        assert first[("membot_handler_seconds_count", (("event", "MemberJoined"),))] == 2

        memory.fail_next(RateLimited(3.0))
        waiting = int(first[("membot_outbox_depth", (("status", "pending"),))])
        await app.settle()
        for _ in range(3):
            await app.advance_time(timedelta(seconds=5))
        assert (await (await client.post("/hooks/test")).json()) == {"ok": True}
        assert (await client.post("/hooks/nothing-here")).status == 404
        after = samples(await (await local.get("/metrics")).text())

    assert after[("membot_deliveries_total", (("outcome", "rate_limited"),))] == 1
    assert after[("membot_deliveries_total", (("outcome", "sent"),))] >= waiting
    assert after[("membot_deliveries_total", (("outcome", "failed"),))] == 0
    assert after[("membot_rate_limit_penalties_total", ())] == 1
    assert after[("membot_outbox_depth", (("status", "pending"),))] == 0
    assert after[("membot_webhook_events_total", (("route", "/hooks/test"), ("status", "200")))] == 1
    assert after[("membot_webhook_events_total", (("route", "unmatched"), ("status", "404")))] == 2
    assert ("membot_webhook_events_total", (("route", "/metrics"), ("status", "200"))) not in after


async def test_metrics_do_not_start_a_web_server_for_the_console(app: App) -> None:
    assert not app.web.has_routes  # memory platform only: /metrics is there if the server runs, but starts nothing
