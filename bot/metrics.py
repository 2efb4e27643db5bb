"""Prometheus metrics for one App: its own registry (never the global default), served at GET /metrics.

Who may read them: with MEMBOT_METRICS_TOKEN set, /metrics is on the public port and asks for
`Authorization: Bearer <token>`; without it, /metrics is served on 127.0.0.1:MEMBOT_METRICS_PORT
only (a second listener), never on the public port.

Handler latency and HTTP webhook events are observed as they happen; delivery counters and
rate-limit waits are read from the delivery worker and limiter at scrape time; the outbox
depth is counted in the database at scrape time.
"""

from __future__ import annotations

import hmac
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, Metric
from prometheus_client.registry import Collector

from storage.repositories import analytics as counts

if TYPE_CHECKING:
    from bot.outbox import DeliveryStats
    from bot.ratelimit import SendPacer
    from bot.settings import Settings
    from bot.web import WebServer
    from storage.database import Database

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
NOT_WEBHOOKS = frozenset({"/metrics", "/healthz"})
METRICS_PATH = "/metrics"
UNAUTHORIZED = {"WWW-Authenticate": 'Bearer realm="membot metrics"'}
Depth = Callable[[], Awaitable[Mapping[str, int]]]


@dataclass(frozen=True)
class MetricsAccess:
    """A bearer token for /metrics on the public port, or (no token) a loopback-only port."""

    token: str | None = None
    loopback_port: int = 9464

    @classmethod
    def from_settings(cls, settings: Settings) -> MetricsAccess:
        token = settings.metrics_token.get_secret_value() if settings.metrics_token is not None else None
        return cls(token=token or None, loopback_port=settings.metrics_port)

    def allows(self, request: web.Request) -> bool:
        if self.token is None:
            return True  # only reachable from this machine
        scheme, _, given = request.headers.get("Authorization", "").partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), self.token.encode())


class DeliveryCollector(Collector):
    """Reads the delivery worker's and the rate limiter's running totals when scraped."""

    def __init__(self, stats: Callable[[], DeliveryStats], limiter: SendPacer) -> None:
        self._stats = stats
        self._limiter = limiter

    def collect(self) -> Iterator[Metric]:
        stats = self._stats()
        deliveries = CounterMetricFamily("membot_deliveries", "Outbox deliveries by outcome.", labels=["outcome"])
        for outcome, value in (
            ("sent", stats.sent),
            ("retried", stats.retried),
            ("rate_limited", stats.rate_limited),
            ("failed", stats.dead),
        ):
            deliveries.add_metric([outcome], value)
        yield deliveries
        yield CounterMetricFamily(
            "membot_rate_limit_wait_seconds",
            "Seconds sends waited for the rate limiter.",
            value=self._limiter.waited_seconds,
        )
        yield CounterMetricFamily(
            "membot_rate_limit_penalties",
            "Times a platform answered 429 and a key was paused.",
            value=self._limiter.penalties,
        )


class Metrics:
    """Instance state only: each App (and each test) gets its own registry."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.handler_calls: dict[str, int] = defaultdict(int)
        self.handler_seconds: dict[str, float] = defaultdict(float)
        self._latency = Histogram(
            "membot_handler_seconds",
            "Time to handle one inbound event.",
            ["event"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self._webhooks = Counter(
            "membot_webhook_events",
            "HTTP webhook requests received, by route and status.",
            ["route", "status"],
            registry=self.registry,
        )
        self._depth = Gauge(
            "membot_outbox_depth", "Outbox rows waiting to be delivered.", ["status"], registry=self.registry
        )
        self._depth_source: Depth | None = None
        self._watching = False

    def observe_handler(self, event_type: str, seconds: float) -> None:
        self.handler_calls[event_type] += 1
        self.handler_seconds[event_type] += seconds
        self._latency.labels(event=event_type).observe(seconds)

    def webhook_event(self, route: str, status: int) -> None:
        self._webhooks.labels(route=route, status=str(status)).inc()

    def watch_delivery(self, stats: Callable[[], DeliveryStats], limiter: SendPacer) -> None:
        if self._watching:
            raise RuntimeError("delivery metrics are already watched")
        self.registry.register(DeliveryCollector(stats, limiter))
        self._watching = True

    def watch_outbox(self, depth: Depth) -> None:
        self._depth_source = depth

    async def render(self) -> bytes:
        """The text exposition format, with the outbox depth counted now."""
        if self._depth_source is not None:
            for status, count in (await self._depth_source()).items():
                self._depth.labels(status=status).set(count)
        return generate_latest(self.registry)

    # -- HTTP ------------------------------------------------------------------------------

    async def handle(self, _request: web.Request) -> web.Response:
        body = await self.render()
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})

    @web.middleware
    async def count_webhooks(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        """Counts every request to a route other than /metrics and /healthz, by route template and status."""
        resource = request.match_info.route.resource
        route = resource.canonical if resource is not None else "unmatched"
        if route in NOT_WEBHOOKS:
            return await handler(request)
        try:
            response = await handler(request)
        except web.HTTPException as exc:
            self.webhook_event(route, exc.status)
            raise
        except Exception:
            self.webhook_event(route, 500)
            raise
        self.webhook_event(route, response.status)
        return response

    def serve(
        self, server: WebServer, database: Database, *, start_server: bool, access: MetricsAccess | None = None
    ) -> None:
        """Add GET /metrics (with the outbox depth from `database`) and the webhook counter to `server`.

        With a token in `access`, /metrics is on the public port behind it; without one, on the
        loopback listener only. With `start_server` the route makes the server start; without it
        (console, tests) /metrics is served only if something else starts the server.
        """
        access = access or MetricsAccess()

        async def depth() -> Mapping[str, int]:
            async with database.session() as session:
                return await counts.outbox_depth(session)

        async def guarded(request: web.Request) -> web.Response:
            if not access.allows(request):
                return web.Response(status=401, text="401: a bearer token is required\n", headers=UNAUTHORIZED)
            return await self.handle(request)

        self.watch_outbox(depth)
        server.application.middlewares.append(self.count_webhooks)
        if access.token is None:
            server.add_loopback_route("GET", METRICS_PATH, guarded, port=access.loopback_port, starts=start_server)
        elif start_server:
            server.add_route("GET", METRICS_PATH, guarded)
        else:
            server.application.router.add_get(METRICS_PATH, guarded)
