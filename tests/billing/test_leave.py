"""/leave: a member ends their own membership. One granted by hand (or /join without Stripe) ends at
once after a confirmation, with the exit survey, and the creator hears; a subscription is canceled
in the billing portal, where access lasts the period paid for."""

from __future__ import annotations

from datetime import timedelta

from aiohttp.test_utils import TestClient
from sqlalchemy import func, select

from bot.app import App
from bot.clock import FakeClock
from bot.platforms.memory import MemoryPlatform
from bot.testing.fake_stripe import FakeStripe
from storage.models import Activity, Member
from tests.billing.test_billing_renewals import subscribe
from tests.kits.billing import button_actions, membership_of, newcomer, texts


async def test_leave_ends_a_membership_by_hand_after_a_confirmation(app: App, memory: MemoryPlatform) -> None:
    await memory.command("creator", "help")
    await newcomer(app, memory, "u1", "Ann")
    await memory.command("creator", "member", "add u1 comped")
    await app.settle()
    memory.sent.clear()
    ask = (await memory.command("u1", "leave")).replies[0][0]
    assert ask.text.startswith("Do you want to end your membership of Strategy Club?")
    assert button_actions(ask) == ["membership.leave", "membership.stay"]
    assert (await memory.click("u1", "membership.stay")).texts == ["Glad you're staying! 😊"]
    assert memory.access[("W1", "u1")] == {"member"}, "keeping it changes nothing"

    done = await memory.click("u1", "membership.leave")
    await app.settle()
    assert done.texts == ["Your membership has ended. Thank you for being part of it; you're welcome back any time."]
    membership = await membership_of(app, "u1")
    assert membership is not None and membership.status == "canceled" and membership.ended_at is not None
    assert memory.access[("W1", "u1")] == set()
    assert [t for t in texts(memory, "u1") if t.startswith("Sorry to see you go!")] != []
    [told] = texts(memory, "creator")
    assert told.startswith("Ann has left (their membership is canceled).")
    shown = (await memory.command("creator", "member", "show Ann")).replies[0][0]
    assert "*Membership:* canceled (Member) from 20 Nov 2026 to 20 Nov 2026" in str(shown.blocks[1])

    # A second click on the old button, or /leave again, finds nothing to end and sends nothing.
    again = await memory.click("u1", "membership.leave")
    assert again.texts[0].startswith("You don't have a membership right now")
    kept = await memory.click("u1", "membership.stay")  # found as an outsider: "Glad you're staying!"
    assert kept.texts[0].startswith("You don't have a membership right now")
    await app.settle()
    assert len(texts(memory, "creator")) == 1


async def test_leave_without_a_membership_says_so(app: App, memory: MemoryPlatform) -> None:
    await newcomer(app, memory, "u1", "Ann")
    reply = await memory.command("u1", "leave")
    assert reply.texts == [
        "You don't have a membership right now, so there's nothing to end. Type `/join` to become a member."
    ]


async def test_leave_with_a_subscription_points_to_the_billing_portal(
    paid_app: App, webhook: TestClient, stripe_fake: FakeStripe, memory: MemoryPlatform
) -> None:
    mid = await newcomer(paid_app, memory)
    await subscribe(paid_app, webhook, stripe_fake, mid, plan="monthly")
    reply = (await memory.command("u1", "leave")).replies[0][0]
    assert reply.text.startswith("You pay by subscription, so you cancel it on your billing page")
    assert button_actions(reply)[0].startswith("https://billing.stripe.test/p/session/")
    # The confirmation button can't end a subscription behind Stripe's back.
    refused = await memory.click("u1", "membership.leave")
    assert refused.texts[0].startswith("You pay by subscription: type `/leave` again")
    membership = await membership_of(paid_app, "u1")
    assert membership is not None and membership.status == "active"


