"""Never the same message twice on Slack: each outbox message carries its row's token as message metadata,
and a row that may have been sent before (its process died after Slack had it) is looked up in the
conversation's recent history first. Slack has no idempotency key of its own.

Reading history needs the `*:history` scopes the manifest asks for; without them (an app installed
with an older manifest) the lookup is skipped, logged once, and the message is sent, as before.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.messages import DeliveryKey
from bot.platforms.slack.errors import call
from bot.ports import PermanentError

log = logging.getLogger(__name__)

EVENT_TYPE = "membot_outbox"
HISTORY_PAGE = 200  # messages per page; a busy channel is read back to the row's queueing, at most
HISTORY_PAGES = 5
CLOCK_SKEW = timedelta(hours=1)  # our clock and Slack's may disagree: read back a little further


def metadata(delivery: DeliveryKey) -> dict[str, Any]:
    """Slack's message metadata: the row's token (a hash of its dedupe key, which names members by id)."""
    return {"event_type": EVENT_TYPE, "event_payload": {"token": delivery.token}}


def _carries(message: dict[str, Any], token: str) -> bool:
    data = message.get("metadata") or {}
    return data.get("event_type") == EVENT_TYPE and (data.get("event_payload") or {}).get("token") == token


async def already_sent(client: AsyncWebClient, channel: str, delivery: DeliveryKey) -> str | None:
    """The `ts` of the message this row already posted in `channel`, if an earlier attempt got through."""
    if not delivery.retry:
        return None
    params: dict[str, Any] = {"channel": channel, "include_all_metadata": True, "limit": HISTORY_PAGE}
    if delivery.since is not None:
        params["oldest"] = f"{(delivery.since - CLOCK_SKEW).timestamp():.6f}"
    try:
        for _ in range(HISTORY_PAGES):
            response = await call(client.conversations_history(**params))
            for message in response.get("messages") or []:
                if _carries(message, delivery.token):
                    return str(message["ts"])
            cursor = (response.get("response_metadata") or {}).get("next_cursor")
            if not response.get("has_more") or not cursor:
                return None
            params["cursor"] = cursor
    except PermanentError as exc:  # missing_scope, not_in_channel: send, as without the lookup
        log.warning("could not check the conversation before resending (%s); sending", type(exc).__name__)
    return None
