"""Stripe objects as the fake Stripe serves them and puts in events (API version 2026 "endive":
periods on subscription items, invoices linked to their subscription through `parent.subscription_details`).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from datetime import datetime
from typing import Any


def _epoch(when: datetime | None) -> int | None:
    return int(when.timestamp()) if when else None


def subscription_object(
    sub_id: str,
    previous: Mapping[str, Any],
    *,
    status: str,
    customer: str,
    price: str,
    interval: str,
    period_end: datetime | None,
    trial_end: datetime | None,
    cancel_at_period_end: bool,
    metadata: Mapping[str, str] | None,
) -> dict[str, Any]:
    """A subscription as Stripe returns it; `previous` (the one it replaces, or {}) keeps its creation dates."""
    now = int(time.time())
    end = _epoch(period_end) or now + 30 * 86400
    sub = {
        "id": sub_id,
        "object": "subscription",
        "billing_cycle_anchor": previous.get("billing_cycle_anchor", now),
        "cancel_at": end if cancel_at_period_end else None,
        "cancel_at_period_end": cancel_at_period_end,
        "canceled_at": now if status == "canceled" else None,
        "collection_method": "charge_automatically",
        "created": previous.get("created", now),
        "currency": "usd",
        "customer": customer,
        "ended_at": now if status == "canceled" else None,
        "items": {
            "object": "list",
            "data": [
                {
                    "id": f"si_{sub_id.removeprefix('sub_')}",
                    "object": "subscription_item",
                    "current_period_start": end - (365 if interval == "year" else 30) * 86400,
                    "current_period_end": end,
                    "price": {
                        "id": price,
                        "object": "price",
                        "active": True,
                        "currency": "usd",
                        "product": "prod_test_membership",
                        "recurring": {"interval": interval, "interval_count": 1, "usage_type": "licensed"},
                        "type": "recurring",
                        "unit_amount": 4900,
                    },
                    "quantity": 1,
                    "subscription": sub_id,
                }
            ],
            "has_more": False,
            "total_count": 1,
            "url": f"/v1/subscription_items?subscription={sub_id}",
        },
        "latest_invoice": f"in_{sub_id.removeprefix('sub_')}",
        "livemode": False,
        "metadata": dict(metadata if metadata is not None else previous.get("metadata", {})),
        "pause_collection": None,
        "start_date": previous.get("start_date", now),
        "status": status,
        "trial_end": _epoch(trial_end),
        "trial_start": now if trial_end else None,
    }
    return sub


def invoice_object(
    sub_id: str,
    sub: Mapping[str, Any],
    *,
    number: int,
    upcoming: bool,
    status: str,
    billing_reason: str,
    next_payment_attempt: datetime | None,
    amount: int,
) -> dict[str, Any]:
    """An invoice for subscription `sub_id` (`sub` as the fake holds it).

    An upcoming invoice has no id yet and stays a draft.
    """
    item = sub["items"]["data"][0]
    obj = {
        "id": None if upcoming else f"in_test_{number:06d}",
        "object": "invoice",
        "amount_due": amount,
        "amount_paid": amount if status == "paid" else 0,
        "amount_remaining": 0 if status == "paid" else amount,
        "attempt_count": 0 if upcoming else 1,
        "attempted": not upcoming,
        "billing_reason": "upcoming" if upcoming else billing_reason,
        "collection_method": "charge_automatically",
        "currency": "usd",
        "customer": sub["customer"],
        "lines": {
            "object": "list",
            "data": [
                {
                    "id": f"il_test_{number:06d}",
                    "object": "line_item",
                    "amount": amount,
                    "currency": "usd",
                    "parent": {
                        "type": "subscription_item_details",
                        "subscription_item_details": {
                            "subscription": sub_id,
                            "subscription_item": item["id"],
                            "proration": False,
                        },
                    },
                    "period": {"start": item["current_period_start"], "end": item["current_period_end"]},
                    "pricing": {
                        "type": "price_details",
                        "price_details": {"price": item["price"]["id"], "product": item["price"]["product"]},
                    },
                    "quantity": 1,
                }
            ],
            "has_more": False,
            "url": "/v1/invoices/upcoming/lines",
        },
        "livemode": False,
        "metadata": {},
        "next_payment_attempt": _epoch(next_payment_attempt),
        "parent": {
            "type": "subscription_details",
            "quote_details": None,
            "subscription_details": {"metadata": dict(sub["metadata"]), "subscription": sub_id},
        },
        "period_end": item["current_period_end"],
        "period_start": item["current_period_start"],
        "status": "draft" if upcoming else status,
        "total": amount,
    }
    return obj
