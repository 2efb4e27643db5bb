"""The daily safety net: re-read every subscription from Stripe, so a missed webhook cannot leave access wrong."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from bot.services.billing.subscriptions import SubscriptionSync, SyncOutcome
from bot.services.billing.wire import StripePort, subscription_from
from bot.services.community import CommunityContext
from storage.database import Database
from storage.repositories import memberships

log = logging.getLogger(__name__)


@dataclass
class ReconcileReport:
    checked: int = 0
    changed: list[SyncOutcome] = field(default_factory=list)
    members: set[int] = field(default_factory=set)  # everyone whose access is re-applied


class Reconciler:
    def __init__(
        self, database: Database, community: CommunityContext, stripe: StripePort, sync: SubscriptionSync
    ) -> None:
        self._database = database
        self._community = community
        self._stripe = stripe
        self._sync = sync

    async def run(self, now: datetime) -> ReconcileReport:
        report = ReconcileReport()
        listed = [subscription_from(obj) for obj in await self._stripe.list_subscriptions()]
        seen = {s.id for s in listed}
        async with self._database.session() as session:
            known = await memberships.subscriptions_in(session, self._community.id)
        for sub_id in known:
            if sub_id not in seen:  # not in the listing (another account, or deleted): ask for it directly
                obj = await self._stripe.retrieve_subscription(sub_id)
                if obj is not None:
                    listed.append(subscription_from(obj))
        ours = set(known)
        for snapshot in listed:
            if snapshot.id not in ours and snapshot.metadata.get("community") not in (
                None,
                self._community.config.community.slug,
            ):
                continue  # another community's subscription on the same Stripe account
            async with self._database.session() as session:
                before = await memberships.status_of_subscription(session, snapshot.id)
                outcome = await self._sync.apply(session, snapshot, now)
            report.checked += 1
            if outcome is not None:
                report.members.add(outcome.member_id)
                if before != outcome.after:
                    report.changed.append(outcome)
        async with self._database.session() as session:
            report.members.update(await memberships.open_members(session, self._community.id))
        if report.changed:
            log.warning("reconciliation corrected %d subscriptions", len(report.changed))
        return report
