"""A fake Discord REST API on 127.0.0.1 (aiohttp): speaks enough of the wire format for
discord.py's real HTTP client, records every call, and can answer 429 or 5xx on demand.

    fake = FakeDiscord(); await fake.start()
    adapter = DiscordPlatform(..., base_url=fake.base_url, gateway=False)
    fake.rate_limit("POST", r"/channels/\\d+/messages", retry_after=60)
"""

from __future__ import annotations

import asyncio
import itertools
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from bot.testing.fake_discord_wire import Call, Json, json_response, read_body, user_payload
from bot.testing.loopback import LoopbackServer

API_PREFIX = "/api/v10"
GUILD_ID = "900000000000000001"
APPLICATION_ID = "900000000000000002"
BOT_USER_ID = "900000000000000003"
BOT_ROLE_ID = "900000000000000004"

Handler = Callable[["FakeDiscord", Call, re.Match[str]], Awaitable[tuple[int, Json]]]


@dataclass
class Scripted:
    method: str
    pattern: re.Pattern[str]
    status: int
    body: Json
    headers: dict[str, str]
    times: int


class FakeDiscord:
    def __init__(
        self, *, guild_id: str = GUILD_ID, application_id: str = APPLICATION_ID, bot_user_id: str = BOT_USER_ID
    ) -> None:
        self.guild_id = guild_id
        self.application_id = application_id
        self.bot_user = user_payload(bot_user_id, "membot", bot=True)
        self.calls: list[Call] = []
        self.channels: list[dict[str, Any]] = []
        self.threads: dict[str, dict[str, Any]] = {}  # started from a message: thread id == message id
        self.by_nonce: dict[tuple[str, str], dict[str, Any]] = {}  # (channel, nonce) -> the message it made
        self._dm_channels: set[str] = set()
        self.roles: list[dict[str, Any]] = [
            {"id": guild_id, "name": "@everyone", "position": 0, "permissions": "0", "managed": False},
            {"id": BOT_ROLE_ID, "name": "membot", "position": 1, "permissions": str(1 << 28), "managed": True},
        ]
        self.members: dict[str, dict[str, Any]] = {}
        self.scheduled_events: dict[str, dict[str, Any]] = {}
        self.commands: list[dict[str, Any]] = []
        self._scripted: list[Scripted] = []
        self._ids = itertools.count(910000000000000000)
        self._arrived = asyncio.Condition()
        self._server: LoopbackServer | None = None
        self.port = 0
        self.add_member(bot_user_id, "membot", roles=[BOT_ROLE_ID], bot=True)

    # -- set-up --------------------------------------------------------------------------

    async def start(self) -> str:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._server = LoopbackServer(app)
        self.port = await self._server.start()
        return self.base_url

    async def close(self) -> None:
        if self._server is not None:
            await self._server.stop()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}{API_PREFIX}"

    def snowflake(self) -> str:
        return str(next(self._ids))

    def add_channel(self, name: str, *, type_: int = 0) -> str:
        channel_id = self.snowflake()
        self.channels.append(
            {"id": channel_id, "name": name, "type": type_, "guild_id": self.guild_id, "position": len(self.channels)}
        )
        return channel_id

    def add_role(self, name: str, *, position: int, permissions: int = 0, managed: bool = False) -> str:
        role_id = self.snowflake()
        self.roles.append(
            {"id": role_id, "name": name, "position": position, "permissions": str(permissions), "managed": managed}
        )
        return role_id

    def add_member(
        self, user_id: str, username: str, *, roles: list[str] | None = None, bot: bool = False, nick: str | None = None
    ) -> None:
        self.members[user_id] = {
            "user": user_payload(user_id, username, bot=bot),
            "nick": nick,
            "roles": list(roles or []),
            "joined_at": "2026-11-20T12:00:00+00:00",
            "deaf": False,
            "mute": False,
            "flags": 0,
            "pending": False,
        }

    # -- fault injection -----------------------------------------------------------------

    def fail(
        self, method: str, path: str, status: int, *, code: int = 0, message: str = "error", times: int = 1
    ) -> None:
        """The next `times` calls matching (method, path regex) answer `status` with a Discord error body."""
        self._scripted.append(Scripted(method, re.compile(path), status, {"code": code, "message": message}, {}, times))

    def rate_limit(self, method: str, path: str, *, retry_after: float, times: int = 1, global_: bool = False) -> None:
        """Answer 429 as Discord does: JSON retry_after, Retry-After header, and the Via header discord.py checks."""
        headers = {
            "Retry-After": str(int(retry_after) if retry_after == int(retry_after) else retry_after),
            "X-RateLimit-Scope": "global" if global_ else "user",
            "Via": "1.1 google",
        }
        if global_:
            headers["X-RateLimit-Global"] = "true"
        body = {"message": "You are being rate limited.", "retry_after": retry_after, "global": global_, "code": 0}
        self._scripted.append(Scripted(method, re.compile(path), 429, body, headers, times))

    # -- reading what happened -----------------------------------------------------------

    def requests(self, method: str, path: str) -> list[Call]:
        pattern = re.compile(path)
        return [c for c in self.calls if c.method == method and pattern.fullmatch(c.path)]

    async def wait_for(self, method: str, path: str, *, count: int = 1, timeout: float = 5.0) -> list[Call]:
        """Wait (event-driven, no polling sleeps) until `count` matching calls arrived."""
        async with self._arrived:
            await asyncio.wait_for(self._arrived.wait_for(lambda: len(self.requests(method, path)) >= count), timeout)
        return self.requests(method, path)

    # -- the server ----------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        path = request.path.removeprefix(API_PREFIX)
        body, files = await read_body(request)
        call = Call(request.method, path, dict(request.query), body, dict(request.headers), files)
        async with self._arrived:
            self.calls.append(call)
            self._arrived.notify_all()
        for scripted in self._scripted:
            if scripted.method == request.method and scripted.pattern.fullmatch(path) and scripted.times > 0:
                scripted.times -= 1
                return json_response(scripted.body, scripted.status, scripted.headers)
        for method, pattern, handler in _ROUTES:
            match = pattern.fullmatch(path)
            if method == request.method and match:
                status, payload = await handler(self, call, match)
                if status == 204:
                    return web.Response(status=204)
                return json_response(payload, status)
        return json_response({"code": 0, "message": f"fake Discord has no route {request.method} {path}"}, 404)

    def message(self, channel_id: str, body: Json, *, flags: int = 0) -> dict[str, Any]:
        body = body or {}
        return {
            "id": self.snowflake(),
            "channel_id": channel_id,
            "type": 0,
            "content": body.get("content") or "",
            "embeds": body.get("embeds", []),
            "components": body.get("components", []),
            "author": self.bot_user,
            "timestamp": datetime.now(UTC).isoformat(),
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [],
            "pinned": False,
            "flags": flags | int(body.get("flags", 0)),
        }


