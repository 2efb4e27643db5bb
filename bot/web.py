"""One aiohttp web server on $PORT for everything served over HTTP: Slack events, Stripe webhooks,
health and metrics. Components add their routes; only bot.app starts it."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from aiohttp import web

log = logging.getLogger(__name__)

RouteHandler = Callable[[web.Request], Awaitable[web.StreamResponse]]
MAX_BODY_BYTES = 1024 * 1024  # webhooks and Slack payloads are far smaller


class WebServer:
    def __init__(self, port: int, host: str = "0.0.0.0") -> None:
        self.port = port
        self._host = host
        self._app = web.Application(client_max_size=MAX_BODY_BYTES)
        self._app.router.add_get("/healthz", self._healthz)
        self._runner: web.AppRunner | None = None
        self._routes: list[str] = []

    def add_route(self, method: str, path: str, handler: RouteHandler) -> None:
        self._app.router.add_route(method, path, handler)
        self._routes.append(f"{method} {path}")

    @property
    def has_routes(self) -> bool:
        """Whether anything besides /healthz needs the server (else it is not started)."""
        return bool(self._routes)

    @property
    def application(self) -> web.Application:
        """The aiohttp application, for tests that drive it with aiohttp's test client."""
        return self._app

    async def start(self) -> None:
        self._runner = web.AppRunner(self._app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self._host, self.port)
        await site.start()
        log.info("web server listening on port %d (%s)", self.port, ", ".join(self._routes) or "health only")

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _healthz(self, _request: web.Request) -> web.Response:
        return web.json_response({"ok": True})
