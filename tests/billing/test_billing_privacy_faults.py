"""Stripe from the privacy side (/forget-me deletes or flags the customer) and under faults (5xx, 429)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.app import App
from bot.clock import FakeClock
from bot.platforms.memory import MemoryPlatform
from bot.settings import Settings
from bot.testing.fake_stripe import FakeStripe
from storage.database import Database
from storage.models import Member, Membership, Tier
from tests.conftest import make_app


async def paying_member(app: App, memory: MemoryPlatform, clock: FakeClock) -> int:
    await memory.join("u1", "Zoe Park")
    async with app.database.session() as session:
        zoe = await session.scalar(select(Member).where(Member.display_name == "Zoe Park"))
        tier = await session.scalar(select(Tier))
        session.add(
            Membership(
                member_id=zoe.id, tier_id=tier.id, status="active", started_at=clock.now(), stripe_customer_id="cus_ZOE"
            )
        )
        return zoe.id


async def forget(memory: MemoryPlatform, member_id: int) -> list[str]:
    return (await memory.click("u1", f"privacy.forget:{member_id}")).texts


async def test_forget_me_flags_the_stripe_customer_by_default(
    paid_app: App,
    memory: MemoryPlatform,
    clock: FakeClock,
    stripe_fake: FakeStripe,
) -> None:
    member_id = await paying_member(paid_app, memory, clock)
    assert (await forget(memory, member_id))[0].startswith("Done.")
    assert stripe_fake.customers["cus_ZOE"]["metadata"] == {"membot_forgotten": "true"}
    assert not stripe_fake.customers["cus_ZOE"].get("deleted")


@pytest.fixture
async def deleting_app(
    sqlite_db: Database,
    paid_settings: Settings,
    clock: FakeClock,
    memory: MemoryPlatform,
    community_path: Path,
) -> AsyncIterator[App]:
    settings = paid_settings.model_copy(update={"privacy_stripe": "delete"})
    application = await make_app(sqlite_db, settings, clock, {"memory": memory}, community_path)
    yield application
    await application.stop()


async def test_forget_me_deletes_the_stripe_customer_when_set_to(
    deleting_app: App,
    memory: MemoryPlatform,
    clock: FakeClock,
    stripe_fake: FakeStripe,
) -> None:
    member_id = await paying_member(deleting_app, memory, clock)
    await forget(memory, member_id)
    assert stripe_fake.customers["cus_ZOE"]["deleted"] is True
    assert [c.method for c in stripe_fake.calls if c.path == "/v1/customers/cus_ZOE"] == ["DELETE"]


async def test_stripe_down_during_forget_me_erases_nothing_yet_so_asking_again_finishes_it(
    paid_app: App,
    memory: MemoryPlatform,
    clock: FakeClock,
    stripe_fake: FakeStripe,
) -> None:
    """Our copy of the customer id is erased with the rest: erasing first would leave the
    customer at Stripe for good, and a second request could no longer reach it."""
    member_id = await paying_member(paid_app, memory, clock)
    stripe_fake.fail_next(500, 500, 500)  # the first try and both of the library's retries
    texts = await forget(memory, member_id)
    assert texts[0].startswith("I couldn't reach the payment provider just now. Nothing was changed")
    async with paid_app.database.session() as session:
        assert (await session.get(Member, member_id)).display_name == "Zoe Park"
    assert (await forget(memory, member_id))[0].startswith("Done.")
    assert stripe_fake.customers["cus_ZOE"]["metadata"] == {"membot_forgotten": "true"}
    async with paid_app.database.session() as session:
        assert (await session.get(Member, member_id)).display_name == "[erased]"


async def test_a_double_click_on_forget_me_erases_once_and_confirms_once(
    paid_app: App,
    memory: MemoryPlatform,
    clock: FakeClock,
    stripe_fake: FakeStripe,
) -> None:
    member_id = await paying_member(paid_app, memory, clock)
    replies = await asyncio.gather(*(forget(memory, member_id) for _ in range(3)))
    texts = sorted(t[0] for t in replies)
    assert texts[0].startswith("Done.") and all(t.startswith("That's done already") for t in texts[1:])
    assert [c.method for c in stripe_fake.calls if c.path == "/v1/customers/cus_ZOE"] == ["POST"]


async def test_stripe_errors_on_join_and_billing_get_a_friendly_answer_and_change_nothing(
    paid_app: App,
    memory: MemoryPlatform,
    stripe_fake: FakeStripe,
) -> None:
    await memory.join("u2", "Max")
    menu = await memory.command("u2", "join")  # which plan? (no Stripe call yet)
    plan = menu.replies[0][0].choices()[0]
    stripe_fake.fail_next(503, 503, 503)  # the first try and both of the library's retries
    down = await memory.click("u2", plan.action_id, plan.value)  # type: ignore[union-attr]
    assert down.texts == [
        "I couldn't reach the payment provider just now. Nothing was changed; please try again in a minute."
    ]
    async with paid_app.database.session() as session:
        assert (await session.scalars(select(Membership))).all() == []

    ok = await memory.click("u2", plan.action_id, plan.value)  # type: ignore[union-attr]  # Stripe is back
    assert "checkout" in str(ok.replies[0][0].to_dict()).lower()
