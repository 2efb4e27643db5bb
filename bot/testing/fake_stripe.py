"""A small fake of the Stripe API on loopback, speaking the real wire format, plus event builders and signing.

Point the app at it with `MEMBOT_STRIPE_API_BASE=http://127.0.0.1:PORT`. It records every
call, serves checkout and portal sessions, and subscriptions (retrieve, list) from a
state the test scripts with `set_subscription`. Event builders produce the shapes Stripe
sends (API version 2026 "endive": periods on subscription items, invoices linked through
`parent.subscription_details`); `sign` makes the `Stripe-Signature` header.
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import itertools
import json
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aiohttp import web

from bot.testing.fake_stripe_objects import invoice_object, subscription_object
from bot.testing.loopback import LoopbackServer

API_VERSION = "2026-10-28.endive"
WEBHOOK_SECRET = "whsec_test_membot"
_BRACKETS = re.compile(r"\[([^\]]*)\]")


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    params: dict[str, Any]


def unflatten(flat: Mapping[str, str]) -> dict[str, Any]:
    """`line_items[0][price]=x` -> {"line_items": {"0": {"price": "x"}}} (lists stay keyed by index)."""
    out: dict[str, Any] = {}
    for key, value in flat.items():
        head = key.split("[", 1)[0]
        parts = [head, *_BRACKETS.findall(key[len(head) :])]
        node = out
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return out


class FakeStripe:
    def __init__(self, *, webhook_secret: str = WEBHOOK_SECRET) -> None:
        self.webhook_secret = webhook_secret
        self.calls: list[Call] = []
        self.subscriptions: dict[str, dict[str, Any]] = {}
        self.checkout_sessions: dict[str, dict[str, Any]] = {}
        self.customers: dict[str, dict[str, Any]] = {}
        self._faults: list[int] = []  # statuses to answer next, whatever the request
        self._ids = itertools.count(1)
        self._server: LoopbackServer | None = None
        self.base_url = ""
        app = web.Application(middlewares=[self._inject_faults])
        app.router.add_post("/v1/checkout/sessions", self._create_checkout)
        app.router.add_post("/v1/billing_portal/sessions", self._create_portal)
        app.router.add_get("/v1/subscriptions", self._list_subscriptions)
        app.router.add_get("/v1/subscriptions/{id}", self._retrieve_subscription)
        app.router.add_delete("/v1/subscriptions/{id}", self._cancel_subscription)
        app.router.add_delete("/v1/customers/{id}", self._delete_customer)
        app.router.add_post("/v1/customers/{id}", self._update_customer)
        app.router.add_route("*", "/{tail:.*}", self._unknown)
        self._app = app

    # -- lifecycle ------------------------------------------------------------------------

    async def start(self) -> str:
        self._server = LoopbackServer(self._app)
        self.base_url = f"http://127.0.0.1:{await self._server.start()}"
        return self.base_url

    async def stop(self) -> None:
        if self._server is not None:
            await self._server.stop()

    def calls_to(self, method: str, path: str) -> list[Call]:
        return [c for c in self.calls if c.method == method and c.path == path]

    # -- scripted state -------------------------------------------------------------------

    def set_subscription(
        self,
        sub_id: str,
        *,
        status: str,
        customer: str = "cus_test_1",
        price: str = "price_monthly_sample",
        interval: str = "month",
        period_end: datetime | None = None,
        trial_end: datetime | None = None,
        cancel_at_period_end: bool = False,
        metadata: Mapping[str, str] | None = None,
    ) -> dict[str, Any]:
        """Create or replace what Stripe says about a subscription right now."""
        sub = subscription_object(
            sub_id,
            self.subscriptions.get(sub_id, {}),
            status=status,
            customer=customer,
            price=price,
            interval=interval,
            period_end=period_end,
            trial_end=trial_end,
            cancel_at_period_end=cancel_at_period_end,
            metadata=metadata,
        )
        self.subscriptions[sub_id] = sub
        return copy.deepcopy(sub)

    # -- events ---------------------------------------------------------------------------

    def event(
        self,
        event_type: str,
        obj: Mapping[str, Any],
        *,
        event_id: str | None = None,
        previous_attributes: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        data: dict[str, Any] = {"object": copy.deepcopy(dict(obj))}
        if previous_attributes is not None:
            data["previous_attributes"] = dict(previous_attributes)
        return {
            "id": event_id or f"evt_test_{next(self._ids):06d}",
            "object": "event",
            "api_version": API_VERSION,
            "created": int(time.time()),
            "data": data,
            "livemode": False,
            "pending_webhooks": 1,
            "request": {"id": None, "idempotency_key": None},
            "type": event_type,
        }

    def subscription_event(self, event_type: str, sub_id: str, **kwargs: Any) -> dict[str, Any]:
        """An event carrying the subscription as it is now (later changes do not alter the event)."""
        return self.event(event_type, self.subscriptions[sub_id], **kwargs)

    def checkout_completed(
        self,
        *,
        member_id: int,
        subscription: str,
        customer: str = "cus_test_1",
        plan: str = "monthly",
        session_id: str | None = None,
    ) -> dict[str, Any]:
        sid = session_id or f"cs_test_{next(self._ids):06d}"
        obj = {
            "id": sid,
            "object": "checkout.session",
            "amount_subtotal": 4900,
            "amount_total": 4900,
            "cancel_url": "http://localhost:8000/billing/canceled",
            "client_reference_id": str(member_id),
            "created": int(time.time()),
            "currency": "usd",
            "customer": customer,
            "customer_details": {"email": "member@example.test", "name": None, "tax_exempt": "none"},
            "livemode": False,
            "metadata": {"member_id": str(member_id), "plan": plan},
            "mode": "subscription",
            "payment_intent": None,
            "payment_status": "paid",
            "status": "complete",
            "subscription": subscription,
            "success_url": "http://localhost:8000/billing/done?session_id={CHECKOUT_SESSION_ID}",
            "url": None,
        }
        return self.event("checkout.session.completed", obj)

    def invoice_event(
        self,
        event_type: str,
        sub_id: str,
        *,
        status: str = "paid",
        billing_reason: str = "subscription_cycle",
        next_payment_attempt: datetime | None = None,
        amount: int = 4900,
    ) -> dict[str, Any]:
        obj = invoice_object(
            sub_id,
            self.subscriptions[sub_id],
            number=next(self._ids),
            upcoming=event_type == "invoice.upcoming",
            status=status,
            billing_reason=billing_reason,
            next_payment_attempt=next_payment_attempt,
            amount=amount,
        )
        return self.event(event_type, obj)

    def sign(self, payload: bytes, *, timestamp: int | None = None, secret: str | None = None) -> str:
        """The `Stripe-Signature` header: `t=...,v1=HMAC-SHA256(secret, "{t}.{payload}")`."""
        stamp = int(time.time()) if timestamp is None else timestamp
        signed = f"{stamp}.".encode() + payload
        digest = hmac.new((secret or self.webhook_secret).encode(), signed, hashlib.sha256).hexdigest()
        return f"t={stamp},v1={digest}"

    @staticmethod
    def body(event: Mapping[str, Any]) -> bytes:
        return json.dumps(event, indent=2).encode()

    # -- HTTP -----------------------------------------------------------------------------

    async def _record(self, request: web.Request) -> dict[str, Any]:
        flat: dict[str, str] = dict(request.query)
        if request.method == "POST":
            flat.update({k: str(v) for k, v in (await request.post()).items()})
        params = unflatten(flat)
        self.calls.append(Call(request.method, request.path, params))
        return params

    def _authorised(self, request: web.Request) -> bool:
        return request.headers.get("Authorization", "").startswith("Bearer sk_")

    async def _create_checkout(self, request: web.Request) -> web.Response:
        params = await self._record(request)
        if not self._authorised(request):
            return _error(401, "authentication_error", None, "Invalid API Key provided")
        sid = f"cs_test_{next(self._ids):06d}"
        session = {
            "id": sid,
            "object": "checkout.session",
            "client_reference_id": params.get("client_reference_id"),
            "customer": params.get("customer"),
            "metadata": params.get("metadata", {}),
            "mode": params.get("mode"),
            "status": "open",
            "subscription": None,
            "success_url": params.get("success_url"),
            "cancel_url": params.get("cancel_url"),
            "url": f"https://checkout.stripe.test/c/pay/{sid}",
        }
        self.checkout_sessions[sid] = session
        return web.json_response(session)

    async def _create_portal(self, request: web.Request) -> web.Response:
        params = await self._record(request)
        if not params.get("customer"):
            return _error(400, "invalid_request_error", "parameter_missing", "Missing required param: customer.")
        pid = f"bps_test_{next(self._ids):06d}"
        return web.json_response(
            {
                "id": pid,
                "object": "billing_portal.session",
                "customer": params["customer"],
                "return_url": params.get("return_url"),
                "url": f"https://billing.stripe.test/p/session/{pid}",
            }
        )

    async def _retrieve_subscription(self, request: web.Request) -> web.Response:
        await self._record(request)
        sub = self.subscriptions.get(request.match_info["id"])
        if sub is None:
            return _error(
                404, "invalid_request_error", "resource_missing", f"No such subscription: '{request.match_info['id']}'"
            )
        return web.json_response(sub)

    async def _cancel_subscription(self, request: web.Request) -> web.Response:
        """DELETE /v1/subscriptions/{id}: cancel now; an already cancelled one is refused (resource_missing)."""
        await self._record(request)
        sub_id = request.match_info["id"]
        sub = self.subscriptions.get(sub_id)
        if sub is None:
            return _error(404, "invalid_request_error", "resource_missing", f"No such subscription: '{sub_id}'")
        if sub["status"] == "canceled":
            return _error(400, "invalid_request_error", "resource_missing", f"No such subscription: '{sub_id}'")
        now = int(time.time())
        sub.update(status="canceled", canceled_at=now, ended_at=now, cancel_at_period_end=False)
        return web.json_response(sub)

    async def _list_subscriptions(self, request: web.Request) -> web.Response:
        params = await self._record(request)
        subs = list(self.subscriptions.values())
        if params.get("status", "all") != "all":
            subs = [s for s in subs if s["status"] == params["status"]]
        elif "status" not in params:
            subs = [s for s in subs if s["status"] != "canceled"]
        after = params.get("starting_after")
        if after:
            ids = [s["id"] for s in subs]
            subs = subs[ids.index(after) + 1 :] if after in ids else []
        limit = int(params.get("limit", 10))
        return web.json_response(
            {"object": "list", "data": subs[:limit], "has_more": len(subs) > limit, "url": "/v1/subscriptions"}
        )

    @web.middleware
    async def _inject_faults(self, request: web.Request, handler: Any) -> web.StreamResponse:
        if self._faults:
            status = self._faults.pop(0)
            self.calls.append(Call(request.method, request.path, {"fault": status}))
            headers = {"Retry-After": "1"} if status == 429 else {}
            response = _error(status, "api_error" if status >= 500 else "rate_limit_error", None, f"injected {status}")
            response.headers.update(headers)
            return response
        return await handler(request)

    def fail_next(self, *statuses: int) -> None:
        """The next requests answer these HTTP statuses (500, 503, 429...) with a Stripe error body."""
        self._faults.extend(statuses)

    async def _delete_customer(self, request: web.Request) -> web.Response:
        await self._record(request)
        customer = request.match_info["id"]
        self.customers.setdefault(customer, {})["deleted"] = True
        return web.json_response({"id": customer, "object": "customer", "deleted": True})

    async def _update_customer(self, request: web.Request) -> web.Response:
        params = await self._record(request)
        customer = self.customers.setdefault(request.match_info["id"], {})
        customer.setdefault("metadata", {}).update(params.get("metadata", {}))
        return web.json_response({"id": request.match_info["id"], "object": "customer", **customer})

    async def _unknown(self, request: web.Request) -> web.Response:
        await self._record(request)
        return _error(
            404, "invalid_request_error", None, f"Unrecognized request URL ({request.method}: {request.path})."
        )


def _error(status: int, kind: str, code: str | None, message: str) -> web.Response:
    return web.json_response({"error": {"type": kind, "code": code, "message": message}}, status=status)
