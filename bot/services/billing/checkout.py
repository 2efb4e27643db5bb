"""Checkout and the customer portal: a Stripe-hosted link for this member, made when they ask."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from bot.community.schema import Plan
from bot.services.billing import plans
from bot.services.billing.wire import StripePort
from bot.services.community import CommunityContext
from bot.services.errors import UserError
from storage.database import Database
from storage.models import Member
from storage.repositories import memberships

log = logging.getLogger(__name__)


class CheckoutService:
    def __init__(self, database: Database, community: CommunityContext, stripe: StripePort, public_url: str) -> None:
        self._database = database
        self._community = community
        self._stripe = stripe
        self._public_url = public_url.rstrip("/")

    def choices(self, *, founding: bool) -> Sequence[Plan]:
        return plans.offered(self._community.config, founding=founding)

    async def link(self, member: Member, plan: Plan, *, founding_allowed: bool) -> str:
        """A Checkout Session URL for this member and plan (client_reference_id = member id)."""
        if not plan.stripe_price:
            raise UserError("billing.errors.unknown_plan", plan=plan.key)
        if plan.founding and not founding_allowed:
            raise UserError("billing.errors.founding_closed")
        async with self._database.session() as session:
            customer = await memberships.customer_of(session, member.id)
            first_time = not await memberships.has_any(session, member.id)
        metadata = {
            "member_id": str(member.id),
            "plan": plan.key,
            "founding": "1" if plan.founding else "0",
            "community": self._community.config.community.slug,
        }
        subscription_data: dict[str, object] = {"metadata": metadata}
        if plan.trial_days and first_time:
            subscription_data["trial_period_days"] = plan.trial_days
        params: dict[str, object] = {
            "mode": "subscription",
            "line_items": [{"price": plan.stripe_price, "quantity": 1}],
            "client_reference_id": str(member.id),
            "metadata": metadata,
            "subscription_data": subscription_data,
            "success_url": f"{self._public_url}/billing/done?session_id={{CHECKOUT_SESSION_ID}}",
            "cancel_url": f"{self._public_url}/billing/canceled",
        }
        if customer:
            params["customer"] = customer
        session_ = await self._stripe.create_checkout_session(params)
        log.info("checkout session %s created for member %s", session_.get("id"), member.id)
        return str(session_["url"])

    async def portal(self, member_id: int) -> str:
        async with self._database.session() as session:
            customer = await memberships.customer_of(session, member_id)
        if customer is None:
            raise UserError("billing.errors.no_subscription")
        portal = await self._stripe.create_portal_session(customer, f"{self._public_url}/billing/done")
        return str(portal["url"])
