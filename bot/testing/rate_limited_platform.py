"""A fake chat platform on 127.0.0.1 that enforces a rate limit per workspace, and an adapter for it.

The server speaks Slack's wire format for the calls a fan-out makes (`auth.test`,
`chat.postMessage`, `chat.update`), so the same server answers membot's adapter below and a
plain `slack_sdk.AsyncWebClient(base_url=...)`. The workspace is named by the bearer token
(`xoxb-<workspace>`). Each workspace has a token bucket (`rate` per second, `burst` deep);
a `chat.postMessage` beyond it answers HTTP 429, `{"ok": false, "error": "ratelimited"}` and
`Retry-After` in whole seconds (at least 1, as Slack does), and is not delivered.

The server counts what it accepted per (workspace, channel, text), so a benchmark can tell
duplicates (a key accepted twice) and losses (an expected key never accepted). It is meant
to run in a process of its own (benchmarks start it with `python -m
bot.testing.rate_limited_platform`), so its CPU time is not the bot's:

    GET  /_stats   counts, per workspace: ok, 429s, first/last accepted (monotonic seconds)
    GET  /_keys    every accepted key with its count (for duplicate/loss checks)
    POST /_reset   forget everything

`RateLimitedPlatform` implements the Platform protocol with aiohttp against this server,
translating 429 into `RateLimited(retry_after)`, 5xx and network failures into
`TransientError`, any other `ok: false` into `PermanentError`. Nothing here leaves 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import math
import os
import signal
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web

from bot.messages import DeliveryKey, OutboundMessage, SentMessage, Target
from bot.ports import (
    Capabilities,
    Dispatch,
    PermanentError,
    RateLimited,
    TransientError,
    UserProfile,
)
from bot.testing.loopback import LoopbackServer

TOKEN_PREFIX = "xoxb-"
LIMITED_METHODS = frozenset({"chat.postMessage"})


def token_for(workspace: str) -> str:
    return f"{TOKEN_PREFIX}{workspace}"


# -- the server ---------------------------------------------------------------------------


@dataclass
class _Bucket:
    rate: float
    burst: float
    tokens: float
    updated: float
    ok: int = 0
    limited: int = 0
    first_ok: float | None = None
    last_ok: float | None = None

    def take(self, now: float) -> float:
        """0.0 if a send is allowed now (and takes a token), else the seconds until one would be."""
        self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return 0.0
        return (1.0 - self.tokens) / self.rate


@dataclass
class RateLimitedServer:
    """The fake platform. `rate`/`burst` apply to each workspace separately."""

    rate: float = 200.0
    burst: int = 20
    host: str = "127.0.0.1"
    port: int = 0
    buckets: dict[str, _Bucket] = field(default_factory=dict)
    accepted: Counter[tuple[str, str, str]] = field(default_factory=Counter)

    def __post_init__(self) -> None:
        if self.host not in ("127.0.0.1", "localhost", "::1"):
            raise ValueError("the fake platform listens on loopback only")
        self._server: LoopbackServer | None = None
        self._ts = itertools.count(1)

    async def start(self) -> RateLimitedServer:
        app = web.Application(client_max_size=4 * 1024 * 1024)
        app.router.add_post("/api/{method}", self._api)
        app.router.add_get("/_stats", self._stats)
        app.router.add_get("/_keys", self._keys)
        app.router.add_post("/_reset", self._reset)
        self._server = LoopbackServer(app, host=self.host, port=self.port)
        self.port = await self._server.start(backlog=1024)
        return self

    async def stop(self) -> None:
        if self._server is not None:
            await self._server.stop()

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}/api/"

    def _bucket(self, workspace: str) -> _Bucket:
        bucket = self.buckets.get(workspace)
        if bucket is None:
            bucket = self.buckets[workspace] = _Bucket(self.rate, self.burst, float(self.burst), time.monotonic())
        return bucket

    def stats(self) -> dict[str, Any]:
        per = {
            ws: {"ok": b.ok, "429": b.limited, "first_ok": b.first_ok, "last_ok": b.last_ok}
            for ws, b in sorted(self.buckets.items())
        }
        duplicates = sum(n - 1 for n in self.accepted.values() if n > 1)
        return {
            "rate": self.rate,
            "burst": self.burst,
            "workspaces": per,
            "ok": sum(b.ok for b in self.buckets.values()),
            "429": sum(b.limited for b in self.buckets.values()),
            "distinct": len(self.accepted),
            "duplicates": duplicates,
        }

    # -- HTTP ----------------------------------------------------------------------------

    async def _params(self, request: web.Request) -> dict[str, Any]:
        params: dict[str, Any] = dict(request.query)
        if request.content_type == "application/json":
            params.update(await request.json())
        elif request.can_read_body:
            params.update(dict(await request.post()))
        return params

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        auth = request.headers.get("Authorization", "")
        if not auth.startswith(f"Bearer {TOKEN_PREFIX}"):
            return web.json_response({"ok": False, "error": "not_authed"})
        workspace = auth[len("Bearer ") + len(TOKEN_PREFIX) :]
        params = await self._params(request)
        if method == "auth.test":
            return web.json_response({"ok": True, "team_id": workspace, "user_id": "UBOT", "bot_id": "BBOT"})
        if method not in ("chat.postMessage", "chat.update"):
            return web.json_response({"ok": False, "error": "unknown_method"})
        channel, text = str(params.get("channel") or ""), str(params.get("text") or "")
        if not channel:
            return web.json_response({"ok": False, "error": "channel_not_found"})
        if method in LIMITED_METHODS:
            bucket = self._bucket(workspace)
            now = time.monotonic()
            wait = bucket.take(now)
            if wait > 0.0:
                bucket.limited += 1
                return web.json_response(
                    {"ok": False, "error": "ratelimited"},
                    status=429,
                    headers={"Retry-After": str(max(1, math.ceil(wait)))},
                )
            bucket.ok += 1
            bucket.first_ok = now if bucket.first_ok is None else bucket.first_ok
            bucket.last_ok = now
            self.accepted[(workspace, channel, text)] += 1
        ts = f"{int(time.time())}.{next(self._ts):06d}"
        return web.json_response({"ok": True, "channel": channel, "ts": ts, "message": {"text": text}})

    async def _stats(self, _request: web.Request) -> web.Response:
        return web.json_response(self.stats())

    async def _keys(self, _request: web.Request) -> web.Response:
        return web.json_response([[ws, ch, text, n] for (ws, ch, text), n in self.accepted.items()])

    async def _reset(self, _request: web.Request) -> web.Response:
        self.buckets.clear()
        self.accepted.clear()
        return web.json_response({"ok": True})


# -- the adapter --------------------------------------------------------------------------


class RateLimitedPlatform:
    """The Platform protocol over HTTP (aiohttp) against `RateLimitedServer`.

    `sends_per_second`/`burst` are what the adapter tells the outbox's limiter; set them to
    the server's limit (or a share of it when several processes send to one workspace).
    """

    def __init__(
        self,
        base_url: str,
        *,
        workspaces: tuple[str, ...] = ("W1",),
        name: str = "ratelimited",
        sends_per_second: float = 200.0,
        burst: int = 20,
        timeout: float = 10.0,
    ) -> None:
        self.name = name
        self.capabilities = Capabilities(
            forms=False,
            edit=True,
            files=False,
            ephemeral=False,
            threads=True,
            access_control=False,
            mass_dm_allowed=True,
            sends_per_second=sends_per_second,
            burst=burst,
        )
        self._base = base_url.rstrip("/") + "/"
        self._workspaces = workspaces
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._http: aiohttp.ClientSession | None = None
        self._dispatch: Dispatch | None = None
        self.calls = 0

    @property
    def workspaces(self) -> tuple[str, ...]:
        return self._workspaces

    async def start(self, dispatch: Dispatch) -> None:
        self._dispatch = dispatch
        self._http = aiohttp.ClientSession(timeout=self._timeout, connector=aiohttp.TCPConnector(limit=64))

    async def stop(self) -> None:
        if self._http is not None:
            await self._http.close()
            self._http = None

    async def _call(self, workspace: str, method: str, body: dict[str, Any]) -> dict[str, Any]:
        if self._http is None:
            raise TransientError("platform not started")
        self.calls += 1
        try:
            async with self._http.post(
                self._base + method,
                data=json.dumps(body),
                headers={
                    "Authorization": f"Bearer {token_for(workspace)}",
                    "Content-Type": "application/json; charset=utf-8",
                },
            ) as response:
                if response.status == 429:
                    raise RateLimited(float(response.headers.get("Retry-After", "1")), "ratelimited")
                if response.status >= 500:
                    raise TransientError(f"HTTP {response.status}")
                data: dict[str, Any] = await response.json()
        except (TimeoutError, aiohttp.ClientError) as exc:
            raise TransientError(f"unreachable: {type(exc).__name__}") from exc
        if not data.get("ok"):
            raise PermanentError(str(data.get("error", "unknown_error")))
        return data

    @staticmethod
    def _channel(target: Target) -> str:
        return target.user_id or target.channel or ""

    @staticmethod
    def _body(target: Target, message: OutboundMessage) -> dict[str, Any]:
        from bot.platforms.slack.render import (
            render_message,  # pure: Block Kit JSON, no SDK
        )

        body = render_message(message)
        body["channel"] = RateLimitedPlatform._channel(target)
        if target.thread_id:
            body["thread_ts"] = target.thread_id
        return body

    async def send(
        self, target: Target, message: OutboundMessage, *, delivery: DeliveryKey | None = None
    ) -> SentMessage:
        data = await self._call(target.workspace_id, "chat.postMessage", self._body(target, message))
        return SentMessage(message_id=str(data["ts"]), channel_id=str(data["channel"]))

    async def edit(self, target: Target, message_id: str, message: OutboundMessage) -> None:
        body = self._body(target, message)
        body["ts"] = message_id
        await self._call(target.workspace_id, "chat.update", body)

    async def upload_file(self, target: Target, filename: str, data: bytes, title: str) -> SentMessage:
        raise PermanentError("the rate-limited fake takes no files")

    async def grant_access(self, workspace_id: str, user_id: str, tier: str) -> None:
        return None

    async def revoke_access(self, workspace_id: str, user_id: str, tier: str) -> None:
        return None

    async def lookup_user(self, workspace_id: str, user_id: str) -> UserProfile:
        return UserProfile(user_id=user_id, display_name=user_id)


# -- running the server as a process of its own -----------------------------------------


async def _serve(rate: float, burst: int, port: int, watch_stdin: bool) -> None:
    server = await RateLimitedServer(rate=rate, burst=burst, port=port).start()
    print(f"PORT {server.port}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    if watch_stdin:  # stop when the parent goes away, so a crashed benchmark leaves nothing behind
        loop.add_reader(sys.stdin.fileno(), lambda: stop.set() if not os.read(sys.stdin.fileno(), 1024) else None)
    await stop.wait()
    await server.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rate", type=float, default=200.0, help="sends per second per workspace")
    parser.add_argument("--burst", type=int, default=20)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--watch-stdin", action="store_true", help="stop when standard input closes (the parent died)")
    args = parser.parse_args(argv)
    asyncio.run(_serve(args.rate, args.burst, args.port, args.watch_stdin))


if __name__ == "__main__":
    main()
