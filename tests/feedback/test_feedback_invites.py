"""/feedback (members send, the creator is told and lists it) and ambassadors (/invite, referrals, /ambassadors)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.app import App
from bot.clock import FakeClock
from bot.messages import OutboundMessage
from bot.platforms.memory import MemoryPlatform
from bot.services.errors import UserError
from bot.services.referrals import ALPHABET, CODE_LENGTH
from storage.models import Feedback, Referral
from storage.repositories import members


def text_of(message: OutboundMessage) -> str:
    return "\n".join([message.text, *(getattr(b, "text", "") for b in message.blocks)])


async def member_id(app: App, memory: MemoryPlatform, user: str) -> int:
    await memory.command(user, "help")  # registers the account (no welcome)
    async with app.database.session() as session:
        found = await members.by_identity(session, "memory", "W1", user)
        assert found is not None
        return found.id


async def code_of(memory: MemoryPlatform, user: str) -> str:
    reply = await memory.command(user, "invite")
    return reply.texts[0].rsplit(" ", 1)[-1]


# -- feedback --------------------------------------------------------------------------------


async def test_feedback_is_stored_thanked_and_sent_to_the_creator(app: App, memory: MemoryPlatform) -> None:
    await memory.command("creator", "help")
    reply = await memory.command("u1", "feedback", "More live sessions on pricing, please!")
    assert reply.texts == ["Thank you! Your feedback went straight to Maya Lindqvist, who reads every word."]
    await app.settle()
    [notice] = memory.dms_to("creator")
    assert notice.text == "New feedback from U1"
    assert "> More live sessions on pricing, please!" in text_of(notice)
    assert [c.action_id for c in notice.choices()] == ["feedback.list"]  # type: ignore[union-attr]
    assert memory.dms_to("mod") == []


async def test_the_creator_is_told_in_their_own_language(app: App, memory: MemoryPlatform) -> None:
    creator = await member_id(app, memory, "creator")
    async with app.database.session() as session:
        found = await members.get(session, creator)
        assert found is not None
        found.locale = "nb"
    await memory.command("u1", "feedback", "Flere økter, takk")
    await app.settle()
    [notice] = memory.dms_to("creator")
    assert notice.text == "Ny tilbakemelding fra U1"
    assert [b.label for b in notice.choices()] == ["Se alle tilbakemeldinger"]  # type: ignore[union-attr]


async def test_the_creator_lists_recent_feedback_newest_first(
    app: App, memory: MemoryPlatform, clock: FakeClock
) -> None:
    await memory.command("u1", "feedback", "Love the worksheets")
    clock.advance(timedelta(hours=1))
    await memory.command("u2", "feedback", "Audio was quiet in the last live")
    listed = await memory.command("creator", "feedback", "list")
    shown = text_of(listed.replies[0][0])
    assert listed.texts == ["Latest feedback (2 of 2)"]
    assert shown.index("Audio was quiet") < shown.index("Love the worksheets")
    assert "*U2* · Fri 20 Nov, 14:00 CET" in shown
    by_button = await memory.click("creator", "feedback.list")
    assert by_button.texts == ["Latest feedback (2 of 2)"]
    # Found as an outsider: "/feedback list 2" was sent to the creator as feedback from the creator.
    assert (await memory.command("creator", "feedback", "list 2")).texts == ["Latest feedback (2 of 2)"]


async def test_feedback_form_and_empty_or_long_feedback(app: App, memory: MemoryPlatform) -> None:
    reply = await memory.command("u1", "feedback")
    [form] = reply.forms
    done = await memory.submit("u1", form.form_id, {"text": "The library search is great"})
    assert done.texts[0].startswith("Thank you!")
    empty = await memory.submit("u1", form.form_id, {"text": "   "})
    assert empty.texts == ["Your feedback is empty. Write it after `/feedback`."]
    invisible = await memory.command("u1", "feedback", "\u200b\u200b")  # zero-width spaces only
    assert invisible.texts == ["Your feedback is empty. Write it after `/feedback`."]
    long = await memory.command("u1", "feedback", "x" * 2001)
    assert "That's 2001 characters" in long.texts[0]
    async with app.database.session() as session:
        assert await session.scalar(select(func.count()).select_from(Feedback)) == 1


async def test_members_cannot_read_the_feedback(app: App, memory: MemoryPlatform) -> None:
    await memory.command("u1", "feedback", "Secret thoughts")
    for reply in (
        await memory.command("u2", "feedback", "list"),
        await memory.click("u2", "feedback.list"),
        await memory.command("mod", "feedback", "list"),
    ):
        assert reply.texts == ["Sorry, /feedback list is for the creator and moderators only."]


# -- invites and referrals ---------------------------------------------------------------------


async def test_invite_code_is_personal_stable_and_unambiguous(app: App, memory: MemoryPlatform) -> None:
    first = await memory.command("u1", "invite")
    code = first.texts[0].rsplit(" ", 1)[-1]
    assert len(code) == CODE_LENGTH and set(code) <= set(ALPHABET)
    assert not set(code) & set("0O1IL")
    assert f"`/join {code}`" in text_of(first.replies[0][0])
    assert await code_of(memory, "u1") == code
    assert await code_of(memory, "u2") != code


async def test_referral_is_credited_once_the_friend_pays(app: App, memory: MemoryPlatform) -> None:
    ambassador = await member_id(app, memory, "amb")
    friend = await member_id(app, memory, "friend")
    code = await code_of(memory, "amb")
    referrals = app.services.referrals

    referral = await referrals.redeem(f" {code.lower()[:3]}-{code.lower()[3:]} ", friend)  # as people type it
    assert referral is not None and referral.referrer_id == ambassador
    await app.tick()
    assert await referrals.stats(ambassador) == (0, 1)  # not a paying member yet

    await app.services.membership.activate(friend)
    await app.tick()
    assert await referrals.stats(ambassador) == (1, 0)
    [thanks] = [m for m in memory.dms_to("amb") if "invite code" in m.text]
    assert thanks.text.startswith("🎉 Friend just became a member with your invite code.")
    await app.tick()
    assert len([m for m in memory.dms_to("amb") if "invite code" in m.text]) == 1  # thanked once

    again = await memory.command("amb", "invite")
    assert "So far: 1 joined thanks to you, 0 on the way." in text_of(again.replies[0][0])


async def test_redeem_rules(app: App, memory: MemoryPlatform) -> None:
    amb = await member_id(app, memory, "amb")
    other = await member_id(app, memory, "other")
    friend = await member_id(app, memory, "friend")
    code, other_code = await code_of(memory, "amb"), await code_of(memory, "other")
    referrals = app.services.referrals
    assert await referrals.redeem("", friend) is None  # plain /join
    for bad, key in (("ZZZZZZ", "unknown_code"), (code, "own_code")):
        with pytest.raises(UserError) as caught:
            await referrals.redeem(bad, friend if bad == "ZZZZZZ" else amb)
        assert caught.value.key == f"referrals.errors.{key}"
    await referrals.redeem(code, friend)
    await referrals.redeem(other_code, friend)  # the first code used keeps the credit
    async with app.database.session() as session:
        assert (await session.scalars(select(Referral.referrer_id))).all() == [amb]
    await app.services.membership.activate(other)
    assert await referrals.redeem(code, other) is None  # already a member: not a referral
    assert (await referrals.stats(amb)) == (0, 1)


async def test_ambassadors_leaderboard_order(app: App, memory: MemoryPlatform, clock: FakeClock) -> None:
    people = {name: await member_id(app, memory, name) for name in ("ana", "ben", "cy")}
    codes = {name: await code_of(memory, name) for name in people}
    plan = [("ben", "f1"), ("ana", "f2"), ("ana", "f3"), ("ben", "f4"), ("cy", "f5"), ("cy", "f6"), ("cy", "f7")]
    for referrer, friend in plan:
        friend_id = await member_id(app, memory, friend)
        await app.services.referrals.redeem(codes[referrer], friend_id)
        if friend != "f7":  # f7 has not paid yet: pending
            await app.services.membership.activate(friend_id)
        clock.advance(timedelta(minutes=10))
        await app.tick()
    board = await memory.command("creator", "ambassadors")
    [line_block] = [b for b in board.replies[0][0].blocks if "referral" in getattr(b, "text", "")][:1]
    assert line_block.text.splitlines() == [  # type: ignore[attr-defined]
        "🥇 *Ana*: 2 referrals",  # ana reached 2 before ben did
        "🥈 *Ben*: 2 referrals",
        "🥉 *Cy*: 2 referrals (+1 pending)",
    ]


async def test_empty_leaderboard(app: App, memory: MemoryPlatform) -> None:
    board = await memory.command("creator", "ambassadors")
    assert board.texts == ["No referrals yet. Members get their personal code with `/invite`."]


async def test_join_with_a_code_credits_the_ambassador(app: App, memory: MemoryPlatform) -> None:
    ambassador = await member_id(app, memory, "amb")
    code = await code_of(memory, "amb")
    joined = await memory.command("friend", "join", code)
    assert "Welcome to Strategy Club" in joined.texts[0]
    await app.tick()
    assert await app.services.referrals.stats(ambassador) == (1, 0)
    board = await memory.command("creator", "ambassadors")
    assert "🥇 *Amb*: 1 referral" in text_of(board.replies[0][0])
    # A plan named beside the code, before or after it, is the plan (it was read as one unknown code).
    await memory.command("late", "join", f"{code.lower()} Monthly")
    await memory.command("later", "join", f"monthly {code}")
    await app.tick()
    assert await app.services.referrals.stats(ambassador) == (3, 0)
    wrong = await memory.command("other", "join", "NOPE22")
    assert wrong.texts == [
        "I don't know the invite code “NOPE22”. Check it with the friend who gave it to you, or just type `/join`."
    ]
