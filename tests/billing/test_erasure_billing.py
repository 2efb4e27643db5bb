"""/forget-me of a paying member: the subscription is cancelled at Stripe, access and the seat go, and
Stripe events arriving afterwards are stored scrubbed and never link anyone to the erased data."""

from __future__ import annotations

from aiohttp.test_utils import TestClient
from sqlalchemy import String, cast, func, select

from bot.app import App
from bot.platforms.memory import MemoryPlatform
from bot.testing.fake_stripe import FakeStripe
from storage.database import Database
from storage.models import Erasure, Member, Membership, OutboxMessage, StripeEvent
from storage.repositories import erasures
from tests.conftest import START
from tests.kits.billing import deliver, newcomer, stripe_events, texts

CUSTOMER = "cus_ZOE4711"


async def paying(app: App, client: TestClient, fake: FakeStripe, memory: MemoryPlatform) -> int:
    """Zoe pays through checkout: an active subscription, the member role, the only seat."""
    await memory.command("creator", "help")
    mid = await newcomer(app, memory, "u1", "Zoe Park")
    meta = {"member_id": str(mid), "plan": "monthly"}
    fake.set_subscription("sub_zoe", status="active", customer=CUSTOMER, metadata=meta)
    await deliver(
        app,
        client,
        fake,
        fake.checkout_completed(member_id=mid, subscription="sub_zoe", customer=CUSTOMER),
        fake.subscription_event("customer.subscription.created", "sub_zoe"),
    )
    assert memory.access[("W1", "u1")] == {"member"}
    memory.sent.clear()
    return mid


async def test_forget_me_cancels_the_subscription_ends_access_and_frees_the_seat(
    paid_app: App, webhook: TestClient, stripe_fake: FakeStripe, memory: MemoryPlatform
) -> None:
    mid = await paying(paid_app, webhook, stripe_fake, memory)
    await paid_app.services.billing.set_seat_cap(1)
    await newcomer(paid_app, memory, "u2", "Max Wait")
    assert "waitlist" in (await memory.command("u2", "join")).texts[0].lower()

    asked = await memory.command("u1", "forget-me")
    assert "subscription is cancelled at Stripe straight away" in asked.texts[0]
    assert "no further payments are taken" in asked.texts[0]
    done = await memory.click("u1", f"privacy.forget:{mid}")
    assert done.texts == [
        "Done. Your personal data has been erased and your subscription cancelled at Stripe, so no further "
        "payments will be taken. Thank you for having been part of this community."
    ]
    await paid_app.settle()

    assert [c.method for c in stripe_fake.calls if c.path == "/v1/subscriptions/sub_zoe"][-1] == "DELETE"
    assert stripe_fake.subscriptions["sub_zoe"]["status"] == "canceled"
    assert memory.access[("W1", "u1")] == set()  # the role is gone
    async with paid_app.database.session() as session:
        [membership] = (await session.scalars(select(Membership).where(Membership.member_id == mid))).all()
        assert (membership.status, membership.stripe_subscription_id) == ("canceled", None)
        assert membership.ended_at is not None
        # Tombstones: keyed hashes, never the raw ids.
        digests = " ".join((await session.scalars(select(Erasure.digest))).all())
        assert CUSTOMER not in digests and "sub_zoe" not in digests
    assert [t for t in texts(memory, "u2") if t.startswith("Good news")] != []  # the next in line is invited


