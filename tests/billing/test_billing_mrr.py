"""MRR counts a Stripe membership from when it first paid: at once without a trial, at a trial's end with one."""

from __future__ import annotations

import re
from datetime import timedelta

from aiohttp.test_utils import TestClient

from bot.app import App
from bot.platforms.memory import MemoryPlatform
from bot.testing.fake_stripe import FakeStripe
from tests.kits.billing import deliver, membership_of, newcomer


async def mrr_line(memory: MemoryPlatform) -> str:
    reply = (await memory.command("creator", "stats")).replies[0][0].text
    found = re.search(r"MRR (\$[\d.,]+)", reply)  # the summary line: "… members, MRR $49, …"
    assert found is not None, reply
    return found.group(1).rstrip(",")


async def test_a_monthly_plan_paid_without_its_trial_counts_at_once_and_a_trial_from_its_end(
    paid_app: App, webhook: TestClient, stripe_fake: FakeStripe, memory: MemoryPlatform
) -> None:
    await memory.command("creator", "help")
    ann = await newcomer(paid_app, memory, "u1", "Ann Lee")
    bea = await newcomer(paid_app, memory, "u2", "Bea Berg")
    now = paid_app.clock.now()
    # Ann comes back: checkout gives no trial to a returning member, so she pays from today.
    stripe_fake.set_subscription(
        "sub_ann",
        status="active",
        period_end=now + timedelta(days=30),
        metadata={"member_id": str(ann), "plan": "monthly"},
    )
    # Bea is new: her monthly plan starts with the 7-day trial.
    trial_end = now + timedelta(days=7)
    bea_meta = {"member_id": str(bea), "plan": "monthly"}
    stripe_fake.set_subscription(
        "sub_bea", status="trialing", customer="cus_2", trial_end=trial_end, period_end=trial_end, metadata=bea_meta
    )
    await deliver(
        paid_app,
        webhook,
        stripe_fake,
        stripe_fake.subscription_event("customer.subscription.created", "sub_ann"),
        stripe_fake.subscription_event("customer.subscription.created", "sub_bea"),
    )
    assert await mrr_line(memory) == "$49"  # Ann only: the sample's monthly plan is $49, its trial 7 days

    # Bea's trial ends and her first payment goes through (Stripe reports the same trial_end).
    paid_app.clock.advance(timedelta(days=8))
    stripe_fake.set_subscription(
        "sub_bea",
        status="active",
        customer="cus_2",
        trial_end=trial_end,
        period_end=trial_end + timedelta(days=30),
        metadata=bea_meta,
    )
    await deliver(
        paid_app, webhook, stripe_fake, stripe_fake.subscription_event("customer.subscription.updated", "sub_bea")
    )
    bea_membership = await membership_of(paid_app, "u2")
    assert bea_membership is not None and bea_membership.paying_since == trial_end
    assert await mrr_line(memory) == "$98"
