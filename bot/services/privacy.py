"""A member's data: export everything stored about them, or forget them (keeping anonymous aggregates).

Forgetting a paying member cancels their subscription and deletes or flags their customer at
Stripe first (a failure changes nothing of ours), ends the membership and its access, then
erases: their rows, quotes of them in messages to others, the Stripe events about them; tombstones stop late webhooks re-linking them.
Which tables hold what is `storage/privacy.py`; the queries are `storage.repositories.privacy`.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Mapping, Sequence
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any, Protocol

from bot.clock import Clock
from bot.notices import Reader
from bot.notices.privacy import DataExport
from bot.outbox import Outbox
from bot.services.audience import dm_target
from bot.services.billing.erasure import BillingFootprint
from bot.services.billing.wire import BillingUnavailable
from bot.services.community import CommunityContext
from bot.services.errors import UserError
from bot.services.presence import Presence
from bot.services.timing import member_zone
from storage.database import Database
from storage.repositories import erasures, members
from storage.repositories import privacy as repo

log = logging.getLogger(__name__)


class StripeCustomers(Protocol):
    async def delete_customer(self, customer: str) -> None: ...

    async def flag_customer(self, customer: str, metadata: Mapping[str, str]) -> None: ...


class ErasureBilling(Protocol):
    """What forgetting needs from billing (`BillingService`)."""

    @property
    def stripe(self) -> Any: ...

    async def erasure_footprint(self, member_id: int) -> BillingFootprint: ...

    async def end_for_erasure(self, member_id: int) -> BillingFootprint: ...


FORGOTTEN_FLAG = {"membot_forgotten": "true"}


class PrivacyService:
    def __init__(
        self,
        database: Database,
        outbox: Outbox,
        clock: Clock,
        community: CommunityContext,
        presence: Presence,
        billing: ErasureBilling | None = None,
        stripe_action: str = "flag",
    ) -> None:
        self._database = database
        self._outbox = outbox
        self._clock = clock
        self._community = community
        self._presence = presence
        self._billing = billing
        self._stripe: StripeCustomers | None = billing.stripe if billing is not None else None
        self._stripe_action = stripe_action
        self._erasing = asyncio.Lock()

    async def billing_footprint(self, member_id: int) -> BillingFootprint:
        """What forgetting the member does to billing, for the confirmation they are asked."""
        return await self._billing.erasure_footprint(member_id) if self._billing is not None else BillingFootprint()

    async def export(self, member_id: int) -> bytes:
        """Everything stored about the member, as pretty JSON, table by table."""
        out: dict[str, Any] = {"member_id": member_id, "exported_at": self._clock.now().isoformat(), "tables": {}}
        async with self._database.session() as session:
            out["tables"] = await repo.rows_about(session, member_id)
        for row in out["tables"].get("outbox", ()):
            row["payload"] = _without_file(row["payload"])
        if "members" not in out["tables"]:
            raise UserError("privacy.unknown_member")
        return json.dumps(out, indent=2, ensure_ascii=False, default=_json_value).encode()

    async def send_export(self, member_id: int, *, locale: str | None = None) -> None:
        """Queue the member's export to their DMs (a file, never in a channel).

        `locale` is the language their platform reports, read after their own and before the
        community's. UserError when they are unknown or have no DM on a running platform.
        """
        data = await self.export(member_id)
        now = self._clock.now()
        async with self._database.session() as session:
            member = await members.get(session, member_id)
            target = dm_target(member, self._presence) if member else None
            if member is None or target is None:
                raise UserError("privacy.no_dm")
            reader = Reader(
                (member.locale, locale, self._community.locale), member_zone(member.timezone, self._community.tz).key
            )
            key = f"privacy:export:member:{member_id}:{now.isoformat()}"
            await self._outbox.enqueue(session, key, target, DataExport(data), reader=reader, member_id=member_id)

    async def forget(self, member_id: int) -> dict[str, int]:
        """Erase the member's personal data everywhere, Stripe first; returns rows touched per table.

        `subscriptions_cancelled` says how many Stripe subscriptions were cancelled first;
        `already_erased` alone means an earlier request did it all. Raises UserError (nothing
        of ours erased) when Stripe cannot cancel a running subscription or remove the customer.
        """
        async with self._erasing:  # a double click on "forget me" must not erase (and cancel at Stripe) twice
            if await self._erased(member_id):
                return {"already_erased": 1}
            return await self._forget(member_id)

    async def _erased(self, member_id: int) -> bool:
        async with self._database.session() as session:
            return await erasures.any_erased(session, [("member", str(member_id))])

    async def _forget(self, member_id: int) -> dict[str, int]:
        footprint = BillingFootprint()
        if self._billing is not None:
            try:
                footprint = await self._billing.end_for_erasure(member_id)
            except BillingUnavailable:
                raise UserError("billing.errors.billing_down") from None
        touched: dict[str, int] = {"subscriptions_cancelled": len(footprint.subscriptions)}
        async with self._database.session() as session:
            customers, subscriptions = await repo.stripe_ids(session, member_id)
        # At Stripe before here: our copy of the customer ids is erased below, so a retry after a
        # Stripe failure can only finish the job if nothing was erased yet (both calls are idempotent).
        try:
            touched["stripe_customers"] = await self._forget_at_stripe(customers)
        except BillingUnavailable:
            raise UserError("billing.errors.billing_down") from None
        now = self._clock.now()
        async with self._database.session() as session:
            await erasures.overwrite_freed_space(session)
            marks = [("member", str(member_id))]
            marks += [("customer", c) for c in customers] + [("subscription", s) for s in subscriptions]
            await erasures.record(session, marks, now)
            fingerprints = await repo.fingerprints(session, member_id)
            touched["outbox_unsent"] = await erasures.bury_pending(session, member_id)
            touched.update(await repo.erase_rows(session, member_id, now))
            touched["stripe_events"] = await repo.scrub_stripe_events(session, [*customers, *subscriptions])
            touched.update(await repo.scrub_quotes(session, fingerprints))
            touched["faq_learned_wordings"] = await repo.forget_learned_wordings(session, fingerprints)
        await erasures.checkpoint(self._database.engine)
        log.info("forgot member %s", member_id)
        return touched

    async def _forget_at_stripe(self, customers: Sequence[str]) -> int:
        """Delete or flag the member's Stripe customers, per MEMBOT_PRIVACY_STRIPE.

        A Stripe failure is raised before anything of ours is erased, so the member can simply
        ask again.
        """
        if self._stripe is None or self._stripe_action == "keep" or not customers:
            return 0
        for customer in customers:
            if self._stripe_action == "delete":
                await self._stripe.delete_customer(customer)
            else:
                await self._stripe.flag_customer(customer, FORGOTTEN_FLAG)
        return len(customers)


def _json_value(value: Any) -> Any:
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return value.decode(errors="replace")
    return str(value)


def _without_file(payload: dict[str, Any]) -> dict[str, Any]:
    """A sent message with its file named, not included: the file DMed with an earlier export is
    that export, and each export holding the ones before it doubled in size every time."""
    attachment = payload.get("attachment")
    if not isinstance(attachment, dict) or "data" not in attachment:
        return payload
    size = len(str(attachment["data"])) * 3 // 4  # base64: four characters for three bytes
    kept = {k: v for k, v in attachment.items() if k != "data"}
    return {**payload, "attachment": {**kept, "bytes": size, "data": "(left out)"}}