async def test_stripe_events_after_the_erasure_are_scrubbed_and_relink_nobody(
    paid_app: App, webhook: TestClient, stripe_fake: FakeStripe, memory: MemoryPlatform
) -> None:
    mid = await paying(paid_app, webhook, stripe_fake, memory)
    await memory.command("u1", "forget-me")
    await memory.click("u1", f"privacy.forget:{mid}")
    await paid_app.settle()
    memory.sent.clear()
    before = len(await stripe_events(paid_app))

    # What Stripe sends after our cancellation, a stray paid invoice, a late checkout of theirs
    # under a new customer, and the customer object itself: all arrive after the erasure.
    stripe_fake.set_subscription("sub_zoe", status="active", customer=CUSTOMER)  # even if Stripe said "active"
    stripe_fake.set_subscription("sub_late", status="active", customer="cus_NEW1", metadata={"member_id": str(mid)})
    late = [
        stripe_fake.subscription_event("customer.subscription.deleted", "sub_zoe"),
        stripe_fake.invoice_event("invoice.paid", "sub_zoe"),
        stripe_fake.checkout_completed(member_id=mid, subscription="sub_late", customer="cus_NEW1"),
        stripe_fake.event(
            "customer.updated", {"id": CUSTOMER, "object": "customer", "email": "zoe@example.com", "name": "Zoe Park"}
        ),
    ]
    await deliver(paid_app, webhook, stripe_fake, *late)

    rows = (await stripe_events(paid_app))[before:]
    assert [(r.type, r.status, r.payload) for r in rows] == [
        (e["type"], "erased", {"erased": "[erased]"}) for e in late
    ]
    async with paid_app.database.session() as session:
        assert (
            await session.scalar(
                select(func.count(Membership.id)).where(Membership.stripe_subscription_id.is_not(None))
            )
            == 0
        )
        assert (
            await session.scalar(
                select(func.count(Membership.id)).where(Membership.member_id == mid, Membership.ended_at.is_(None))
            )
            == 0
        )
        assert (await session.get(Member, mid)).display_name == "[erased]"
        for needle in (CUSTOMER, "zoe@example.com", "Zoe Park"):
            hits = await session.scalar(
                select(func.count(StripeEvent.id)).where(cast(StripeEvent.payload, String).contains(needle))
            )
            assert hits == 0, needle
        queued = (
            await session.scalars(select(OutboxMessage).where(OutboxMessage.created_at >= paid_app.clock.now()))
        ).all()
    assert memory.access.get(("W1", "u1"), set()) == set()
    assert memory.sent == [] and not [q for q in queued if q.status == "pending"]  # nobody was told anything

    # The daily reconciliation re-reads every subscription from Stripe: it links nothing either.
    await paid_app.services.billing.reconcile()
    async with paid_app.database.session() as session:
        assert await session.scalar(select(func.count(Membership.id)).where(Membership.ended_at.is_(None))) == 0


async def test_stripe_down_when_cancelling_changes_nothing_and_says_so(
    paid_app: App, webhook: TestClient, stripe_fake: FakeStripe, memory: MemoryPlatform
) -> None:
    mid = await paying(paid_app, webhook, stripe_fake, memory)
    stripe_fake.fail_next(503, 503, 503)  # the first try and both of the library's retries
    down = await memory.click("u1", f"privacy.forget:{mid}")
    assert down.texts == [
        "I couldn't reach the payment provider just now. Nothing was changed; please try again in a minute."
    ]
    async with paid_app.database.session() as session:
        assert (await session.get(Member, mid)).display_name == "Zoe Park"
        membership = await session.scalar(select(Membership).where(Membership.member_id == mid))
        assert (membership.status, membership.stripe_subscription_id) == ("active", "sub_zoe")
    assert memory.access[("W1", "u1")] == {"member"}
    assert stripe_fake.subscriptions["sub_zoe"]["status"] == "active"


async def test_tombstones_and_quote_scrubbing_on_sqlite_and_postgresql(db: Database) -> None:
    """The storage side on both databases: keyed tombstones, and a digest naming two people loses only one."""
    async with db.session() as session:
        assert not await erasures.any_erased(session, [("customer", "cus_X")])  # no key made yet, nobody erased
        await erasures.record(session, [("customer", "cus_X"), ("member", "7"), ("subscription", None)], START)
        session.add(
            OutboxMessage(
                dedupe_key="nudge:day-10:creator:1",
                platform="memory",
                workspace_id="W1",
                target={"user_id": "creator"},
                payload={
                    "text": "Quiet lately: Zoë Park, Other Person",
                    "blocks": [
                        {"type": "section", "text": "Zoë Park wrote: “a long feedback text that the view clipped…”"}
                    ],
                },
                next_attempt_at=START,
                created_at=START,
            )
        )
    async with db.session() as session:
        assert await erasures.any_erased(session, [("customer", "cus_Y"), ("customer", "cus_X")])
        assert not await erasures.any_erased(session, [("customer", "cus_Y"), ("member", "8")])
        assert all("cus_X" not in d for d in (await session.scalars(select(Erasure.digest))).all())
        words = ["Zoë Park", "a long feedback text that the view clipped before it ended"]
        assert await erasures.scrub_quotes(session, OutboxMessage.__table__, ("payload", "target"), words) == 1
    async with db.session() as session:
        row = await session.scalar(select(OutboxMessage))
        assert row.payload == {
            "text": "Quiet lately: [erased], Other Person",
            "blocks": [{"type": "section", "text": "[erased]"}],
        }
        assert row.target == {"user_id": "creator"}
