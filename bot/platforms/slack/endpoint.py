"""Slack's HTTP endpoint: `POST /slack/events`, checked before Bolt reads it.

The signature is checked before Bolt parses anything (401), and a signed body that is not a
well-formed Slack request gets a 400 before Bolt or membot reads it, so no request from
outside can cause a 500. Refusals are logged one line a minute per cause.
"""

from __future__ import annotations

from collections.abc import Mapping

from aiohttp import web
from slack_bolt.app.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.signature import SignatureVerifier

from bot.log_throttle import ThrottledLog
from bot.platforms.slack import inbound


class Verifier(SignatureVerifier):
    """slack_sdk's verifier, but headers it would choke on (`²`, 400 digits, non-ASCII) are simply invalid."""

    def problem(self, body: str, timestamp: str, signature: str) -> str | None:
        """Why the request is refused (a fixed word, for the log), or None when it is Slack's."""
        if not timestamp or not signature:
            return "no signature"
        if not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= 12):
            return "bad timestamp"
        if not signature.isascii() or not super().is_valid(body=body, timestamp=timestamp, signature=signature):
            return "stale or wrong signature"
        return None


async def handle_request(
    bolt_app: AsyncApp,
    verifier: Verifier | None,
    junk: ThrottledLog,
    body: str,
    headers: Mapping[str, str],
    query: str = "",
) -> tuple[int, str]:
    """One raw Slack request (signed body + headers) through Bolt: `(status, response body)`.

    `verifier` None (Socket Mode) skips the signature check; `junk` logs refused requests.
    """
    lowered = {k.lower(): v for k, v in headers.items()}
    if verifier is not None:
        refused = verifier.problem(
            body, lowered.get("x-slack-request-timestamp", ""), lowered.get("x-slack-signature", "")
        )
        if refused is not None:
            junk.warning(refused, "slack: refused a request: %s", refused)
            return 401, "invalid signature"
    try:
        request = AsyncBoltRequest(body=body, query=query, headers=dict(headers))
    except (ValueError, TypeError, KeyError, AttributeError, IndexError, RecursionError):
        junk.warning("unparsable", "slack: a signed request could not be parsed")
        return 400, "bad request"
    malformed = inbound.body_problem(request.body)
    if malformed is not None:
        junk.warning("malformed", "slack: a signed request was malformed at %s", malformed)
        return 400, "bad request"
    response = await bolt_app.async_dispatch(request)
    return response.status, response.body


async def read_http(request: web.Request) -> tuple[str, Mapping[str, str], str]:
    """The body (as text), headers and query string of an aiohttp request, for `handle_request`."""
    # Slack sends UTF-8; other bytes cannot carry a valid signature, so they decode to a 401
    text = (await request.read()).decode("utf-8", errors="replace")
    return text, request.headers, request.query_string


def http_response(status: int, body: str) -> web.Response:
    """`handle_request`'s answer as an aiohttp response (JSON when it looks like JSON)."""
    return web.Response(
        status=status, text=body, content_type="application/json" if body.startswith("{") else "text/plain"
    )
