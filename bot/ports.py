"""Neutral ports: the protocol every platform adapter implements, its optional capabilities,
and the neutral errors it raises.

This module sits below services, the outbox and the router; adapters in `bot/platforms/`
implement it, and nothing above the edge imports `bot.platforms`. An optional capability is a
runtime-checkable protocol (`isinstance(platform, Calendar)`), the one style of checking what
an adapter can do beyond `Platform`; `Capabilities` describes how it can do the common things.

Adapters translate SDK exceptions into these errors so the outbox can decide: wait
(`RateLimited`), retry with backoff (`TransientError`) or give up (`PermanentError`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, runtime_checkable

from bot.events import Event
from bot.messages import DeliveryKey, Form, OutboundMessage, SentMessage, Target

Ack = Callable[[], Awaitable[None]]


class Dispatch(Protocol):
    """The router's entry point. An adapter passes `ack`, its acknowledgement to the platform:
    the router calls it once the event is durably recorded and before handling it, so what
    the platform considers delivered survives a crash."""

    def __call__(self, event: Event, *, ack: Ack | None = None) -> Awaitable[object]: ...


class PlatformError(Exception):
    """Base class of what an adapter raises when a platform call fails."""


class RateLimited(PlatformError):
    """The platform said 429: wait `retry_after` seconds before the next call to this key."""

    def __init__(self, retry_after: float, message: str = "rate limited") -> None:
        super().__init__(message)
        self.retry_after = max(0.0, float(retry_after))


class TransientError(PlatformError):
    """Worth retrying later: 5xx, timeouts, dropped connections."""


class PermanentError(PlatformError):
    """Retrying will not help: unknown user, no permission, DMs closed."""


class StartupRefused(PermanentError):
    """A platform would not let the bot start (a token refused, the platform unreachable); the message
    is one sentence for the creator, naming the setting to fix."""


class AccessNotManageable(PermanentError):
    """The bot cannot grant or revoke a tier here; `fix` tells the creator what to change."""

    def __init__(self, message: str, fix: str) -> None:
        super().__init__(message)
        self.fix = fix


@dataclass(frozen=True)
class Capabilities:
    """What an adapter can do, so services can degrade gracefully."""

    forms: bool = False
    edit: bool = False
    files: bool = False
    ephemeral: bool = False
    threads: bool = False
    access_control: bool = False
    mass_dm_allowed: bool = True  # Discord discourages DMing everyone
    sends_per_second: float = 1.0  # steady rate the outbox limiter paces this platform to
    burst: int = 1


@dataclass(frozen=True)
class UserProfile:
    user_id: str
    display_name: str
    locale: str | None = None
    timezone: str | None = None
    is_bot: bool = False


class Platform(Protocol):
    """A chat platform adapter."""

    name: str
    capabilities: Capabilities

    @property
    def workspaces(self) -> tuple[str, ...]:
        """Workspace ids (Slack teams / Discord guilds) this adapter serves."""
        ...

    async def start(self, dispatch: Dispatch) -> None: ...

    async def stop(self) -> None: ...

    async def send(
        self, target: Target, message: OutboundMessage, *, delivery: DeliveryKey | None = None
    ) -> SentMessage:
        """Send a message; `delivery` (from the outbox) lets a platform that can refuse a second copy."""
        ...

    async def edit(self, target: Target, message_id: str, message: OutboundMessage) -> None: ...

    async def upload_file(self, target: Target, filename: str, data: bytes, title: str) -> SentMessage: ...

    async def grant_access(self, workspace_id: str, user_id: str, tier: str) -> None: ...

    async def revoke_access(self, workspace_id: str, user_id: str, tier: str) -> None: ...

    async def lookup_user(self, workspace_id: str, user_id: str) -> UserProfile: ...


@runtime_checkable
class RemovesMembers(Protocol):
    """Adapters that can remove someone from the workspace (Discord kick), for `MEMBOT_REVOKE_MODE=kick`."""

    async def remove_member(self, workspace_id: str, user_id: str) -> None: ...


@runtime_checkable
class Calendar(Protocol):
    """Adapters that can show live sessions as calendar events (Discord's scheduled events)."""

    name: str

    @property
    def workspaces(self) -> tuple[str, ...]: ...

    async def upsert_scheduled_event(
        self,
        workspace_id: str,
        key: str,
        title: str,
        starts_at: datetime,
        ends_at: datetime,
        description: str,
        location: str,
    ) -> str: ...

    async def cancel_scheduled_event(self, workspace_id: str, event_id: str) -> None: ...


__all__ = [
    "AccessNotManageable",
    "Ack",
    "Calendar",
    "Capabilities",
    "Dispatch",
    "Form",
    "PermanentError",
    "Platform",
    "PlatformError",
    "RateLimited",
    "RemovesMembers",
    "TransientError",
    "UserProfile",
]
