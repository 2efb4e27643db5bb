"""A fake OpenAI server for tests and demos: real chat-completions JSON on 127.0.0.1, scriptable per test.

    async with FakeOpenAI() as fake:
        fake.reply("You can pause from your account page [1].")
        fake.fail(500)              # the next request gets a 500
        fake.delay = 1.0            # later requests wait this long (released at once on close)
        fake.responder = lambda request: ...  # answers unscripted requests from what they ask
        ... AsyncOpenAI(base_url=fake.base_url, api_key="test") ...
        fake.requests[-1]["messages"]

Unscripted requests get what `responder` returns for the request body, or `default` (a short
answer citing [1]) when there is no responder or it returns None.
"""

from __future__ import annotations

import asyncio
import itertools
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from bot.testing.loopback import LoopbackServer

DEFAULT_ANSWER = "Here is what the community's notes say [1]."
Responder = Callable[[dict[str, Any]], str | None]


@dataclass(frozen=True)
class Scripted:
    content: str | None = None
    status: int = 200
    delay: float | None = None


class FakeOpenAI:
    def __init__(
        self, *, default: str = DEFAULT_ANSWER, model: str = "gpt-fake", responder: Responder | None = None
    ) -> None:
        self.default = default
        self.responder = responder
        self.model = model
        self.delay = 0.0
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self._script: deque[Scripted] = deque()
        self._ids = itertools.count(1)
        self._released = asyncio.Event()
        self._server: LoopbackServer | None = None
        self.port = 0

    # -- scripting ---------------------------------------------------------------------------

    def reply(self, *contents: str, delay: float | None = None) -> None:
        """The next requests get these answers, in order."""
        self._script.extend(Scripted(content=c, delay=delay) for c in contents)

    def fail(self, status: int = 500, times: int = 1) -> None:
        """The next `times` requests get an OpenAI-style error with this status."""
        self._script.extend(Scripted(status=status) for _ in range(times))

    def hang(self, seconds: float, content: str | None = None) -> None:
        """The next request waits `seconds` before answering (or until the server closes)."""
        self._script.append(Scripted(content=content, delay=seconds))

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    # -- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> FakeOpenAI:
        app = web.Application()
        app.router.add_post("/v1/chat/completions", self._completions)
        app.router.add_post("/chat/completions", self._completions)
        self._server = LoopbackServer(app, shutdown_timeout=0.1)
        self.port = await self._server.start()
        return self

    async def close(self) -> None:
        self._released.set()
        if self._server is not None:
            await self._server.stop()

    async def __aenter__(self) -> FakeOpenAI:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # -- the endpoint ------------------------------------------------------------------------

    async def _completions(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.requests.append(body)
        self.headers.append(dict(request.headers))
        step = self._script.popleft() if self._script else Scripted()
        delay = step.delay if step.delay is not None else self.delay
        if delay:
            try:
                await asyncio.wait_for(self._released.wait(), delay)
            except TimeoutError:
                pass
        if step.status != 200:
            error = {"error": {"message": "fake failure", "type": "server_error", "param": None, "code": None}}
            return web.json_response(error, status=step.status)
        content = step.content
        if content is None and self.responder is not None:
            content = self.responder(body)
        if content is None:
            content = self.default
        n = next(self._ids)
        return web.json_response(
            {
                "id": f"chatcmpl-fake{n}",
                "object": "chat.completion",
                "created": 1_790_000_000 + n,
                "model": body.get("model", self.model),
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": content},
                        "logprobs": None,
                        "finish_reason": "stop",
                    }
                ],
                "usage": {"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120},
            }
        )