# -- routes ------------------------------------------------------------------------------


async def _me(fake: FakeDiscord, call: Call, m: re.Match[str]) -> tuple[int, Json]:
    return 200, fake.bot_user


async def _application(fake: FakeDiscord, call: Call, m: re.Match[str]) -> tuple[int, Json]:
    return 200, {
        "id": fake.application_id,
        "name": "membot",
        "description": "",
        "icon": None,
        "bot_public": False,
        "bot_require_code_grant": False,
        "owner": user_payload("900000000000000099", "owner"),
        "verify_key": "0" * 64,
        "flags": 0,
    }


async def _sync_commands(fake: FakeDiscord, call: Call, m: re.Match[str]) -> tuple[int, Json]:
    fake.commands = [
        {
            **c,
            "id": fake.snowflake(),
            "application_id": fake.application_id,
            "guild_id": m["guild"],
            "version": "1",
            "type": c.get("type", 1),
        }
        for c in call.body
    ]
    return 200, fake.commands


async def _open_dm(fake: FakeDiscord, call: Call, m: re.Match[str]) -> tuple[int, Json]:
    recipient = str(call.body["recipient_id"])
    channel_id = f"8{recipient[1:]}"
    fake._dm_channels.add(channel_id)
    return 200, {
        "id": channel_id,
        "type": 1,
        "last_message_id": None,
        "recipients": [user_payload(recipient, "member")],
    }


UNKNOWN_CHANNEL = 10003


async def _post_message(fake: FakeDiscord, call: Call, m: re.Match[str]) -> tuple[int, Json]:
    channel = m["channel"]
    known = {c["id"] for c in fake.channels} | fake._dm_channels | set(fake.threads)
    if fake.channels and channel not in known:  # a fake with no channels set up accepts any id
        return 404, {"code": UNKNOWN_CHANNEL, "message": "Unknown Channel"}
    nonce = str((call.body or {}).get("nonce") or "")
    if nonce and (call.body or {}).get("enforce_nonce") and (channel, nonce) in fake.by_nonce:
        return 200, fake.by_nonce[channel, nonce]  # Discord: the message this nonce already made, not a new one
    message = fake.message(channel, call.body)
    if nonce:
        message["nonce"] = nonce
        fake.by_nonce[channel, nonce] = message
    return 200, message


async def _start_thread(fake: FakeDiscord, call: Call, m: re.Match[str]) -> tuple[int, Json]:
    """POST /channels/{channel}/messages/{message}/threads: the thread's id is the message's."""
    if m["message"] in fake.threads:
        return 400, {"code": 160004, "message": "A thread has already been created for this message"}
    thread = {
        "id": m["message"],
        "type": 11,
        "guild_id": fake.guild_id,
        "parent_id": m["channel"],
        "name": call.body.get("name", ""),
        "owner_id": fake.bot_user["id"],
        "thread_metadata": {
            "archived": False,
            "auto_archive_duration": call.body.get("auto_archive_duration", 1440),
            "archive_timestamp": datetime.now(UTC).isoformat(),
            "locked": False,
        },
    }
    fake.threads[m["message"]] = thread
    return 201, thread


async def _edit_message(fake: FakeDiscord, call: Call, m: re.Match[str]) -> tuple[int, Json]:
    return 200, {**fake.message(m["channel"], call.body), "id": m["message"]}


