"""One aiohttp web server on $PORT for everything served over HTTP: Slack events, Stripe webhooks,
health and metrics. Components add their routes; only bot.app starts it.

Routes added with `add_loopback_route` (/metrics without a token) are served by a second listener
on 127.0.0.1 only, never on the public port.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

log = logging.getLogger(__name__)

RouteHandler = Callable[[web.Request], Awaitable[web.StreamResponse]]
HealthReport = Callable[[], Awaitable[tuple[int, dict[str, Any]]]]
MAX_BODY_BYTES = 1024 * 1024  # webhooks and Slack payloads are far smaller
LOOPBACK = "127.0.0.1"


class WebServer:
    def __init__(self, port: int, host: str = "0.0.0.0", *, health: HealthReport | None = None) -> None:
        self.port = port
        self._host = host
        self._health = health
        self._app = web.Application(client_max_size=MAX_BODY_BYTES)
        self._app.router.add_get("/healthz", self._healthz)
        self._loopback = web.Application(client_max_size=MAX_BODY_BYTES)
        self._loopback_port: int | None = None
        self._runners: list[web.AppRunner] = []
        self._routes: list[str] = []

    def add_route(self, method: str, path: str, handler: RouteHandler) -> None:
        self._app.router.add_route(method, path, handler)
        self._routes.append(f"{method} {path}")

    def add_loopback_route(self, method: str, path: str, handler: RouteHandler, *, port: int, starts: bool) -> None:
        """Serve `path` on 127.0.0.1:`port` only. With `starts`, the route is a reason to start the server."""
        if self._loopback_port not in (None, port):
            raise ValueError(f"the loopback listener is already on port {self._loopback_port}, not {port}")
        self._loopback_port = port
        self._loopback.router.add_route(method, path, handler)
        if starts:
            self._routes.append(f"{method} {path} on {LOOPBACK}:{port}")

    @property
    def has_routes(self) -> bool:
        """Whether anything besides /healthz needs the server (else it is not started)."""
        return bool(self._routes)

    @property
    def application(self) -> web.Application:
        """The aiohttp application on the public port, for tests that drive it with aiohttp's test client."""
        return self._app

    @property
    def loopback_application(self) -> web.Application:
        """The application served on 127.0.0.1 only (empty unless a loopback route was added)."""
        return self._loopback

    async def start(self) -> None:
        await self._serve(self._app, self._host, self.port)
        if self._loopback_port is not None:
            try:
                await self._serve(self._loopback, LOOPBACK, self._loopback_port)
            except OSError as exc:  # metrics are not worth failing the bot for; say how to fix it
                log.error(
                    "cannot listen on %s:%d (%s): /metrics is off; set MEMBOT_METRICS_PORT to a free port",
                    LOOPBACK,
                    self._loopback_port,
                    exc.strerror or exc,
                )
        log.info("web server listening on port %d (%s)", self.port, ", ".join(self._routes) or "health only")

    async def _serve(self, application: web.Application, host: str, port: int) -> None:
        runner = web.AppRunner(application, access_log=None)
        await runner.setup()
        self._runners.append(runner)
        await web.TCPSite(runner, host, port).start()

    async def stop(self) -> None:
        while self._runners:
            await self._runners.pop().cleanup()

    async def _healthz(self, _request: web.Request) -> web.Response:
        if self._health is None:
            return web.json_response({"ok": True, "database": "not checked"})
        status, body = await self._health()
        return web.json_response(body, status=status)
