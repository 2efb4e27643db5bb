"""MRR counts a Stripe membership from when it first paid: at once without a trial, at a trial's end with one."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

from aiohttp.test_utils import TestClient

from bot.app import App
from bot.notices.analytics import Period
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
    # Only Bea took a trial, and it converted (found as an outsider: Ann counted as a trial too).
    trials = (await paid_app.services.analytics.figures(Period.last(30, paid_app.clock.now()))).membership.trials
    assert (trials.ended, trials.converted) == (1, 1)


async def briefing_week(memory: MemoryPlatform) -> str:
    message = (await memory.command("creator", "briefing")).replies[0][0]
    return "\n".join(getattr(block, "text", "") for block in message.blocks)


async def test_a_payment_that_lapses_is_counted_in_the_week_it_lapsed_and_a_pause_when_it_began(
    paid_app: App, webhook: TestClient, stripe_fake: FakeStripe, memory: MemoryPlatform
) -> None:
    """Found as an outsider: an unpaid member was dated by their first failed payment, a week whose
    briefing had gone out, so no briefing ever named them; a paused one counted as a member until
    their period ended, then vanished without a line."""
    await memory.command("creator", "help")
    ann = await newcomer(paid_app, memory, "u1", "Ann Lee")
    dee = await newcomer(paid_app, memory, "u2", "Dee Moss")
    now = paid_app.clock.now()
    ann_meta, dee_meta = {"member_id": str(ann), "plan": "monthly"}, {"member_id": str(dee), "plan": "monthly"}
    period_end = now + timedelta(days=30)
    stripe_fake.set_subscription("sub_ann", status="active", period_end=period_end, metadata=ann_meta)
    stripe_fake.set_subscription("sub_dee", status="active", customer="cus_2", period_end=period_end, metadata=dee_meta)
    created = [stripe_fake.subscription_event("customer.subscription.created", s) for s in ("sub_ann", "sub_dee")]
    await deliver(paid_app, webhook, stripe_fake, *created)

    # Week 1: Ann's renewal fails (she keeps access through the grace period); Dee pauses.
    paid_app.clock.advance(timedelta(days=8))
    stripe_fake.set_subscription("sub_ann", status="past_due", period_end=period_end, metadata=ann_meta)
    stripe_fake.set_subscription("sub_dee", status="paused", customer="cus_2", period_end=period_end, metadata=dee_meta)
    updated = [stripe_fake.subscription_event("customer.subscription.updated", s) for s in ("sub_ann", "sub_dee")]
    await deliver(paid_app, webhook, stripe_fake, *updated)
    week1 = await briefing_week(memory)
    assert "• Members: 1 (-1)" in week1  # Ann still a member; Dee paused from today, not from her period's end
    assert "• Failed payments: 0" in week1
    assert "• Paused: 1: Dee Moss" in week1  # the -1 is explained, and a pause is not churn
    # Dee paid until her pause: the week began at two members' MRR (found as an outsider: a pause
    # rewrote the past, "MRR: $98 ($0)").
    week = (await paid_app.services.analytics.figures(Period.last(7, paid_app.clock.now()))).membership
    assert (week.mrr_at_start, week.mrr) == ({"usd": Decimal("98.00")}, {"usd": Decimal("49.00")})

    # Week 2: Ann's invoice goes unpaid: she is lost now, and this week's briefing names her.
    paid_app.clock.advance(timedelta(days=7))
    stripe_fake.set_subscription("sub_ann", status="unpaid", period_end=period_end, metadata=ann_meta)
    await deliver(
        paid_app, webhook, stripe_fake, stripe_fake.subscription_event("customer.subscription.updated", "sub_ann")
    )
    week2 = await briefing_week(memory)
    assert "• Members: 0 (-1)" in week2
    assert "• Failed payments: 1: Ann Lee" in week2.splitlines()  # not "(came back)": unpaid is no return
    assert "Paused" not in week2  # said once, the week it began


async def test_a_trial_given_by_hand_that_runs_out_is_named_in_the_briefing(app: App, memory: MemoryPlatform) -> None:
    await memory.command("creator", "help")
    await newcomer(app, memory, "u1", "Tina Vik")
    await memory.command("creator", "member", "add u1 trial 3")
    app.clock.advance(timedelta(days=4))
    await app.tick()
    week = await briefing_week(memory)
    assert "• Members: 0 (+0)" in week and "• Trial ended: 1: Tina Vik" in week