async def _channels(fake: FakeDiscord, call: Call, m: re.Match[str]) -> tuple[int, Json]:
    return 200, fake.channels


async def _roles(fake: FakeDiscord, call: Call, m: re.Match[str]) -> tuple[int, Json]:
    return 200, fake.roles


async def _member(fake: FakeDiscord, call: Call, m: re.Match[str]) -> tuple[int, Json]:
    member = fake.members.get(m["user"])
    return (200, member) if member else (404, {"code": 10007, "message": "Unknown Member"})


async def _kick(fake: FakeDiscord, call: Call, m: re.Match[str]) -> tuple[int, Json]:
    """Removing a member from the server (a kick)."""
    fake.members.pop(m["user"], None)
    return 204, None


async def _member_role(fake: FakeDiscord, call: Call, m: re.Match[str]) -> tuple[int, Json]:
    member = fake.members.get(m["user"])
    if member is None:
        return 404, {"code": 10007, "message": "Unknown Member"}
    roles = member["roles"]
    if call.method == "PUT" and m["role"] not in roles:
        roles.append(m["role"])
    elif call.method == "DELETE" and m["role"] in roles:
        roles.remove(m["role"])
    return 204, None


async def _events(fake: FakeDiscord, call: Call, m: re.Match[str]) -> tuple[int, Json]:
    if call.method == "GET":
        return 200, list(fake.scheduled_events.values())
    event = {
        **call.body,
        "id": fake.snowflake(),
        "guild_id": fake.guild_id,
        "status": 1,
        "creator_id": fake.bot_user["id"],
    }
    fake.scheduled_events[event["id"]] = event
    return 200, event


async def _event(fake: FakeDiscord, call: Call, m: re.Match[str]) -> tuple[int, Json]:
    event = fake.scheduled_events.get(m["event"])
    if event is None:
        return 404, {"code": 10070, "message": "Unknown Guild Scheduled Event"}
    event.update(call.body or {})
    return 200, event


async def _interaction_callback(fake: FakeDiscord, call: Call, m: re.Match[str]) -> tuple[int, Json]:
    kind = int(call.body["type"])
    data = call.body.get("data") or {}
    ephemeral = bool(int(data.get("flags", 0)) & 64)
    response: dict[str, Any] = {
        "interaction": {
            "id": m["id"],
            "type": 2,
            "response_message_loading": kind == 5,
            "response_message_ephemeral": ephemeral,
        }
    }
    if kind == 4:
        message = fake.message("0", data)
        response["interaction"]["response_message_id"] = message["id"]
        response["resource"] = {"type": kind, "message": message}
    return 200, response


async def _followup(fake: FakeDiscord, call: Call, m: re.Match[str]) -> tuple[int, Json]:
    return 200, fake.message("0", call.body)


async def _original(fake: FakeDiscord, call: Call, m: re.Match[str]) -> tuple[int, Json]:
    return (204, None) if call.method == "DELETE" else (200, fake.message("0", call.body))


_ID = r"\d+"
_ROUTES: list[tuple[str, re.Pattern[str], Handler]] = [
    (method, re.compile(pattern), handler)
    for method, pattern, handler in (
        ("GET", r"/users/@me", _me),
        ("GET", r"/oauth2/applications/@me", _application),
        ("PUT", rf"/applications/{_ID}/guilds/(?P<guild>{_ID})/commands", _sync_commands),
        ("POST", r"/users/@me/channels", _open_dm),
        ("POST", rf"/channels/(?P<channel>{_ID})/messages", _post_message),
        ("PATCH", rf"/channels/(?P<channel>{_ID})/messages/(?P<message>{_ID})", _edit_message),
        ("POST", rf"/channels/(?P<channel>{_ID})/messages/(?P<message>{_ID})/threads", _start_thread),
        ("GET", rf"/guilds/{_ID}/channels", _channels),
        ("GET", rf"/guilds/{_ID}/roles", _roles),
        ("GET", rf"/guilds/{_ID}/members/(?P<user>{_ID})", _member),
        ("PUT", rf"/guilds/{_ID}/members/(?P<user>{_ID})/roles/(?P<role>{_ID})", _member_role),
        ("DELETE", rf"/guilds/{_ID}/members/(?P<user>{_ID})/roles/(?P<role>{_ID})", _member_role),
        ("DELETE", rf"/guilds/{_ID}/members/(?P<user>{_ID})", _kick),
        ("GET", rf"/guilds/{_ID}/scheduled-events", _events),
        ("POST", rf"/guilds/{_ID}/scheduled-events", _events),
        ("PATCH", rf"/guilds/{_ID}/scheduled-events/(?P<event>{_ID})", _event),
        ("POST", rf"/interactions/(?P<id>{_ID})/(?P<token>[^/]+)/callback", _interaction_callback),
        ("POST", rf"/webhooks/{_ID}/(?P<token>[^/]+)", _followup),
        ("PATCH", rf"/webhooks/{_ID}/(?P<token>[^/]+)/messages/@original", _original),
        ("DELETE", rf"/webhooks/{_ID}/(?P<token>[^/]+)/messages/@original", _original),
    )
]
