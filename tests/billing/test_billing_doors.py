"""Launch windows: closed doors fill the waitlist, opening invites it (founding price or launch price),
a seat cap invites the next in line when a seat frees, and founding members get their role."""

from __future__ import annotations

import pytest
from aiohttp.test_utils import TestClient

from bot.app import App
from bot.platforms.memory import MemoryPlatform
from bot.testing.fake_stripe import FakeStripe
from tests.conftest import EditedApp
from tests.kits.billing import button_actions, deliver, membership_of, newcomer


async def test_closed_doors_waitlist_then_founding_launch(
    paid_app: App, stripe_fake: FakeStripe, memory: MemoryPlatform
) -> None:
    await memory.command("creator", "help")
    assert (await memory.command("creator", "doors", "close")).texts[0].startswith("The doors are closed.")
    await newcomer(paid_app, memory, "u1", "Ann")
    await newcomer(paid_app, memory, "u2", "Bo")
    assert (
        (await memory.command("u1", "join"))
        .texts[0]
        .endswith("(you're number 1). I'll message you the moment a place opens up.")
    )
    assert "you're number 2" in (await memory.command("u2", "join")).texts[0]
    assert "you're number 1" in (await memory.command("u1", "join")).texts[0]  # asking again keeps the place
    status = (await memory.command("creator", "doors")).replies[0][0]
    assert dict(status.blocks[1].items)["Waitlist"] == "2 waiting (0 invited)"  # type: ignore[attr-defined]

    assert (await memory.command("creator", "doors", "open founding")).texts == [
        "The doors are open with the founding price. I'm inviting 2 people from the waitlist (paced, so it may take a few minutes)."
    ]
    await paid_app.settle()
    for user in ("u1", "u2"):
        [invite] = memory.dms_to(user)
        assert "founding price ($29 / month)" in invite.text
        assert button_actions(invite) == ["billing.checkout:founding-monthly"]

    link = (await memory.click("u1", "billing.checkout:founding-monthly")).replies[0][0]
    assert link.text.startswith("Here's your checkout link for *Founding price, monthly* ($29 / month)")
    call = stripe_fake.calls_to("POST", "/v1/checkout/sessions")[-1]
    assert call.params["line_items"]["0"]["price"] == "price_founding_monthly_sample"
    assert call.params["metadata"]["founding"] == "1"

    # During the founding launch a newcomer who was never on the waitlist is offered it too ...
    await newcomer(paid_app, memory, "u3", "Cy")
    assert (
        (await memory.click("u3", "billing.checkout:founding-monthly"))
        .texts[0]
        .startswith("Here's your checkout link for *Founding price, monthly*")
    )
    # ... and once the doors reopen without it, nobody is (not even an invited waitlister).
    await memory.command("creator", "doors", "open")
    await newcomer(paid_app, memory, "u4", "Di")
    for user in ("u2", "u4"):
        assert (await memory.click(user, "billing.checkout:founding-monthly")).texts == [
            "The founding price is only offered during a founding launch, and none is on right now."
            " Type /join to see the current plans."
        ]


async def test_a_founding_member_gets_the_founding_role_and_leaves_the_waitlist(
    paid_app: App, webhook: TestClient, stripe_fake: FakeStripe, memory: MemoryPlatform
) -> None:
    await memory.command("creator", "doors", "close")
    mid = await newcomer(paid_app, memory)
    await memory.command("u1", "join")
    await memory.command("creator", "doors", "open founding")
    meta = {"member_id": str(mid), "plan": "founding-monthly", "founding": "1"}
    stripe_fake.set_subscription("sub_f", status="active", price="price_founding_monthly_sample", metadata=meta)
    await deliver(
        paid_app,
        webhook,
        stripe_fake,
        stripe_fake.checkout_completed(member_id=mid, subscription="sub_f", plan="founding-monthly"),
    )
    assert memory.access[("W1", "u1")] == {"member", "founding"}
    membership = await membership_of(paid_app, "u1")
    assert membership is not None and membership.founding and membership.plan == "founding-monthly"
    status = (await memory.command("creator", "doors")).replies[0][0]
    assert dict(status.blocks[1].items)["Waitlist"] == "0 waiting (0 invited)"  # type: ignore[attr-defined]


async def test_seat_cap_invites_the_next_in_line_when_a_seat_frees(app: App, memory: MemoryPlatform) -> None:
    """Without Stripe: /join lets people straight in while seats are free; the cap sends the rest to the waitlist."""
    await memory.command("creator", "help")
    reply = await memory.command("creator", "doors", "cap 1")
    assert reply.texts == ["Seat cap set to 1. Invited from the waitlist right away: 0."]
    await newcomer(app, memory, "u1", "Ann")
    await newcomer(app, memory, "u2", "Bo")
    assert (await memory.command("u1", "join")).texts == [
        "You're in! Welcome to Strategy Club. Your membership is active."
    ]
    assert memory.access[("W1", "u1")] == {"member"}
    assert "you're number 1" in (await memory.command("u2", "join")).texts[0]

    assert (await memory.command("creator", "member", "remove <@u1>")).texts == [
        "Ann's membership has ended and their access is removed."
    ]
    await app.settle()
    assert memory.access[("W1", "u1")] == set()
    [invite] = memory.dms_to("u2")
    # Found as an outsider: it said "the doors of Strategy Club are open", when one seat had come free.
    assert invite.text.startswith("Good news: a place has opened up in Strategy Club, and it's yours! I'm holding")
    assert button_actions(invite) == ["billing.join"]
    assert (await memory.click("u2", "billing.join")).texts == [
        "You're in! Welcome to Strategy Club. Your membership is active."
    ]
    assert memory.access[("W1", "u2")] == {"member"}
    # The seat is taken again: the next person waits.
    await newcomer(app, memory, "u3", "Cy")
    assert "you're number 1" in (await memory.command("u3", "join")).texts[0]


async def test_doors_are_for_the_creator(app: App, memory: MemoryPlatform) -> None:
    await newcomer(app, memory)
    assert (await memory.command("u1", "doors", "close")).texts == [
        "Sorry, /doors is for the creator and moderators only."
    ]
    assert (await memory.command("creator", "doors", "cap lots")).texts == [
        "Give the seat cap as a number from 1 to 100000, or `off`."
    ]


async def test_opening_with_nobody_waiting_says_so_instead_of_inviting_0_people(
    app: App, memory: MemoryPlatform
) -> None:
    await memory.command("creator", "help")
    assert (await memory.command("creator", "doors", "close")).texts
    assert (await memory.command("creator", "doors", "open")).texts == [
        "The doors are open. Nobody is on the waitlist right now."
    ]


@pytest.fixture
async def no_founding_app(edited_app: EditedApp) -> App:
    def without_founding(text: str) -> str:
        assert "founding = true" in text, "sample community.toml changed shape"
        return text.replace("founding = true", "founding = false")

    return await edited_app(without_founding)


async def test_a_founding_launch_needs_a_founding_price_and_other_words_get_the_usage(
    no_founding_app: App, memory: MemoryPlatform
) -> None:
    """Found as an outsider: with no founding plan, `/doors open founding` said "open with the
    founding price" and nobody got one; `/doors off` quietly showed the status."""
    await memory.command("creator", "help")
    [reply] = (await memory.command("creator", "doors", "open founding")).texts
    assert reply.startswith("There's no founding price to offer")
    assert "founding" not in (await memory.command("creator", "doors")).replies[0][0].text.lower()
    [usage] = (await memory.command("creator", "doors", "off")).texts
    assert usage.startswith("Use: /doors open")
