"""The only module that imports `stripe`: a thin async wrapper that hands billing plain dicts."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any

import stripe

from bot.services.billing.wire import BillingUnavailable, WebhookRejected

log = logging.getLogger(__name__)

SIGNATURE_TOLERANCE_SECONDS = 300
PAGE_SIZE = 100
MAX_PAGES = 200  # 20,000 subscriptions: far beyond a self-hosted community


class StripeGateway:
    """Talks to Stripe (or to a fake at `api_base`) with the library's async client."""

    def __init__(
        self, api_key: str, *, api_base: str, webhook_secret: str | None, max_network_retries: int = 2
    ) -> None:
        self._http = stripe.AIOHTTPClient()
        self._client = stripe.StripeClient(
            api_key,
            base_addresses={"api": api_base.rstrip("/")},
            http_client=self._http,
            max_network_retries=max_network_retries,
        )
        self._webhook_secret = webhook_secret

    async def create_checkout_session(self, params: Mapping[str, Any]) -> Mapping[str, Any]:
        return await self._call(self._client.v1.checkout.sessions.create_async(dict(params)))  # type: ignore[arg-type]  # the SDK wants its TypedDict; ours is the same keys

    async def create_portal_session(self, customer: str, return_url: str) -> Mapping[str, Any]:
        params = {"customer": customer, "return_url": return_url}
        return await self._call(self._client.v1.billing_portal.sessions.create_async(params))  # type: ignore[arg-type]  # the SDK wants its TypedDict; ours is the same keys

    async def retrieve_subscription(self, subscription_id: str) -> Mapping[str, Any] | None:
        try:
            return await self._call(self._client.v1.subscriptions.retrieve_async(subscription_id))
        except _Missing:
            return None

    async def list_subscriptions(self) -> list[Mapping[str, Any]]:
        """Every subscription, canceled ones included, page by page."""
        found: list[Mapping[str, Any]] = []
        params: dict[str, Any] = {"status": "all", "limit": PAGE_SIZE}
        for _ in range(MAX_PAGES):
            page = await self._call(self._client.v1.subscriptions.list_async(params))  # type: ignore[arg-type]  # the SDK wants its TypedDict; ours is the same keys
            data = list(page.get("data") or [])
            found.extend(data)
            if not page.get("has_more") or not data:
                break
            params["starting_after"] = data[-1]["id"]
        return found

    async def cancel_subscription(self, subscription_id: str) -> None:
        """Cancel at once (no further invoices). A subscription Stripe no longer has counts as cancelled."""
        try:
            await self._call(self._client.v1.subscriptions.cancel_async(subscription_id))
        except _Missing:
            pass

    async def delete_customer(self, customer: str) -> None:
        try:
            await self._call(self._client.v1.customers.delete_async(customer))
        except _Missing:
            pass  # already gone: that is what was asked

    async def flag_customer(self, customer: str, metadata: Mapping[str, str]) -> None:
        await self._call(self._client.v1.customers.update_async(customer, {"metadata": dict(metadata)}))

    def verify_webhook(self, payload: bytes, signature: str | None) -> Mapping[str, Any]:
        """Check the `Stripe-Signature` header (HMAC, at most 5 minutes old) and parse the event."""
        if not self._webhook_secret:
            raise WebhookRejected("no webhook secret configured")
        try:
            stripe.WebhookSignature.verify_header(
                payload.decode("utf-8"), signature or "", self._webhook_secret, SIGNATURE_TOLERANCE_SECONDS
            )
            event = json.loads(payload)
        except (stripe.SignatureVerificationError, UnicodeDecodeError, ValueError) as exc:
            raise WebhookRejected(type(exc).__name__) from None
        if (
            not isinstance(event, dict)
            or event.get("object") != "event"
            or not event.get("id")
            or not event.get("type")
        ):
            raise WebhookRejected("not an event")
        return event

    async def close(self) -> None:
        await self._http.close_async()

    async def _call(self, pending: Any) -> Mapping[str, Any]:
        try:
            result = await pending
        except stripe.InvalidRequestError as exc:
            if exc.code == "resource_missing":
                raise _Missing() from None
            raise BillingUnavailable(f"Stripe refused the request ({exc.code or exc.http_status})") from None
        except stripe.StripeError as exc:
            log.warning("Stripe call failed: %s", type(exc).__name__)
            raise BillingUnavailable(type(exc).__name__) from None
        return result.to_dict()


class _Missing(Exception):
    pass
