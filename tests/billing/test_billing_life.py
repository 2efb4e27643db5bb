"""One member's whole life with Stripe: join, pay, a failed payment and its grace period, recovery,
cancellation with the exit survey, and a win-back note a month later."""

from __future__ import annotations

from datetime import timedelta

import pytest
from aiohttp.test_utils import TestClient

from bot.app import App
from bot.platforms.memory import MemoryPlatform
from bot.testing.fake_stripe import FakeStripe
from tests.kits.billing import button_actions, deliver, member_id, membership_of, newcomer, texts


def new_dms(memory: MemoryPlatform, user: str) -> list[str]:
    found = texts(memory, user)
    memory.sent.clear()
    return found


@pytest.mark.long
async def test_join_pay_fail_grace_recover_cancel_survey_winback(
    paid_app: App, webhook: TestClient, stripe_fake: FakeStripe, memory: MemoryPlatform
) -> None:
    await memory.command("creator", "help")
    mid = await newcomer(paid_app, memory)

    # /join offers the regular plans; picking one gives a checkout link made for this member.
    offer = (await memory.command("u1", "join")).replies[0][0]
    assert button_actions(offer) == ["billing.checkout:monthly", "billing.checkout:yearly"]
    link = (await memory.click("u1", "billing.checkout:yearly")).replies[0][0]
    assert button_actions(link) == ["https://checkout.stripe.test/c/pay/cs_test_000001"]
    [call] = stripe_fake.calls_to("POST", "/v1/checkout/sessions")
    assert call.params["client_reference_id"] == str(mid)
    assert call.params["line_items"] == {"0": {"price": "price_yearly_sample", "quantity": "1"}}
    assert call.params["metadata"]["member_id"] == str(mid) and call.params["mode"] == "subscription"
    assert call.params["subscription_data"]["metadata"]["plan"] == "yearly"
    assert "trial_period_days" not in call.params["subscription_data"]  # the yearly plan has no trial

    # They pay: checkout completes and the subscription is active -> access, and a welcome.
    renews = paid_app.clock.now() + timedelta(days=365)
    meta = {"member_id": str(mid), "plan": "yearly"}
    stripe_fake.set_subscription(
        "sub_1", status="active", price="price_yearly_sample", interval="year", period_end=renews, metadata=meta
    )
    await deliver(
        paid_app,
        webhook,
        stripe_fake,
        stripe_fake.checkout_completed(member_id=mid, subscription="sub_1", plan="yearly"),
        stripe_fake.subscription_event("customer.subscription.created", "sub_1"),
    )
    assert memory.access[("W1", "u1")] == {"member"}
    assert new_dms(memory, "u1") == ["Payment received, welcome to Strategy Club! Everything is unlocked for you now."]

    # A renewal payment fails: access stays for the grace period, with a friendly DM; the creator is told.
    stripe_fake.set_subscription("sub_1", status="past_due")
    await deliver(
        paid_app,
        webhook,
        stripe_fake,
        stripe_fake.invoice_event("invoice.payment_failed", "sub_1", status="open"),
        stripe_fake.subscription_event(
            "customer.subscription.updated", "sub_1", previous_attributes={"status": "active"}
        ),
    )
    await paid_app.tick()
    assert memory.access[("W1", "u1")] == {"member", "past-due"}
    day0 = memory.dms_to("u1")
    assert [m.text.split(":")[0] for m in day0] == ["Heads up"]
    assert "billing.portal" in button_actions(day0[0])
    assert any("payment didn't go through" in t for t in texts(memory, "creator"))
    memory.sent.clear()

    portal = (await memory.click("u1", "billing.portal")).replies[0][0]
    assert button_actions(portal)[0].startswith("https://billing.stripe.test/p/session/bps_test_")
    assert stripe_fake.calls_to("POST", "/v1/billing_portal/sessions")[0].params["customer"] == "cus_test_1"

    await paid_app.advance_time(timedelta(days=3))
    assert [t for t in new_dms(memory, "u1") if "payment" in t] == [
        "A friendly reminder: your payment still hasn't gone through. You keep access until Fri 27 Nov, 13:00 CET; "
        "after that it pauses until the payment succeeds."
    ]
    await paid_app.advance_time(timedelta(days=4))  # day 7: the grace period (7 days) is over
    assert any(
        t.startswith("Your payment still hasn't gone through, so I've paused your access")
        for t in new_dms(memory, "u1")
    )
    assert memory.access[("W1", "u1")] == set()

    # The card is updated and the invoice is paid: access returns, and a thank-you.
    stripe_fake.set_subscription("sub_1", status="active")
    await deliver(paid_app, webhook, stripe_fake, stripe_fake.invoice_event("invoice.paid", "sub_1"))
    assert memory.access[("W1", "u1")] == {"member"}
    assert new_dms(memory, "u1") == [
        "Your payment went through, thank you! Everything is back to normal and unlocked for you."
    ]
    membership = await membership_of(paid_app, "u1")
    assert membership is not None and membership.past_due_since is None

    # They cancel: access is removed, they get the exit survey, the creator hears about it.
    stripe_fake.set_subscription("sub_1", status="canceled")
    await deliver(
        paid_app, webhook, stripe_fake, stripe_fake.subscription_event("customer.subscription.deleted", "sub_1")
    )
    assert memory.access[("W1", "u1")] == set()
    [survey] = memory.dms_to("u1")
    assert survey.text.startswith("Sorry to see you go!")
    assert button_actions(survey)[:2] == ["billing.exit:price", "billing.exit:time"]
    assert any("has left" in t for t in texts(memory, "creator"))
    memory.sent.clear()
    assert (await memory.click("u1", "billing.exit:price")).texts == [
        "Thank you for telling me, it really helps. You're welcome back any time."
    ]
    await paid_app.settle()
    assert texts(memory, "creator") == ["Ann Lee told me why they left: Too expensive."]
    membership = await membership_of(paid_app, "u1")
    assert membership is not None and (membership.status, membership.cancel_reason) == ("canceled", "price")
    assert membership.ended_at is not None
    memory.sent.clear()

    # A month later, one win-back note with a way back in.
    await paid_app.advance_time(timedelta(days=29))
    assert not any("welcome back" in t for t in texts(memory, "u1"))
    await paid_app.advance_time(timedelta(days=1))
    await paid_app.advance_time(timedelta(days=1))
    winback = [m for m in memory.dms_to("u1") if m.text.startswith("It's been a little while!")]
    assert len(winback) == 1 and button_actions(winback[0]) == ["billing.join"]


