"""Serve an aiohttp app on loopback at a free port: what every fake server in this package does."""

from __future__ import annotations

from typing import Any

from aiohttp import web


class LoopbackServer:
    def __init__(self, app: web.Application, *, host: str = "127.0.0.1", port: int = 0, **runner_options: Any) -> None:
        self._runner = web.AppRunner(app, **{"access_log": None, **runner_options})
        self._host = host
        self._port = port
        self._started = False

    async def start(self, *, backlog: int = 128) -> int:
        """Start serving; returns the port (a free one when 0 was asked for)."""
        await self._runner.setup()
        await web.TCPSite(self._runner, self._host, self._port, backlog=backlog).start()
        self._started = True
        return int(self._runner.addresses[0][1])

    async def stop(self) -> None:
        if self._started:
            self._started = False
            await self._runner.cleanup()
