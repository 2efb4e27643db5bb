"""slack_sdk failures -> the neutral errors the outbox understands (wait, retry, or give up)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any, TypeVar

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.ports import PermanentError, RateLimited, StartupRefused, TransientError

T = TypeVar("T")

DEFAULT_RETRY_AFTER = 1.0
# Slack error codes worth retrying: Slack's own trouble, not ours.
TRANSIENT_CODES = frozenset(
    {"internal_error", "fatal_error", "service_unavailable", "request_timeout", "team_added_to_org"}
)
# Named here so the intent is visible; any other `ok: false` code is permanent as well.
PERMANENT_CODES = frozenset(
    {
        "channel_not_found",
        "user_not_found",
        "users_not_found",
        "not_in_channel",
        "is_archived",
        "cannot_dm_bot",
        "user_disabled",
        "account_inactive",
        "invalid_auth",
        "not_authed",
        "missing_scope",
        "invalid_blocks",
        "msg_too_long",
        "no_text",
        "restricted_action",
    }
)


def error_code(exc: SlackApiError) -> str:
    data: Any = getattr(exc.response, "data", None)
    return str(data.get("error", "unknown_error")) if isinstance(data, dict) else "unknown_error"


def retry_after(exc: SlackApiError) -> float:
    headers = getattr(exc.response, "headers", None) or {}
    for name in ("Retry-After", "retry-after"):
        value = headers.get(name)
        if isinstance(value, list):
            value = value[0] if value else None
        if value is not None:
            try:
                return max(0.0, float(value))
            except ValueError:
                break
    return DEFAULT_RETRY_AFTER


def translate(exc: BaseException) -> Exception:
    """The neutral error for an SDK or network failure; the error code names it, never the payload."""
    if isinstance(exc, SlackApiError):
        status = getattr(exc.response, "status_code", 200)
        code = error_code(exc)
        if status == 429 or code == "ratelimited":
            return RateLimited(retry_after(exc), f"slack {code}")
        if status >= 500 or code in TRANSIENT_CODES:
            return TransientError(f"slack {code} (HTTP {status})")
        return PermanentError(f"slack {code}")
    if isinstance(exc, (aiohttp.ClientError, asyncio.TimeoutError, TimeoutError, ConnectionError, SlackClientError)):
        return TransientError(f"slack unreachable: {type(exc).__name__}")
    return exc if isinstance(exc, Exception) else TransientError(type(exc).__name__)


async def call(awaitable: Awaitable[T]) -> T:
    """Await a Web API call, raising neutral errors instead of SDK ones."""
    try:
        return await awaitable
    except (TimeoutError, SlackApiError, SlackClientError, aiohttp.ClientError, ConnectionError) as exc:
        raise translate(exc) from exc


async def signed_in(auth_test: Awaitable[Any]) -> Any:
    """auth.test, with a refused token or an unreachable Slack said as what to fix."""
    try:
        return await auth_test
    except TransientError as exc:
        raise StartupRefused(f"couldn't reach Slack to sign in ({exc}): check the network and try again") from exc
    except PermanentError as exc:
        raise StartupRefused(
            f"Slack refused SLACK_BOT_TOKEN ({exc}): copy the Bot User OAuth Token (xoxb-…) again from "
            "api.slack.com/apps → your app → OAuth & Permissions"
        ) from exc
