"""The crash harness's inbound scenario: a `/feedback` command posted over HTTP goes through the router's
entry point the way an adapter sends it (record, ack, handle), and every reply is logged durably.

A reply to the live interaction is logged as `reply:<event id>`; a reply of an event replayed after
a kill goes through the outbox (`inbound:<row>:reply:<n>`), so the parent can tell the two apart.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import TYPE_CHECKING, Any, Protocol

from aiohttp import web

from bot.events import CommandInvoked, UserRef
from bot.messages import Form, OutboundMessage

if TYPE_CHECKING:
    from bot.app import App


class Lines(Protocol):
    def write(self, line: str) -> None: ...


class LoggedReply:
    """The live interaction's answer: logged durably (one line per reply) as `reply:<event id>`."""

    def __init__(self, log: Lines, event_id: str) -> None:
        self._log = log
        self._event_id = event_id

    async def reply(self, message: OutboundMessage, *, ephemeral: bool = True) -> None:
        self._log.write(json.dumps({"kind": "send", "key": f"reply:{self._event_id}", "t": time.time()}))

    async def open_form(self, form: Form) -> bool:
        return False


class InboundEndpoint:
    """`POST /inbound` `{"user", "event_id", "text"}`: a `/feedback` command, dispatched as the Slack
    adapter does with Bolt: the router records it, calls `ack` (here: the 200 goes out), then handles
    it while the response is already on its way. The time to the ack goes to `ack.txt` (ms)."""

    def __init__(self, app: App, platform: str, workspace: str, log: Lines, acks: Lines) -> None:
        self._app = app
        self._where = (platform, workspace)
        self._log = log
        self._acks = acks
        self._running: set[asyncio.Task[Any]] = set()

    def mount(self) -> None:
        self._app.web.add_route("POST", "/inbound", self.handle)

    async def handle(self, request: web.Request) -> web.Response:
        started = time.perf_counter()
        body = await request.json()
        event = CommandInvoked(
            user=UserRef(*self._where, body["user"]),
            name="feedback",
            args=body["text"],
            event_id=body["event_id"],
            responder=LoggedReply(self._log, body["event_id"]),
        )
        acked = asyncio.get_running_loop().create_future()

        async def ack() -> None:
            self._acks.write(f"{(time.perf_counter() - started) * 1000:.3f}")
            acked.set_result(None)

        task = asyncio.create_task(self._app.router.dispatch(event, ack=ack))
        self._running.add(task)
        task.add_done_callback(self._running.discard)
        await asyncio.wait({acked, task}, return_when=asyncio.FIRST_COMPLETED)
        return web.Response(status=200 if acked.done() else 503)
