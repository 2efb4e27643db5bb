"""A member's data: export everything stored about them, or forget them (keeping anonymous aggregates).

Forgetting a paying member cancels their subscription at Stripe first (a failure changes
nothing), ends the membership and its access, then erases: their rows, quotes of them in
messages to others, the Stripe events about them; tombstones stop late webhooks re-linking them.
"""

from __future__ import annotations

import json
import logging
from datetime import date, datetime, time
from decimal import Decimal
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from sqlalchemy import String, Table, cast, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.services.errors import UserError
from bot.services.billing.erasure import BillingFootprint
from bot.services.billing.wire import BillingUnavailable
from storage.database import Database
from storage.models import Base, Membership, StripeEvent
from storage.privacy import ERASED, FINGERPRINTS, POLICIES, QUOTED, SECOND_LINKS
from storage.repositories import erasures

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
        self, database: Database, clock: Clock, billing: ErasureBilling | None = None, stripe_action: str = "flag"
    ) -> None:
        self._database = database
        self._clock = clock
        self._billing = billing
        self._stripe: StripeCustomers | None = billing.stripe if billing is not None else None
        self._stripe_action = stripe_action

    async def billing_footprint(self, member_id: int) -> BillingFootprint:
        """What forgetting the member does to billing, for the confirmation they are asked."""
        return await self._billing.erasure_footprint(member_id) if self._billing is not None else BillingFootprint()

    async def export(self, member_id: int) -> bytes:
        """Everything stored about the member, as pretty JSON, table by table."""
        out: dict[str, Any] = {"member_id": member_id, "exported_at": self._clock.now().isoformat(), "tables": {}}
        async with self._database.session() as session:
            for name, table in _tables():
                rows = await _rows_of(session, name, table, member_id)
                if rows:
                    out["tables"][name] = rows
        if "members" not in out["tables"]:
            raise UserError("privacy.unknown_member")
        return json.dumps(out, indent=2, ensure_ascii=False, default=_json_value).encode()

    async def forget(self, member_id: int) -> dict[str, int]:
        """Erase the member's personal data everywhere; returns rows touched per table.

        `subscriptions_cancelled` says how many Stripe subscriptions were cancelled first.
        Raises UserError (nothing changed) when Stripe cannot cancel a running subscription.
        """
        footprint = BillingFootprint()
        if self._billing is not None:
            try:
                footprint = await self._billing.end_for_erasure(member_id)
            except BillingUnavailable:
                raise UserError("billing.errors.billing_down") from None
        touched: dict[str, int] = {"subscriptions_cancelled": len(footprint.subscriptions)}
        now = self._clock.now()
        async with self._database.session() as session:
            await erasures.overwrite_freed_space(session)
            paid = (
                await session.execute(
                    select(Membership.stripe_customer_id, Membership.stripe_subscription_id).where(Membership.member_id == member_id)
                )
            ).all()
            customers = sorted({c for c, _ in paid if c})
            subscriptions = sorted({s for _, s in paid if s})
            marks = [("member", str(member_id))]
            marks += [("customer", c) for c in customers] + [("subscription", s) for s in subscriptions]
            await erasures.record(session, marks, now)
            fingerprints = await _fingerprints(session, member_id)
            touched["outbox_unsent"] = await erasures.bury_pending(session, member_id)
            for name, table in _tables():
                policy = POLICIES[name]
                if policy.link is None or policy.forget in ("keep", "none"):
                    continue
                column = table.c[policy.link]
                if policy.forget == "delete":
                    result = await session.execute(delete(table).where(column == member_id))
                else:
                    values = dict(policy.erase)
                    if name == "members":
                        values["left_at"] = now
                    result = await session.execute(update(table).where(column == member_id).values(**values))
                touched[name] = result.rowcount or 0
            touched["stripe_events"] = await _scrub_stripe_events(session, [*customers, *subscriptions])
            tables = dict(_tables())
            for name, columns in QUOTED.items():
                if name in tables:
                    touched[f"{name}_quotes"] = await erasures.scrub_quotes(session, tables[name], columns, fingerprints)
        await erasures.checkpoint(self._database.engine)
        log.info("forgot member %s", member_id)
        touched["stripe_customers"] = await self._forget_at_stripe(customers)
        return touched

    async def _forget_at_stripe(self, customers: Sequence[str]) -> int:
        """Delete or flag the member's Stripe customers, per MEMBOT_PRIVACY_STRIPE.

        Our own data is already erased by then; a Stripe failure is logged (without the id)
        and raised, so the member is told the Stripe part did not go through.
        """
        if self._stripe is None or self._stripe_action == "keep" or not customers:
            return 0
        for customer in customers:
            if self._stripe_action == "delete":
                await self._stripe.delete_customer(customer)
            else:
                await self._stripe.flag_customer(customer, FORGOTTEN_FLAG)
        return len(customers)


def _tables() -> list[tuple[str, Table]]:
    tables = [(t.name, t) for t in Base.metadata.sorted_tables]
    missing = [name for name, _ in tables if name not in POLICIES]
    if missing:
        raise RuntimeError(f"no privacy policy for tables: {', '.join(missing)} (add them to storage/privacy.py)")
    return tables


async def _rows_of(session: AsyncSession, name: str, table: Table, member_id: int) -> list[dict[str, Any]]:
    policy = POLICIES[name]
    if policy.link is None:
        return []
    condition = table.c[policy.link] == member_id
    if name in SECOND_LINKS:
        condition = condition | (table.c[SECOND_LINKS[name]] == member_id)
    rows = (await session.execute(select(table).where(condition))).mappings().all()
    return [dict(row) for row in rows]


async def _fingerprints(session: AsyncSession, member_id: int) -> list[str]:
    """The member's name, handles and words (storage.privacy.FINGERPRINTS), read before they are erased."""
    found: set[str] = set()
    for name, where, shortest in FINGERPRINTS:
        table = Base.metadata.tables[name]
        column, _, key = where.partition(".")
        link = table.c[POLICIES[name].link or "id"]
        for value in (await session.scalars(select(table.c[column]).where(link == member_id))).all():
            if key and isinstance(value, Mapping):
                value = value.get(key)
            if isinstance(value, str) and len(value.strip()) >= shortest and value != ERASED:
                found.add(value.strip())
    return sorted(found)


async def _scrub_stripe_events(session: AsyncSession, ids: list[str]) -> int:
    """Stripe payloads carry names and emails: blank those about the member's customers and subscriptions."""
    touched = 0
    for customer in ids:
        result = await session.execute(
            update(StripeEvent)
            .where(cast(StripeEvent.payload, String).contains(customer))
            .values(payload={"erased": ERASED})
        )
        touched += result.rowcount or 0
    return touched


def _json_value(value: Any) -> Any:
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return value.decode(errors="replace")
    return str(value)