async def test_join_with_an_unknown_word_names_plans_and_codes_and_changes_nothing(
    paid_app: App, memory: MemoryPlatform, stripe_fake: FakeStripe
) -> None:
    """Found as an outsider: `/join weekly CODE` answered "I don't know the invite code “weekly CODE”"."""
    await newcomer(paid_app, memory, "amb")
    code = (await memory.command("amb", "invite")).texts[0].rsplit(" ", 1)[-1]
    await newcomer(paid_app, memory)

    mistyped_plan = await memory.command("u1", "join", f"weekly {code}")
    assert mistyped_plan.texts == ["There's no plan called “weekly”. Type /join to see the plans."]
    either = await memory.command("u1", "join", "weekly")
    assert either.texts == [
        "I don't know “weekly” as a plan or an invite code. The plans are monthly and yearly: "
        "type /join to see them with prices. An invite code comes from the friend who gave it to you."
    ]
    wrong_code = await memory.command("u1", "join", "monthly NOPE22")
    assert wrong_code.texts[0].startswith("I don't know the invite code “NOPE22”")
    assert stripe_fake.calls_to("POST", "/v1/checkout/sessions") == []
    assert await paid_app.services.referrals.stats(await member_id(paid_app, "amb")) == (0, 0)

    spaced = await memory.command("u1", "join", f"{code[:3]} {code[3:]} yearly")  # a code typed with a space
    assert button_actions(spaced.replies[0][0])[0].startswith("https://checkout.stripe.test/")
