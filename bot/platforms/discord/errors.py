"""discord.py exceptions -> membot's neutral errors, so the outbox knows to wait, retry or give up.

Rate limits: discord.py keeps its own per-route buckets (discovered from headers) and sleeps
through short 429s itself. The adapter caps that sleep with `max_ratelimit_timeout`, so a long
limit surfaces here as `discord.RateLimited` and becomes our `RateLimited(retry_after)`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager

import aiohttp
import discord

from bot.ports import PermanentError, PlatformError, RateLimited, StartupRefused, TransientError

CANNOT_DM = 50007
UNKNOWN_USER = 10013
UNKNOWN_MEMBER = 10007
UNKNOWN_CHANNEL = 10003
UNKNOWN_MESSAGE = 10008
MISSING_ACCESS = 50001
MISSING_PERMISSIONS = 50013
DM_SPAM_BLOCKED = 40003  # "opening DMs too fast": Discord's anti-spam, not worth retrying soon


def translate(exc: BaseException) -> PlatformError | None:
    """The neutral error for a discord.py / network failure, or None if it is not one of those."""
    if isinstance(exc, PlatformError):
        return exc
    if isinstance(exc, discord.RateLimited):
        return RateLimited(exc.retry_after, "discord rate limit longer than the in-process wait")
    if isinstance(exc, discord.HTTPException):
        return _from_http(exc)
    if isinstance(exc, (aiohttp.ClientError, asyncio.TimeoutError, OSError)):
        return TransientError(f"network: {type(exc).__name__}")
    return None


def _from_http(exc: discord.HTTPException) -> PlatformError:
    status, code = exc.status, exc.code
    where = f"discord HTTP {status} (code {code})"
    if status == 429:
        return RateLimited(_retry_after(exc), where)
    if code == DM_SPAM_BLOCKED:
        return RateLimited(600.0, f"{where}: Discord is limiting new DMs from this bot")
    if status >= 500 or isinstance(exc, discord.DiscordServerError):
        return TransientError(where)
    if code == CANNOT_DM:
        return PermanentError(f"{where}: the member does not accept DMs from server members")
    if code in (UNKNOWN_USER, UNKNOWN_MEMBER):
        return PermanentError(f"{where}: unknown user")
    if code == MISSING_ACCESS:
        return PermanentError(f"{where}: the bot cannot see that channel")
    if code == UNKNOWN_CHANNEL:
        return PermanentError(f"{where}: unknown channel")
    return PermanentError(where)  # 400/401/403/404: the same request will fail the same way


def _retry_after(exc: discord.HTTPException) -> float:
    headers = getattr(exc.response, "headers", None) or {}
    for name in ("Retry-After", "X-RateLimit-Reset-After"):
        try:
            return float(headers[name])
        except (KeyError, TypeError, ValueError):
            continue
    return 5.0


@contextmanager
def translated() -> Iterator[None]:
    """Re-raise discord.py and network errors as neutral ones; anything else passes through."""
    try:
        yield
    except Exception as exc:
        neutral = translate(exc)
        if neutral is None or neutral is exc:
            raise
        raise neutral from exc


async def logged_in(client: discord.Client, token: str) -> None:
    """Log in over REST, with a refused token or an unreachable Discord said as what to fix."""
    try:
        with translated():
            await client.login(token)
    except TransientError as exc:
        await client.close()
        raise StartupRefused(f"couldn't reach Discord to sign in ({exc}): check the network and try again") from exc
    except discord.LoginFailure:
        await client.close()
        raise StartupRefused(
            "Discord rejected MEMBOT_DISCORD_TOKEN: copy a new one from the Developer Portal "
            "(Applications → your app → Bot → Reset Token)"
        ) from None
