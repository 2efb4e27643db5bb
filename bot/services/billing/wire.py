"""Stripe's wire shapes turned into small domain snapshots, and the gateway protocol billing talks to.

Pure functions over plain dicts: webhook payloads and API responses are parsed the same
way. Handles both the older (top-level `current_period_end`, `invoice.subscription`) and
the current (`items.data[].current_period_end`, `invoice.parent.subscription_details`) shapes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

WIRE_STATUSES = ("trialing", "active", "past_due", "paused", "canceled", "unpaid", "incomplete", "incomplete_expired")


class BillingUnavailable(Exception):
    """Stripe could not be reached or refused the call; worth trying again later."""


class WebhookRejected(Exception):
    """A webhook delivery whose signature is missing, wrong or stale, or whose body is not an event."""


@dataclass(frozen=True)
class SubscriptionSnapshot:
    """A subscription as Stripe sees it now: what access and reminders are decided from."""

    id: str
    status: str
    customer: str | None
    price_id: str | None
    interval: str | None
    current_period_end: datetime | None
    trial_end: datetime | None
    cancel_at_period_end: bool
    metadata: Mapping[str, str] = field(default_factory=dict)

    @property
    def member_id(self) -> int | None:
        return _int(self.metadata.get("member_id"))


@dataclass(frozen=True)
class CheckoutCompleted:
    session_id: str
    member_id: int | None
    customer: str | None
    subscription: str | None
    plan: str | None


class StripePort(Protocol):
    """What billing needs from Stripe; `bot.integrations.stripe_gateway` implements it."""

    async def create_checkout_session(self, params: Mapping[str, Any]) -> Mapping[str, Any]: ...

    async def create_portal_session(self, customer: str, return_url: str) -> Mapping[str, Any]: ...

    async def retrieve_subscription(self, subscription_id: str) -> Mapping[str, Any] | None: ...

    async def list_subscriptions(self) -> list[Mapping[str, Any]]: ...

    async def cancel_subscription(self, subscription_id: str) -> None: ...

    def verify_webhook(self, payload: bytes, signature: str | None) -> Mapping[str, Any]: ...

    async def delete_customer(self, customer: str) -> None: ...

    async def flag_customer(self, customer: str, metadata: Mapping[str, str]) -> None: ...

    async def close(self) -> None: ...


def timestamp(value: Any) -> datetime | None:
    if value in (None, "", 0):
        return None
    return datetime.fromtimestamp(int(value), tz=UTC)


def _int(value: Any) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _id(value: Any) -> str | None:
    """An id field that may be expanded into an object."""
    if isinstance(value, Mapping):
        return value.get("id")
    return value or None


def subscription_from(obj: Mapping[str, Any]) -> SubscriptionSnapshot:
    items = (obj.get("items") or {}).get("data") or []
    first = items[0] if items else {}
    price = first.get("price") or obj.get("plan") or {}
    recurring = price.get("recurring") or {}
    period_end = first.get("current_period_end") or obj.get("current_period_end")
    return SubscriptionSnapshot(
        id=str(obj["id"]),
        status=str(obj.get("status") or "incomplete"),
        customer=_id(obj.get("customer")),
        price_id=_id(price) if price else None,
        interval=recurring.get("interval") or price.get("interval"),
        current_period_end=timestamp(period_end),
        trial_end=timestamp(obj.get("trial_end")),
        cancel_at_period_end=bool(obj.get("cancel_at_period_end")),
        metadata={str(k): str(v) for k, v in (obj.get("metadata") or {}).items()},
    )


def checkout_from(obj: Mapping[str, Any]) -> CheckoutCompleted:
    metadata = obj.get("metadata") or {}
    return CheckoutCompleted(
        session_id=str(obj["id"]),
        member_id=_int(obj.get("client_reference_id")) or _int(metadata.get("member_id")),
        customer=_id(obj.get("customer")),
        subscription=_id(obj.get("subscription")),
        plan=metadata.get("plan"),
    )


def invoice_subscription(obj: Mapping[str, Any]) -> str | None:
    """The subscription an invoice belongs to, in either API shape."""
    details = _map(_map(obj.get("parent")).get("subscription_details"))
    found = _id(details.get("subscription")) or _id(obj.get("subscription"))
    if found:
        return found
    lines = _map(obj.get("lines")).get("data")
    for line in lines if isinstance(lines, list) else []:
        item = _map(_map(_map(line).get("parent")).get("subscription_item_details"))
        if item.get("subscription"):
            return str(item["subscription"])
    return None


def invoice_renews_at(obj: Mapping[str, Any]) -> datetime | None:
    """When an upcoming invoice will be charged."""
    return timestamp(obj.get("next_payment_attempt")) or timestamp(obj.get("period_end"))


def _map(value: Any) -> Mapping[str, Any]:
    """`value` if it is an object, else an empty one: a signed event of an odd shape reads as empty."""
    return value if isinstance(value, Mapping) else {}


def event_object(event: Mapping[str, Any]) -> Mapping[str, Any]:
    return _map(_map(event.get("data")).get("object"))


def erasure_marks(event: Mapping[str, Any]) -> list[tuple[str, str | None]]:
    """The ids in an event that could name an erased member: its customer, subscription and member id."""
    obj = event_object(event)
    kind = obj.get("object")
    metadata = _map(obj.get("metadata"))
    details = _map(_map(_map(obj.get("parent")).get("subscription_details")).get("metadata"))
    customer = obj.get("id") if kind == "customer" else _id(obj.get("customer"))
    if kind == "subscription":
        subscription = obj.get("id")
    elif kind == "invoice":
        subscription = invoice_subscription(obj)
    else:
        subscription = _id(obj.get("subscription"))
    member = _int(obj.get("client_reference_id")) or _int(metadata.get("member_id")) or _int(details.get("member_id"))
    return [
        ("customer", str(customer) if customer else None),
        ("subscription", str(subscription) if subscription else None),
        ("member", str(member) if member else None),
    ]
