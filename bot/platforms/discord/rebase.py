"""Point one discord.py client at another REST base URL (a local fake in tests), without
touching `discord.http.Route.BASE`, which every client in the process shares."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from discord.http import HTTPClient, Route
from discord.webhook.async_ import AsyncWebhookAdapter, async_context


def rebased(url: str, base: str) -> str:
    return base.rstrip("/") + url[len(Route.BASE) :] if url.startswith(Route.BASE) else url


def rebase_http(http: HTTPClient, base: str) -> None:
    """Every request this client makes goes to `base` (an instance attribute shadows the method)."""
    original = http.request

    async def request(route: Route, **kwargs: Any) -> Any:
        route.url = rebased(route.url, base)
        return await original(route, **kwargs)

    http.request = request  # type: ignore[method-assign]  # pointing discord.py at another host is this module's job


class RebasedWebhookAdapter(AsyncWebhookAdapter):
    """Interaction callbacks and follow-ups go through the webhook adapter, not HTTPClient."""

    def __init__(self, base: str) -> None:
        super().__init__()
        self._base = base

    async def request(self, route: Route, *args: Any, **kwargs: Any) -> Any:
        route.url = rebased(route.url, self._base)
        return await super().request(route, *args, **kwargs)


@contextlib.contextmanager
def webhook_scope(adapter: AsyncWebhookAdapter | None) -> Iterator[None]:
    """Use `adapter` for interaction responses made inside this block (same task only)."""
    if adapter is None:
        yield
        return
    token = async_context.set(adapter)
    try:
        yield
    finally:
        async_context.reset(token)


def bind_webhooks_to_task(adapter: AsyncWebhookAdapter | None) -> None:
    """For responses discord.py itself sends after our callback returns (autocomplete choices):
    discord.py runs each interaction in its own task, whose context copy this changes."""
    if adapter is not None:
        async_context.set(adapter)
