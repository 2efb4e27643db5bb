"""A fake Slack Web API on 127.0.0.1 that speaks the real wire format, for tests and demos.

It records every call (method + params), keeps just enough state to answer realistically
(DM channels, channel members, user-group members, uploads) and can be told to fail:
`rate_limit("chat.postMessage", times=1, retry_after=30)` or `fail("conversations.invite", "missing_scope")`.
It also accepts `response_url` posts at `/respond/<id>` (see `response_url()`).
"""

from __future__ import annotations

import itertools
import json
import time
from collections import defaultdict, deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from bot.testing.loopback import LoopbackServer

JSON_PARAMS = frozenset({"blocks", "view", "files", "attachments"})
DEFAULT_CHANNELS = {"general": "C0GENERAL", "welcome": "C0WELCOME", "drops": "C0DROPS", "announcements": "C0ANNOUNCE"}


@dataclass(frozen=True)
class Call:
    method: str
    params: dict[str, Any]
    status: int = 200


@dataclass
class _Fault:
    status: int
    error: str
    retry_after: float | None = None


@dataclass
class FakeUser:
    id: str
    name: str
    real_name: str = ""
    display_name: str = ""
    tz: str = "Europe/Oslo"
    locale: str = "en-US"
    is_bot: bool = False


@dataclass
class FakeSlack:
    team_id: str = "T0TEAM"
    bot_user_id: str = "U0MEMBOT"
    token: str | None = None  # when set, calls with another bearer token get invalid_auth
    channels: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_CHANNELS))
    private_channels: set[str] = field(default_factory=set)
    usergroups: dict[str, str] = field(default_factory=dict)  # handle -> id
    users: dict[str, FakeUser] = field(default_factory=dict)
    page_size: int = 0  # >0 makes conversations.list paginate at most this many per page

    def __post_init__(self) -> None:
        self.calls: list[Call] = []
        self.responses: list[tuple[str, dict[str, Any]]] = []
        self.uploads: dict[str, bytes] = {}
        self.history: dict[str, list[dict[str, Any]]] = defaultdict(list)  # channel -> messages, newest last
        self.members: dict[str, set[str]] = defaultdict(set)  # channel id -> user ids
        self.group_members: dict[str, list[str]] = defaultdict(list)  # usergroup id -> user ids
        self._faults: dict[str, deque[_Fault]] = defaultdict(deque)
        self._ts = itertools.count(1)
        self._ids = itertools.count(1)
        self._server: LoopbackServer | None = None
        self.port = 0

    # -- lifecycle -----------------------------------------------------------------------

    async def start(self) -> FakeSlack:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/upload/{file_id}", self._upload)
        app.router.add_post("/respond/{token}", self._respond)
        self._server = LoopbackServer(app)
        self.port = await self._server.start()
        return self

    async def stop(self) -> None:
        if self._server is not None:
            await self._server.stop()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    def response_url(self, name: str = "r1") -> str:
        return f"http://127.0.0.1:{self.port}/respond/{name}"

    # -- fault injection -----------------------------------------------------------------

    def rate_limit(self, method: str, *, times: int = 1, retry_after: float = 30) -> None:
        """The next `times` calls of `method` answer HTTP 429 with Retry-After."""
        self._faults[method].extend(_Fault(429, "ratelimited", retry_after) for _ in range(times))

    def fail(self, method: str, error: str, *, times: int = 1, status: int = 200) -> None:
        """The next `times` calls of `method` answer `{"ok": false, "error": error}` (or a 5xx page)."""
        self._faults[method].extend(_Fault(status, error) for _ in range(times))

    # -- reading what happened -----------------------------------------------------------

    def calls_to(self, method: str, *, ok_only: bool = True) -> list[Call]:
        return [c for c in self.calls if c.method == method and (c.status == 200 or not ok_only)]

    def methods(self) -> list[str]:
        return [c.method for c in self.calls]

    def dm_channel_of(self, user_id: str) -> str:
        return f"D{user_id[1:]}" if user_id.startswith(("U", "W")) else f"D{user_id}"

    # -- HTTP ----------------------------------------------------------------------------

    async def _params(self, request: web.Request) -> dict[str, Any]:
        params: dict[str, Any] = dict(request.query)
        if request.content_type == "application/json":
            params.update(await request.json())
        elif request.can_read_body:
            params.update(dict(await request.post()))
        for key in JSON_PARAMS & params.keys():
            if isinstance(params[key], str):
                params[key] = json.loads(params[key])
        return params

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await self._params(request)
        if self.token and request.headers.get("Authorization") != f"Bearer {self.token}":
            self.calls.append(Call(method, params))
            return web.json_response({"ok": False, "error": "invalid_auth"})
        if self._faults[method]:
            fault = self._faults[method].popleft()
            self.calls.append(Call(method, params, fault.status))
            if fault.status >= 500:
                return web.Response(status=fault.status, text="upstream trouble")
            headers = {"Retry-After": f"{fault.retry_after:g}"} if fault.retry_after is not None else None
            return web.json_response({"ok": False, "error": fault.error}, status=fault.status, headers=headers)
        self.calls.append(Call(method, params))
        handler = getattr(self, "_m_" + method.replace(".", "_"), None)
        body = handler(params) if handler else {"ok": False, "error": "unknown_method"}
        return web.json_response(body)

    async def _upload(self, request: web.Request) -> web.Response:
        self.uploads[request.match_info["file_id"]] = await request.read()
        return web.Response(text=f"OK - {len(self.uploads[request.match_info['file_id']])}")

    async def _respond(self, request: web.Request) -> web.Response:
        self.responses.append((request.match_info["token"], await request.json()))
        return web.Response(text="ok")

    # -- methods -------------------------------------------------------------------------

    def _ts_next(self) -> str:
        """Like Slack's: the wall time it was posted (seconds), made unique by the fraction."""
        return f"{int(time.time())}.{next(self._ts):06d}"

    def _error(self, error: str) -> dict[str, Any]:
        return {"ok": False, "error": error}

    def _m_auth_test(self, params: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "ok": True,
            "url": "https://fake.slack.com/",
            "team": "Fake Team",
            "user": "membot",
            "team_id": self.team_id,
            "user_id": self.bot_user_id,
            "bot_id": "B0MEMBOT",
            "is_enterprise_install": False,
        }

    def _m_conversations_open(self, params: Mapping[str, Any]) -> dict[str, Any]:
        user = str(params.get("users", "")).split(",")[0]
        if not user:
            return self._error("users_list_not_supplied")
        if user == self.bot_user_id:
            return self._error("cannot_dm_bot")
        return {"ok": True, "no_op": True, "already_open": True, "channel": {"id": self.dm_channel_of(user)}}

    def _m_conversations_list(self, params: Mapping[str, Any]) -> dict[str, Any]:
        items = [
            {
                "id": cid,
                "name": name,
                "is_channel": True,
                "is_private": cid in self.private_channels,
                "is_archived": False,
            }
            for name, cid in self.channels.items()
        ]
        start = int(params.get("cursor") or 0)
        size = self.page_size or len(items) or 1
        page, rest = items[start : start + size], items[start + size :]
        return {"ok": True, "channels": page, "response_metadata": {"next_cursor": str(start + size) if rest else ""}}

    def _m_chat_postMessage(self, params: Mapping[str, Any]) -> dict[str, Any]:
        channel = params.get("channel")
        if not channel or (channel not in self.channels.values() and not str(channel).startswith("D")):
            return self._error("channel_not_found")
        ts = self._ts_next()
        message: dict[str, Any] = {"type": "message", "text": params.get("text", ""), "ts": ts, "bot_id": "B0BOT"}
        if params.get("metadata"):
            data = params["metadata"]
            message["metadata"] = json.loads(data) if isinstance(data, str) else data
        self.history[str(channel)].append(message)
        return {"ok": True, "channel": channel, "ts": ts, "message": message}

    def _m_conversations_history(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """Newest first, from `oldest` on, `limit` a page (metadata only with include_all_metadata)."""
        oldest = float(params.get("oldest") or 0)
        found = [m for m in reversed(self.history.get(str(params.get("channel")), [])) if float(m["ts"]) > oldest]
        start = int(params.get("cursor") or 0)
        limit = int(params.get("limit") or 100)
        page = found[start : start + limit]
        if str(params.get("include_all_metadata")).lower() not in ("true", "1"):
            page = [{k: v for k, v in m.items() if k != "metadata"} for m in page]
        more = len(found) > start + limit
        return {
            "ok": True,
            "messages": page,
            "has_more": more,
            "response_metadata": {"next_cursor": str(start + limit) if more else ""},
        }

    def _m_chat_postEphemeral(self, params: Mapping[str, Any]) -> dict[str, Any]:
        return {"ok": True, "message_ts": self._ts_next()}

    def _m_chat_update(self, params: Mapping[str, Any]) -> dict[str, Any]:
        return {"ok": True, "channel": params.get("channel"), "ts": params.get("ts"), "text": params.get("text", "")}

    def _m_views_open(self, params: Mapping[str, Any]) -> dict[str, Any]:
        if not params.get("trigger_id"):
            return self._error("invalid_trigger_id")
        return {"ok": True, "view": {"id": f"V{next(self._ids):08d}", **(params.get("view") or {})}}

    def _m_views_publish(self, params: Mapping[str, Any]) -> dict[str, Any]:
        return {"ok": True, "view": {"id": f"V{next(self._ids):08d}", **(params.get("view") or {})}}

    def _m_files_getUploadURLExternal(self, params: Mapping[str, Any]) -> dict[str, Any]:
        file_id = f"F{next(self._ids):08d}"
        return {"ok": True, "upload_url": f"http://127.0.0.1:{self.port}/upload/{file_id}", "file_id": file_id}

    def _m_files_completeUploadExternal(self, params: Mapping[str, Any]) -> dict[str, Any]:
        files = params.get("files") or []
        missing = [f["id"] for f in files if f["id"] not in self.uploads]
        if missing:
            return self._error("file_not_found")
        return {"ok": True, "files": [{"id": f["id"], "title": f.get("title") or ""} for f in files]}

    def _m_conversations_invite(self, params: Mapping[str, Any]) -> dict[str, Any]:
        channel, users = str(params.get("channel")), str(params.get("users", "")).split(",")
        if channel not in self.channels.values():
            return self._error("channel_not_found")
        if any(u in self.members[channel] for u in users):
            return self._error("already_in_channel")
        self.members[channel].update(users)
        return {"ok": True, "channel": {"id": channel}}

    def _m_conversations_kick(self, params: Mapping[str, Any]) -> dict[str, Any]:
        channel, user = str(params.get("channel")), str(params.get("user"))
        if channel not in self.channels.values():
            return self._error("channel_not_found")
        if user not in self.members[channel]:
            return self._error("not_in_channel")
        self.members[channel].discard(user)
        return {"ok": True}

    def _m_usergroups_list(self, params: Mapping[str, Any]) -> dict[str, Any]:
        groups = [
            {"id": gid, "handle": handle, "name": handle.title(), "team_id": self.team_id}
            for handle, gid in self.usergroups.items()
        ]
        return {"ok": True, "usergroups": groups}

    def _m_usergroups_users_list(self, params: Mapping[str, Any]) -> dict[str, Any]:
        group = str(params.get("usergroup"))
        if group not in self.usergroups.values():
            return self._error("no_such_subteam")
        return {"ok": True, "users": list(self.group_members[group])}

    def _m_usergroups_users_update(self, params: Mapping[str, Any]) -> dict[str, Any]:
        group = str(params.get("usergroup"))
        if group not in self.usergroups.values():
            return self._error("no_such_subteam")
        users = [u for u in str(params.get("users", "")).split(",") if u]
        if not users:
            return self._error("no_users_provided")
        self.group_members[group] = users
        return {"ok": True, "usergroup": {"id": group, "users": users}}

    def _m_users_info(self, params: Mapping[str, Any]) -> dict[str, Any]:
        user = self.users.get(str(params.get("user")))
        if user is None:
            return self._error("user_not_found")
        data: dict[str, Any] = {
            "id": user.id,
            "team_id": self.team_id,
            "name": user.name,
            "real_name": user.real_name,
            "tz": user.tz,
            "is_bot": user.is_bot,
            "deleted": False,
            "profile": {"display_name": user.display_name, "real_name": user.real_name},
        }
        if str(params.get("include_locale")).lower() in ("1", "true"):
            data["locale"] = user.locale
        return {"ok": True, "user": data}
