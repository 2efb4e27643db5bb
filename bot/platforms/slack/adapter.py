"""The Slack platform: a thin shell around slack_bolt's AsyncApp implementing the Platform protocol.

Socket Mode when an app token is given, else HTTP (`POST /slack/events` on an aiohttp server).
Every listener hands Bolt's `ack` to the router, which records the event durably (one INSERT),
acknowledges, then handles it: Slack's 3-second deadline holds however slow the handler is, and
a crash after the ack is finished by the next process. Retried deliveries keep their event_id
and the router drops them.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable, Collection, Mapping
from dataclasses import replace
from typing import Any

from aiohttp import web
from slack_bolt.app.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.clock import Clock, SystemClock
from bot.events import Event, MemberJoined, MemberLeft, UserRef
from bot.log_throttle import ThrottledLog
from bot.messages import DeliveryKey, OutboundMessage, SentMessage, Target
from bot.platforms.slack import endpoint, inbound
from bot.platforms.slack.access import TierAccess
from bot.platforms.slack.delivery import already_sent, metadata
from bot.platforms.slack.directory import SlackDirectory, profile_name
from bot.platforms.slack.errors import call, signed_in
from bot.platforms.slack.manifest import EVENTS_PATH
from bot.platforms.slack.render import render_home, render_message
from bot.platforms.slack.responder import SlackResponder, origin_from_metadata
from bot.platforms.slack.scrub import scrub
from bot.ports import Capabilities, Dispatch, PermanentError, PlatformError, UserProfile

log = logging.getLogger(__name__)

HomeProvider = Callable[[UserRef], Awaitable[OutboundMessage]]
EVENT_TYPES = (
    "team_join",
    "member_joined_channel",
    "member_left_channel",
    "message",
    "app_mention",
    "reaction_added",
)

# chat.postMessage allows about 1 message per second per channel, with short bursts, plus an
# unpublished workspace-wide limit. The outbox paces per workspace (not per channel), so 1/s
# for the whole workspace stays under both; a burst of 3 lets a new member's welcome DM and
# public greeting leave at once. A 429 still wins: its Retry-After pauses the workspace.
SLACK_CAPABILITIES = Capabilities(
    forms=True,
    edit=True,
    files=True,
    ephemeral=True,
    threads=True,
    access_control=True,
    mass_dm_allowed=True,
    sends_per_second=1.0,
    burst=3,
)


class SlackPlatform:
    name = "slack"
    capabilities = SLACK_CAPABILITIES

    def __init__(
        self,
        *,
        bot_token: str,
        signing_secret: str | None,
        app_token: str | None = None,
        api_url: str = "https://slack.com/api/",
        http_port: int | None = 8000,
        http_host: str = "0.0.0.0",
        tier_channels: Mapping[str, tuple[str, ...]] | None = None,
        tier_usergroups: Mapping[str, str] | None = None,
        home_provider: HomeProvider | None = None,
        member_channels: Collection[str] | None = None,
        faq_channel: str | None = None,
        client: AsyncWebClient | None = None,
        process_before_response: bool = False,
        clock: Clock | None = None,
    ) -> None:
        """`http_port=None` in HTTP mode serves nothing: mount `handle_http` on a shared server instead.

        `member_channels`: channels whose joins/leaves count as joining/leaving the community
        (names or ids); None counts every channel (a join is harmless: the welcome is sent
        once; a leave marks the member as gone).
        """
        if not bot_token:
            raise ValueError("Slack needs a bot token (xoxb-...)")
        if not app_token and not signing_secret:
            raise ValueError("Slack needs an app token (Socket Mode) or a signing secret (HTTP mode)")
        self._client = client or AsyncWebClient(token=bot_token, base_url=api_url, retry_handlers=[])
        self._app_token = app_token
        self._http_port = http_port
        self._http_host = http_host
        self._home_provider = home_provider
        self._member_channels = tuple(member_channels) if member_channels is not None else None
        self._faq_channel = faq_channel  # community.toml's `channels.faq`: a name or an id
        self.directory = SlackDirectory(self._client, clock)
        self._verifier = endpoint.Verifier(signing_secret) if signing_secret else None
        self._junk = ThrottledLog(log, clock or SystemClock())  # strangers' requests: one line a minute per cause
        self._access = TierAccess(self._client, self.directory, tier_channels or {}, tier_usergroups or {})
        self.bolt_app = AsyncApp(
            client=self._client,
            signing_secret=signing_secret or "",
            request_verification_enabled=bool(signing_secret),
            process_before_response=process_before_response,
            logger=logging.getLogger("slack_bolt"),
        )
        self._dispatch: Dispatch | None = None
        self._team_id: str | None = None
        self.bot_user_id: str | None = None
        self._socket: Any = None
        self._runner: web.AppRunner | None = None
        self._register_listeners()

    @property
    def workspaces(self) -> tuple[str, ...]:
        return (self._team_id,) if self._team_id else ()

    @property
    def mode(self) -> str:
        return "socket" if self._app_token else "http"

    # -- lifecycle -----------------------------------------------------------------------

    async def start(self, dispatch: Dispatch) -> None:
        self._dispatch = dispatch
        auth = await signed_in(call(self._client.auth_test()))
        self._team_id = auth["team_id"]
        self.bot_user_id = auth["user_id"]
        log.info("slack: connected to team %s as %s (%s mode)", self._team_id, self.bot_user_id, self.mode)
        if self._app_token:
            from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler

            self._socket = AsyncSocketModeHandler(self.bolt_app, self._app_token)
            await self._socket.connect_async()
        elif self._http_port is not None:
            server = web.Application()
            server.router.add_post(EVENTS_PATH, self.handle_http)
            self._runner = web.AppRunner(server)
            await self._runner.setup()
            await web.TCPSite(self._runner, self._http_host, self._http_port).start()
            log.info("slack: listening on port %s%s", self.http_port, EVENTS_PATH)

    @property
    def http_port(self) -> int | None:
        """The port actually bound (useful with port 0), or None when not serving."""
        if self._runner is None or not self._runner.addresses:
            return None
        return int(self._runner.addresses[0][1])

    async def stop(self) -> None:
        if self._socket is not None:
            await self._socket.close_async()
            self._socket = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        self._dispatch = None

    def add_routes(self, server: Any) -> None:
        """Mount `POST /slack/events` on a shared web server (anything with `add_route(method, path, handler)`,
        such as bot.web.WebServer); build the adapter with `http_port=None` then."""
        server.add_route("POST", EVENTS_PATH, self.handle_http)

    async def handle_request(self, body: str, headers: Mapping[str, str], query: str = "") -> tuple[int, str]:
        """One raw Slack request (signed body + headers) through Bolt: `(status, response body)`.

        The signature is checked before Bolt parses anything (401), and a signed body that is
        not a well-formed Slack request gets a 400 before Bolt or membot reads it, so no request
        from outside can cause a 500. `handle_http` serves this over HTTP; tests call it
        directly with real-shaped requests.
        """
        return await endpoint.handle_request(self.bolt_app, self._verifier, self._junk, body, headers, query)

    async def handle_http(self, request: web.Request) -> web.Response:
        """`POST /slack/events`: Events API, slash commands and interactivity."""
        status, body = await self.handle_request(*await endpoint.read_http(request))
        return endpoint.http_response(status, body)

    # -- inbound -------------------------------------------------------------------------

    def _register_listeners(self) -> None:
        bolt = self.bolt_app
        for kind in EVENT_TYPES:
            bolt.event(kind)(self._on_event)
        bolt.event("app_home_opened")(self._on_home_opened)
        bolt.command(re.compile(r"^/.+"))(self._on_command)
        bolt.action(re.compile(r".*"))(self._on_action)
        bolt.view(re.compile(r".*"))(self._on_view)

    async def _on_event(self, ack: Any, body: dict[str, Any]) -> None:
        body = scrub(body)
        event = inbound.event_from_envelope(body, bot_user_id=self.bot_user_id)
        if event is None or not await self._counts(event):
            await ack()
            return
        where = event.channel
        if where is not None and where.channel_id and not isinstance(event, (MemberJoined, MemberLeft)):
            thread = where.thread_id or getattr(event, "message_id", None)  # answer in the message's thread
            event = replace(event, responder=self._responder(event.user.user_id, where.channel_id, thread, where.is_dm))
        await self._emit(await self.directory.named(event, self._faq_channel), ack)

    async def _on_command(self, ack: Any, body: dict[str, Any], respond: Any) -> None:
        body = scrub(body)
        channel = body.get("channel_id")
        responder = self._responder(
            body.get("user_id", ""),
            channel,
            None,
            bool(channel and channel.startswith("D")),
            respond=respond if body.get("response_url") else None,  # Bolt's respond needs it
            trigger_id=body.get("trigger_id"),
        )
        await self._emit(inbound.command_event(body, responder), ack)

    async def _on_action(self, ack: Any, body: dict[str, Any], respond: Any = None) -> None:
        body = scrub(body)
        where = inbound.interaction_channel(body)
        user_id = (body.get("user") or {}).get("id", "")
        responder = self._responder(
            user_id,
            where.channel_id if where else None,
            where.thread_id if where else None,
            bool(where and where.is_dm),
            respond=respond if body.get("response_url") else None,
            trigger_id=body.get("trigger_id"),
        )
        events = inbound.action_events(body, responder)
        if not events:
            await ack()
        for n, event in enumerate(events):  # block_actions carry one action in practice: the ack goes with the first
            await self._emit(event, ack if n == 0 else None)

    async def _on_view(self, ack: Any, body: dict[str, Any]) -> None:
        body = scrub(body)
        channel, is_dm = origin_from_metadata((body.get("view") or {}).get("private_metadata"))
        user_id = (body.get("user") or {}).get("id", "")
        event = inbound.form_event(body, self._responder(user_id, channel, None, is_dm))
        if event is None:
            await ack()
        else:
            await self._emit(event, ack)

    async def _on_home_opened(self, ack: Any, body: dict[str, Any]) -> None:
        body = scrub(body)
        await ack()
        user = inbound.home_opened(body)
        if user is None or self._home_provider is None:
            return
        try:
            message = await self._home_provider(user)
            await call(self._client.views_publish(user_id=user.user_id, view=render_home(message)))
        except PlatformError as exc:
            log.warning("slack: App Home not published: %s", exc)
        except Exception:  # after the ack nobody else would see it
            log.exception("slack: building App Home failed")

    def _responder(
        self, user_id: str, channel_id: str | None, thread_ts: str | None, is_dm: bool, **extra: Any
    ) -> SlackResponder:
        return SlackResponder(self._client, self.directory, user_id, channel_id, thread_ts, is_dm, **extra)

    async def _counts(self, event: Event) -> bool:
        """Channel joins/leaves count only in `member_channels` (when set)."""
        if not isinstance(event, (MemberJoined, MemberLeft)) or event.channel is None or self._member_channels is None:
            return True
        for channel in self._member_channels:
            try:
                if await self.directory.channel_id(channel) == event.channel.channel_id:
                    return True
            except PermanentError:
                log.warning("slack: member channel %s not found", channel)
        return False

    async def _emit(self, event: Event, ack: Any = None) -> None:
        """The router records the event, then calls `ack` (Bolt's), then handles it. If recording
        fails nothing is acknowledged, so Slack retries the delivery (or the member sees an error)."""
        if self._dispatch is None:
            log.warning("slack: %s arrived before start; dropped", type(event).__name__)
            if ack is not None:
                await ack()
            return
        try:
            await self._dispatch(await self.directory.with_name(event), ack=ack)
        except Exception:  # after the ack nobody else would see it
            log.exception("slack: dispatching %s failed", type(event).__name__)

    # -- outbound ------------------------------------------------------------------------

    def _check_workspace(self, workspace_id: str) -> None:
        if self._team_id and workspace_id != self._team_id:
            raise PermanentError(f"slack: not installed in workspace {workspace_id}")

    async def _destination(self, target: Target) -> str:
        self._check_workspace(target.workspace_id)
        if target.user_id is not None:
            return await self.directory.dm_channel(target.user_id)
        assert target.channel is not None
        return await self.directory.channel_id(target.channel)

    async def send(
        self, target: Target, message: OutboundMessage, *, delivery: DeliveryKey | None = None
    ) -> SentMessage:
        channel = await self._destination(target)
        if delivery is not None and (ts := await already_sent(self._client, channel, delivery)):
            return SentMessage(message_id=ts, channel_id=channel)  # an earlier attempt got through
        response = await call(
            self._client.chat_postMessage(
                channel=channel,
                thread_ts=target.thread_id,
                metadata=metadata(delivery) if delivery is not None else None,
                **render_message(message),
            )
        )
        return SentMessage(message_id=response["ts"], channel_id=response.get("channel", channel))

    async def edit(self, target: Target, message_id: str, message: OutboundMessage) -> None:
        channel = await self._destination(target)
        await call(self._client.chat_update(channel=channel, ts=message_id, **render_message(message)))

    async def upload_file(self, target: Target, filename: str, data: bytes, title: str) -> SentMessage:
        channel = await self._destination(target)
        response = await call(
            self._client.files_upload_v2(
                channel=channel, file=data, filename=filename, title=title, thread_ts=target.thread_id
            )
        )
        files = response.get("files") or [response.get("file") or {}]
        return SentMessage(message_id=str(files[0].get("id", "")), channel_id=channel)

    async def grant_access(self, workspace_id: str, user_id: str, tier: str) -> None:
        self._check_workspace(workspace_id)
        await self._access.grant(user_id, tier)

    async def revoke_access(self, workspace_id: str, user_id: str, tier: str) -> None:
        self._check_workspace(workspace_id)
        await self._access.revoke(user_id, tier)

    async def lookup_user(self, workspace_id: str, user_id: str) -> UserProfile:
        self._check_workspace(workspace_id)
        response = await call(self._client.users_info(user=user_id, include_locale=True))
        user = response["user"]
        return UserProfile(
            user_id=user_id,
            display_name=profile_name(user) or user_id,
            locale=user.get("locale"),
            timezone=user.get("tz"),
            is_bot=bool(user.get("is_bot")),
        )


def _secret(value: Any) -> str | None:
    if value is None:
        return None
    return value.get_secret_value() if hasattr(value, "get_secret_value") else str(value)


def create_slack_platform(
    settings: Any, community_config: Any, *, web_server: Any = None, **overrides: Any
) -> SlackPlatform:
    """The adapter from settings (`slack_bot_token`, `slack_signing_secret`, `slack_app_token`,
    `slack_api_url`, `port`) and the community's tiers (a CommunityFile, or anything with `.config`).

    With `web_server` (bot.web.WebServer) HTTP mode mounts its route there instead of serving
    on its own port; Socket Mode needs no route. `overrides` go to SlackPlatform (e.g. home_provider).
    """
    config = getattr(community_config, "config", community_config)
    tiers = getattr(config, "tiers", ())
    options: dict[str, Any] = {
        "bot_token": _secret(settings.slack_bot_token) or "",
        "signing_secret": _secret(settings.slack_signing_secret),
        "app_token": _secret(settings.slack_app_token),
        "api_url": settings.slack_api_url,
        "http_port": settings.port,
        "tier_channels": {t.key: tuple(t.slack_channels) for t in tiers if t.slack_channels},
        "tier_usergroups": {t.key: t.slack_usergroup for t in tiers if t.slack_usergroup},
        "faq_channel": getattr(getattr(config, "channels", None), "faq", None),
    }
    if web_server is not None:
        options["http_port"] = None
    options.update(overrides)
    platform = SlackPlatform(**options)
    if web_server is not None and platform.mode == "http":
        platform.add_routes(web_server)
    return platform