async def test_leaving_is_not_counted_as_taking_part(app: App, memory: MemoryPlatform) -> None:
    """Found as an outsider: a member whose only step after a check-in was to cancel counted as a
    nudge win-back and as weekly active in /stats."""
    await newcomer(app, memory, "u1", "Ann")
    await memory.command("creator", "member", "add u1 comped")
    async with app.database.session() as session:
        before = await session.scalar(select(func.count()).select_from(Activity))
        member = await session.scalar(select(Member).where(Member.display_name == "Ann"))
        assert member is not None
        seen = member.last_active_at
    await memory.command("u1", "leave")
    await memory.click("u1", "membership.leave")
    await memory.click("u1", "billing.exit:price")
    await memory.click("u1", "membership.stay")  # the other button of the confirmation, pressed late
    await app.settle()
    async with app.database.session() as session:
        assert await session.scalar(select(func.count()).select_from(Activity)) == before
        member = await session.scalar(select(Member).where(Member.display_name == "Ann"))
        assert member is not None and member.last_active_at == seen
    assert (await membership_of(app, "u1")).status == "canceled"  # type: ignore[union-attr]


async def test_only_a_member_who_left_gets_the_win_back_note(
    app: App, memory: MemoryPlatform, clock: FakeClock
) -> None:
    """Not someone the creator removed (maybe for a reason), nor a trial given by hand that ran out
    (told how to stay when it ended); and the note promises no "old plan" a free member never had."""
    await memory.command("creator", "help")
    for user, name in (("u1", "Ann"), ("u2", "Bo"), ("u3", "Cy")):
        await newcomer(app, memory, user, name)
    await memory.command("creator", "member", "add u1 comped")
    await memory.command("creator", "member", "add u2 comped")
    await memory.command("creator", "member", "add u3 trial 3")
    await memory.click("u1", "membership.leave")
    await memory.command("creator", "member", "remove u2")
    for _ in range(8):  # day by day: the hand-given trial ends on day 3, the win-back comes a month after leaving
        clock.advance(timedelta(days=5))
        await app.tick()
    await app.settle()
    notes = {
        user: [t for t in texts(memory, user) if t.startswith("It's been a little while!")]
        for user in ("u1", "u2", "u3")
    }
    assert notes["u2"] == [] and notes["u3"] == []
    assert notes["u1"] == [
        "It's been a little while! Strategy Club has kept going since you left, and you'd be very welcome back. "
        "Your history here is kept, so you can pick up where you left off."
    ]


async def test_the_creator_cannot_take_a_membership(app: App, memory: MemoryPlatform) -> None:
    """Found as an outsider: `/join` as the creator, or `/member add` naming them, made the creator a
    member: counted in `/member list` and taking a seat, while `/stats` left them out."""
    await memory.command("creator", "help")
    joined = await memory.command("creator", "join")
    assert joined.texts == ["You're the creator: you already see everything members see, so there is nothing to join."]
    added = await memory.command("creator", "member", "add creator comped")
    assert added.texts[0].endswith(
        "is a creator here and already has access; a membership would only count them as a member."
    )
    assert await membership_of(app, "creator") is None


async def test_a_member_is_named_by_a_display_name_of_several_words(app: App, memory: MemoryPlatform) -> None:
    """Found as an outsider: `/member add Ann Lee trial 3` answered "I don't know anyone called “Ann”"."""
    await memory.command("creator", "help")
    await newcomer(app, memory, "u1", "Ann Lee")
    added = await memory.command("creator", "member", "add Ann Lee trial 3")
    assert added.texts == ["Ann Lee now has a trial. I've let them know."]
    membership = await membership_of(app, "u1")
    assert membership is not None and membership.status == "trialing"
    removed = await memory.command("creator", "member", "remove Ann Lee")
    assert removed.texts == ["Ann Lee's membership has ended and their access is removed."]
    unknown = await memory.command("creator", "member", "add Nobody Here comped")
    assert unknown.texts == ["I don't know anyone called “Nobody” yet. They need to have joined or messaged me first."]


async def test_member_list_after_every_membership_ended_says_so_without_yet(app: App, memory: MemoryPlatform) -> None:
    """Found as an outsider: with every membership ended, `/member list` said "No one has a membership yet."."""
    await memory.command("creator", "help")
    await newcomer(app, memory, "u1", "Ann")
    await memory.command("creator", "member", "add u1 comped")
    await memory.command("creator", "member", "remove u1")
    assert (await memory.command("creator", "member", "list")).texts == ["No one has a membership right now."]
