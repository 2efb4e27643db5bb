"""Before money moves: yearly renewal reminders with the year in numbers, trial-ending notes, and the
daily reconciliation that corrects what missed webhooks left wrong."""

from __future__ import annotations

from datetime import timedelta

import pytest
from aiohttp.test_utils import TestClient

from bot.app import App
from bot.platforms.memory import MemoryPlatform
from bot.testing.fake_stripe import FakeStripe
from storage.models import ContentItem
from tests.kits.billing import button_actions, deliver, membership_of, newcomer, texts


async def subscribe(
    app: App, client: TestClient, fake: FakeStripe, mid: int, *, plan: str, status: str = "active", **kwargs
) -> None:  # type: ignore[no-untyped-def]
    prices = {"monthly": ("price_monthly_sample", "month"), "yearly": ("price_yearly_sample", "year")}
    price, interval = prices[plan]
    fake.set_subscription(
        "sub_1", status=status, price=price, interval=interval, metadata={"member_id": str(mid), "plan": plan}, **kwargs
    )
    await deliver(app, client, fake, fake.checkout_completed(member_id=mid, subscription="sub_1", plan=plan))


@pytest.mark.long
async def test_yearly_renewal_reminder_seven_days_before_with_the_year_in_numbers(
    paid_app: App, webhook: TestClient, stripe_fake: FakeStripe, memory: MemoryPlatform
) -> None:
    mid = await newcomer(paid_app, memory)
    now = paid_app.clock.now()
    renews = now + timedelta(days=30)
    await subscribe(paid_app, webhook, stripe_fake, mid, plan="yearly", period_end=renews)
    async with paid_app.database.session() as session:
        for n in range(3):
            session.add(
                ContentItem(
                    community_id=paid_app.services.community.id,
                    slug=f"past-{n}",
                    title="Past",
                    kind="resource",
                    publish_at=now - timedelta(days=10),
                    published_at=now - timedelta(days=10),
                )
            )
    memory.sent.clear()

    await deliver(
        paid_app,
        webhook,
        stripe_fake,
        stripe_fake.invoice_event("invoice.upcoming", "sub_1", next_payment_attempt=renews),
    )
    assert texts(memory, "u1") == []  # Stripe told us 30 days ahead; the member hears 7 days before
    await paid_app.advance_time(timedelta(days=23))
    [reminder] = [m for m in memory.dms_to("u1") if "renews on" in m.text]
    assert reminder.text.startswith("Your yearly Strategy Club membership renews on Sun 20 Dec, 13:00 CET.")
    assert "Your year in numbers: 3 drops published" in reminder.blocks[1].text  # type: ignore[attr-defined]
    assert button_actions(reminder) == ["billing.portal"]


async def test_monthly_members_get_no_renewal_reminder(
    paid_app: App, webhook: TestClient, stripe_fake: FakeStripe, memory: MemoryPlatform
) -> None:
    mid = await newcomer(paid_app, memory)
    await subscribe(paid_app, webhook, stripe_fake, mid, plan="monthly")
    memory.sent.clear()
    await deliver(
        paid_app,
        webhook,
        stripe_fake,
        stripe_fake.invoice_event(
            "invoice.upcoming", "sub_1", next_payment_attempt=paid_app.clock.now() + timedelta(days=3)
        ),
    )
    await paid_app.advance_time(timedelta(days=3))
    assert not any("renews on" in t for t in texts(memory, "u1"))


async def test_trial_will_end_tells_the_member_and_the_checkout_offered_the_trial(
    paid_app: App, webhook: TestClient, stripe_fake: FakeStripe, memory: MemoryPlatform
) -> None:
    mid = await newcomer(paid_app, memory)
    await memory.click("u1", "billing.checkout:monthly")
    assert (
        stripe_fake.calls_to("POST", "/v1/checkout/sessions")[0].params["subscription_data"]["trial_period_days"] == "7"
    )
    trial_end = paid_app.clock.now() + timedelta(days=7)
    await subscribe(
        paid_app,
        webhook,
        stripe_fake,
        mid,
        plan="monthly",
        status="trialing",
        trial_end=trial_end,
        period_end=trial_end,
    )
    assert texts(memory, "u1") == ["Your free trial of Strategy Club has started! Everything is unlocked for you now."]
    assert memory.access[("W1", "u1")] == {"member"}
    memory.sent.clear()
    await deliver(
        paid_app, webhook, stripe_fake, stripe_fake.subscription_event("customer.subscription.trial_will_end", "sub_1")
    )
    [note] = memory.dms_to("u1")
    assert note.text.startswith("Your free trial ends on Fri 27 Nov, 13:00 CET.")
    assert button_actions(note) == ["billing.portal"]


async def test_reconciliation_fixes_what_missed_webhooks_left_wrong(
    paid_app: App, webhook: TestClient, stripe_fake: FakeStripe, memory: MemoryPlatform
) -> None:
    ann = await newcomer(paid_app, memory, "u1", "Ann")
    bo = await newcomer(paid_app, memory, "u2", "Bo")
    await subscribe(paid_app, webhook, stripe_fake, ann, plan="monthly")
    assert memory.access[("W1", "u1")] == {"member"}
    # Ann's cancellation webhook never arrives; Bo paid but his checkout webhook was lost.
    stripe_fake.set_subscription("sub_1", status="canceled")
    stripe_fake.set_subscription(
        "sub_2", status="active", customer="cus_test_2", metadata={"member_id": str(bo), "plan": "monthly"}
    )

    report = await paid_app.services.billing.reconcile()
    await paid_app.settle()
    assert report is not None and report.checked == 2
    assert sorted(o.after for o in report.changed) == ["active", "canceled"]
    assert memory.access[("W1", "u1")] == set() and memory.access[("W1", "u2")] == {"member"}
    ann_membership = await membership_of(paid_app, "u1")
    assert ann_membership is not None and ann_membership.status == "canceled"
    assert any(t.startswith("Sorry to see you go!") for t in texts(memory, "u1"))
    assert stripe_fake.calls_to("GET", "/v1/subscriptions")[0].params == {"status": "all", "limit": "100"}


async def test_billing_gives_a_portal_link_and_join_refuses_members(
    paid_app: App, webhook: TestClient, stripe_fake: FakeStripe, memory: MemoryPlatform
) -> None:
    mid = await newcomer(paid_app, memory)
    assert (await memory.command("u1", "billing")).texts == [
        "I can't find a paid membership for you. Type /join to become a member."
    ]
    await subscribe(paid_app, webhook, stripe_fake, mid, plan="monthly")
    page = (await memory.command("u1", "billing")).replies[0][0]
    assert button_actions(page)[0].startswith("https://billing.stripe.test/p/session/")
    [call] = stripe_fake.calls_to("POST", "/v1/billing_portal/sessions")
    assert call.params == {"customer": "cus_test_1", "return_url": "https://club.example.test/billing/done"}
    assert (await memory.command("u1", "join")).texts == ["You're already a member, nothing to do."]
    # Whatever follows /join, a member is told they are one (a non-member's unknown word gets the
    # plan-or-code error: tests/billing/test_join_when_member.py).
    assert (await memory.command("u1", "join", "platinum")).texts == ["You're already a member, nothing to do."]
