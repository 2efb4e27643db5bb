"""Forgetting a member, on the billing side: cancel their Stripe subscription and end the membership first.

`/forget-me` asks `footprint` what to tell the member, then `end` runs before their data is
erased: the subscription is cancelled at Stripe (a failure changes nothing and is raised),
then every open membership ends here. Access and the freed seat follow in `BillingService`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from bot.services.billing.subscriptions import ENDED
from bot.services.billing.wire import StripePort
from storage.database import Database
from storage.repositories import memberships

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BillingFootprint:
    """What forgetting a member does to billing."""

    subscriptions: tuple[str, ...] = ()  # Stripe subscriptions still running: cancelled at once
    memberships: int = 0  # open memberships (paid, trial or comped): they end

    @property
    def paying(self) -> bool:
        return bool(self.subscriptions)


class BillingErasure:
    def __init__(self, database: Database, stripe: StripePort | None) -> None:
        self._database = database
        self._stripe = stripe

    async def footprint(self, member_id: int) -> BillingFootprint:
        async with self._database.session() as session:
            rows = await memberships.of_member(session, member_id)
        running = tuple(m.stripe_subscription_id for m in rows if m.stripe_subscription_id and m.status not in ENDED)
        return BillingFootprint(running if self._stripe is not None else (), sum(m.ended_at is None for m in rows))

    async def end(self, member_id: int, now: datetime) -> BillingFootprint:
        """Cancel the running subscriptions at Stripe, then end the open memberships.

        Raises `wire.BillingUnavailable` if Stripe cannot cancel: then nothing has changed here.
        """
        found = await self.footprint(member_id)
        for subscription in found.subscriptions:
            assert self._stripe is not None
            await self._stripe.cancel_subscription(subscription)
        async with self._database.session() as session:
            rows = await memberships.of_member(session, member_id)
            for membership in rows:
                if membership.stripe_subscription_id in found.subscriptions or membership.ended_at is None:
                    membership.status = "canceled"
                    membership.past_due_since = None
                if membership.ended_at is None:
                    membership.ended_at = now
        log.info("billing ended for a member being forgotten (%d subscriptions cancelled)", len(found.subscriptions))
        return found
