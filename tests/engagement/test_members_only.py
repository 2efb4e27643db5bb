"""Only members get member messages: arriving in the workspace is not joining.

A removed member, a cancelled subscriber, a waitlisted person, someone who arrived and never
joined, and a late payer past the grace period get no drip, no check-in, no "what you
missed", no monthly recap and no milestone, and are not in `/members inactive` or
`/members at-risk`. The public welcome names people when they become members.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.app import App
from bot.platforms.memory import MemoryPlatform, MemoryResponder
from bot.services.analytics.risk import RiskPolicy
from storage.models import Membership, OutboxMessage
from tests.kits.members import become_member, member_id

MEMBER_MESSAGES = ("onboard:", "nudge:", "recap:", "milestone:", "welcome-public:")


async def set_membership(app: App, user_id: str, **values: object) -> None:
    mid = await member_id(app, user_id)
    async with app.database.session() as session:
        membership = await session.scalar(select(Membership).where(Membership.member_id == mid))
        assert membership is not None
        for name, value in values.items():
            setattr(membership, name, value)


def readable(responder: MemoryResponder) -> str:
    """Everything the creator can read in the replies, blocks included."""
    parts = []
    for message, _ in responder.replies:
        parts.append(message.text)
        for block in message.blocks:
            parts += [f"{k}: {v}" for k, v in getattr(block, "items", ())]
            parts.append(str(getattr(block, "text", "")))
    return "\n".join(parts)


async def kinds_queued_for(app: App, user_id: str) -> set[str]:
    """Which kinds of member message were queued about this person (drip, nudge, recap, ...)."""
    mid = await member_id(app, user_id)
    async with app.database.session() as session:
        keys = (await session.scalars(select(OutboxMessage.dedupe_key).where(OutboxMessage.member_id == mid))).all()
    return {kind for kind in MEMBER_MESSAGES if any(key.startswith(kind) for key in keys)}


async def cast(app: App, memory: MemoryPlatform) -> None:
    """Everyone in the workspace, a different standing each."""
    await memory.command("creator", "help")
    await become_member(memory, "max", "Max Member")  # a member throughout
    await become_member(memory, "lea", "Lea Late")  # a failed payment, within the grace period
    await become_member(memory, "alex", "Alex Removed")
    await become_member(memory, "cat", "Cat Cancelled")
    await become_member(memory, "pat", "Pat Pastdue")  # a failed payment, the grace period over
    await memory.join("bea", "Bea Arrived")  # never joined
    await memory.command("creator", "doors", "close")
    await become_member(memory, "wes", "Wes Waitlisted")  # doors closed: the waitlist
    await memory.command("creator", "doors", "open")
    removed = await memory.command("creator", "member", "remove alex")
    assert "membership has ended" in removed.texts[0]
    now = app.clock.now()
    await set_membership(app, "cat", status="canceled", ended_at=now)  # what Stripe's cancellation does
    await set_membership(app, "lea", status="past_due", past_due_since=now)
    await set_membership(app, "pat", status="past_due", past_due_since=now - timedelta(days=8))  # grace: 7 days
    await app.settle()


NOT_MEMBERS = ("alex", "cat", "pat", "bea", "wes")


@pytest.mark.long
async def test_only_current_members_get_member_messages(app: App, memory: MemoryPlatform) -> None:
    await cast(app, memory)
    assert await kinds_queued_for(app, "wes") == set(), "the waitlist is not membership"
    for _ in range(11):  # 20 Nov to 23 Dec: the drip, a check-in, the November recap, one month in
        await app.advance_time(timedelta(days=3))  # every job catches up what fell due in between

    assert await kinds_queued_for(app, "max") == set(MEMBER_MESSAGES)  # every kind was due and went
    assert await kinds_queued_for(app, "lea") == {"welcome-public:", "onboard:"}  # her grace was over by the check-in
    for user in NOT_MEMBERS:
        greeted = {"welcome-public:"} if user in ("alex", "cat", "pat") else set()  # members for a moment
        assert await kinds_queued_for(app, user) == greeted, user
    headers = [getattr(m.blocks[0], "text", "") for m in memory.dms_to("alex") + memory.dms_to("bea")]
    assert not any("Strategy Club" in h and "thank" in h.lower() for h in headers)


async def test_member_lists_name_current_members_only(app: App, memory: MemoryPlatform) -> None:
    await cast(app, memory)
    app.clock.advance(timedelta(days=8))  # everyone has been quiet for a week
    await set_membership(app, "lea", past_due_since=app.clock.now() - timedelta(days=2))  # still in her grace period
    app.services.analytics.risk_policy = RiskPolicy(at_risk_from=1)  # any reason at all puts a member on the list

    inactive = readable(await memory.command("creator", "members", "inactive 1"))
    at_risk = readable(await memory.command("creator", "members", "at-risk"))

    for listing in (inactive, at_risk):
        assert "Max" in listing and "Lea" in listing
        for name in ("Alex", "Cat", "Pat", "Bea", "Wes"):
            assert name not in listing, (name, listing)


async def test_public_welcome_names_people_when_they_become_members(app: App, memory: MemoryPlatform) -> None:
    await memory.join("bea", "Bea Arrived")
    await app.settle()
    assert memory.posts_in("welcome") == []  # arriving is not joining
    assert len(memory.dms_to("bea")) == 1  # her personal welcome still comes

    await memory.command("bea", "join")
    await app.settle()
    [greeting] = memory.posts_in("welcome")
    assert "Bea" in greeting.text

    await memory.join("gus", "Gus Granted")
    await memory.command("creator", "member", "add gus")  # a creator's grant: greeted by the next scan
    await app.advance_time(timedelta(minutes=5))
    assert ["Bea" in p.text or "Gus" in p.text for p in memory.posts_in("welcome")] == [True, True]
    await app.advance_time(timedelta(days=1))
    assert len(memory.posts_in("welcome")) == 2  # once each


async def test_drops_by_dm_reach_current_members_only(app: App, memory: MemoryPlatform) -> None:
    """Drops are paid content: asking for them by DM while a member does not keep them coming after."""
    await cast(app, memory)
    for user in ("max", "lea", "alex", "cat", "pat", "bea", "wes"):
        await memory.command(user, "prefs", "drops dm-every")
    await app.settle()
    for _ in range(4):  # the sample's first drop slot is Monday 09:00 Oslo time
        await app.advance_time(timedelta(days=1))

    async def drop_dms(user: str) -> int:
        mid = await member_id(app, user)
        async with app.database.session() as session:
            keys = (await session.scalars(select(OutboxMessage.dedupe_key).where(OutboxMessage.member_id == mid))).all()
        return sum(1 for key in keys if key.startswith("drop:"))

    assert await drop_dms("max") >= 1 and await drop_dms("lea") >= 1  # a late payer within grace keeps access
    for user in NOT_MEMBERS:
        assert await drop_dms(user) == 0, user
