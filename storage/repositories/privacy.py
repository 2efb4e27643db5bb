"""A member's personal data in every table, by the policies of `storage/privacy.py`: read it all, or erase it.

Which tables hold what, and what forgetting does to each, is `storage.privacy.POLICIES`; a
table without a policy is an error here, so a new table cannot silently escape an export
or an erasure.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import String, Table, cast, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Base, FaqEntry, Membership, StripeEvent
from storage.privacy import ERASED, FINGERPRINTS, POLICIES, QUOTED, SECOND_LINKS
from storage.repositories import erasures
from storage.repositories._upsert import affected

MAX_WORDING = 300
"""The longest learned wording (bot.services.faq.entries.MAX_QUESTION): a longer question was clipped."""


def tables() -> list[tuple[str, Table]]:
    """Every table, each with a policy (RuntimeError names the tables that have none)."""
    found = [(t.name, t) for t in Base.metadata.sorted_tables]
    missing = [name for name, _ in found if name not in POLICIES]
    if missing:
        raise RuntimeError(f"no privacy policy for tables: {', '.join(missing)} (add them to storage/privacy.py)")
    return found


async def rows_about(session: AsyncSession, member_id: int) -> dict[str, list[dict[str, Any]]]:
    """The member's rows, table by table (tables with none are left out)."""
    out: dict[str, list[dict[str, Any]]] = {}
    for name, table in tables():
        policy = POLICIES[name]
        if policy.link is None:
            continue
        condition = table.c[policy.link] == member_id
        if name in SECOND_LINKS:
            condition = condition | (table.c[SECOND_LINKS[name]] == member_id)
        rows = (await session.execute(select(table).where(condition))).mappings().all()
        if rows:
            out[name] = [dict(row) for row in rows]
    return out


async def stripe_ids(session: AsyncSession, member_id: int) -> tuple[list[str], list[str]]:
    """The Stripe customers and subscriptions the member's memberships name, each sorted."""
    paid = (
        await session.execute(
            select(Membership.stripe_customer_id, Membership.stripe_subscription_id).where(
                Membership.member_id == member_id
            )
        )
    ).all()
    return sorted({c for c, _ in paid if c}), sorted({s for _, s in paid if s})


async def fingerprints(session: AsyncSession, member_id: int) -> list[str]:
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


async def erase_rows(session: AsyncSession, member_id: int, now: datetime) -> dict[str, int]:
    """Delete or anonymise the member's rows in every table, as its policy says; rows touched per table."""
    touched: dict[str, int] = {}
    for name, table in tables():
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
        touched[name] = affected(result)
    return touched


async def scrub_stripe_events(session: AsyncSession, ids: Sequence[str]) -> int:
    """Stripe payloads carry names and emails: blank those about these customers and subscriptions."""
    touched = 0
    for stripe_id in ids:
        result = await session.execute(
            update(StripeEvent)
            .where(cast(StripeEvent.payload, String).contains(stripe_id))
            .values(payload={"erased": ERASED})
        )
        touched += affected(result)
    return touched


async def scrub_quotes(session: AsyncSession, fingerprints: Sequence[str]) -> dict[str, int]:
    """Blank the fingerprints wherever messages to others quote them (`storage.privacy.QUOTED`), per table."""
    by_name = dict(tables())
    return {
        f"{name}_quotes": await erasures.scrub_quotes(session, by_name[name], columns, fingerprints)
        for name, columns in QUOTED.items()
        if name in by_name
    }


async def forget_learned_wordings(session: AsyncSession, fingerprints: Sequence[str]) -> int:
    """Drop the member's own wordings from the FAQ entries that learned them; entries touched.

    A learned wording is the member's question as they typed it (spaces collapsed, clipped), so it is
    matched whole rather than blanked: "[erased]" would be a question the FAQ answers.
    """
    theirs = {" ".join(f.split()).casefold() for f in fingerprints}
    theirs |= {f[:MAX_WORDING] for f in theirs}
    touched = 0
    for entry in (
        await session.scalars(select(FaqEntry).where(cast(FaqEntry.learned_questions, String) != "[]"))
    ).all():
        kept = [w for w in entry.learned_questions or () if str(w).casefold() not in theirs]
        if len(kept) != len(entry.learned_questions or ()):
            entry.learned_questions = kept
            touched += 1
    return touched
