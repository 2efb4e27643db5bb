"""Two checkouts completed by one member (two tabs, or /join again before the webhook lands).

Found as an outsider: both subscriptions opened a membership, the member was welcomed twice,
and Stripe went on charging both with only a log line to tell.
"""

from __future__ import annotations

from aiohttp.test_utils import TestClient
from sqlalchemy import select

from bot.app import App
from bot.platforms.memory import MemoryPlatform
from bot.testing.fake_stripe import FakeStripe
from storage.models import Membership
from tests.kits.billing import deliver, member_id, newcomer, texts


async def open_memberships(app: App, mid: int) -> list[tuple[str, str | None]]:
    async with app.database.session() as session:
        rows = await session.scalars(
            select(Membership).where(Membership.member_id == mid, Membership.ended_at.is_(None)).order_by(Membership.id)
        )
        return [(m.status, m.stripe_subscription_id) for m in rows]


async def test_a_second_running_subscription_keeps_one_membership_and_tells_both_sides(
    paid_app: App, webhook: TestClient, stripe_fake: FakeStripe, memory: MemoryPlatform
) -> None:
    await memory.command("creator", "help")
    mid = await newcomer(paid_app, memory)
    meta = {"member_id": str(mid), "plan": "monthly"}
    stripe_fake.set_subscription("sub_1", status="active", metadata=meta)
    stripe_fake.set_subscription("sub_2", status="active", metadata=meta)
    await deliver(paid_app, webhook, stripe_fake, stripe_fake.checkout_completed(member_id=mid, subscription="sub_1"))
    await deliver(paid_app, webhook, stripe_fake, stripe_fake.checkout_completed(member_id=mid, subscription="sub_2"))
    later = stripe_fake.subscription_event("customer.subscription.updated", "sub_2")
    await deliver(paid_app, webhook, stripe_fake, later)  # a later event about it changes nothing more

    assert await open_memberships(paid_app, mid) == [("active", "sub_1")]
    assert texts(memory, "u1") == [
        "Payment received, welcome to Strategy Club! Everything is unlocked for you now.",
        "It looks like you subscribed twice, so you may see two charges. Your membership is fine. "
        "I've told Maya Lindqvist, who will cancel the extra subscription and refund it.",
    ]
    [notice] = [m.text for m in memory.dms_to("creator") if "second subscription" in m.text]
    assert "Please cancel and refund sub_2" in notice and "stays on sub_1" in notice
    assert await member_id(paid_app, "u1") == mid


async def test_a_new_subscription_after_the_first_ended_is_a_new_membership(
    paid_app: App, webhook: TestClient, stripe_fake: FakeStripe, memory: MemoryPlatform
) -> None:
    mid = await newcomer(paid_app, memory)
    meta = {"member_id": str(mid), "plan": "monthly"}
    stripe_fake.set_subscription("sub_1", status="active", metadata=meta)
    await deliver(paid_app, webhook, stripe_fake, stripe_fake.checkout_completed(member_id=mid, subscription="sub_1"))
    stripe_fake.set_subscription("sub_1", status="canceled", metadata=meta)
    await deliver(
        paid_app, webhook, stripe_fake, stripe_fake.subscription_event("customer.subscription.deleted", "sub_1")
    )
    stripe_fake.set_subscription("sub_2", status="active", metadata=meta)
    await deliver(paid_app, webhook, stripe_fake, stripe_fake.checkout_completed(member_id=mid, subscription="sub_2"))

    assert await open_memberships(paid_app, mid) == [("active", "sub_2")]
    assert not any("subscribed twice" in t for t in texts(memory, "u1"))
