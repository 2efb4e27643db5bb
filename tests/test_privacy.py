"""Privacy: /my-data exports everything, /forget-me erases it table by table, keeping anonymous totals."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import String, cast, func, select

from bot.app import App
from bot.clock import FakeClock
from bot.platforms.memory import MemoryPlatform
from storage.models import (
    Activity, Announcement, Base, Feedback, FaqQuestion, LinkCode, LiveQuestion, LiveSession, Member, Membership, Milestone,
    Nudge, OnboardingProgress, Poll, PollVote, Referral, ReferralCode, Rsvp, StripeEvent, Tier, WaitlistEntry,
)
from storage.privacy import POLICIES

SECRETS = ("Zed Quill", "uzed", "cus_ZED123", "zed@example.com", "my secret goal", "private feedback", "my private question")


def test_every_table_has_a_privacy_policy() -> None:
    assert sorted(POLICIES) == sorted(t.name for t in Base.metadata.sorted_tables)
    for name, policy in POLICIES.items():
        if policy.link is not None:
            assert policy.link in Base.metadata.tables[name].c, f"{name}.{policy.link} does not exist"


async def seed(app: App, memory: MemoryPlatform, clock: FakeClock) -> int:
    """A member with data in every table that can hold personal data."""
    await memory.join("uzed", "Zed Quill")
    await memory.join("u2", "Other Person")
    await memory.submit("uzed", "onboard.intake", {"why": "grow", "goal": "my secret goal", "level": "2", "format": "video", "drops": "channel"})
    await memory.post("uzed", "hello there")
    await app.advance_time(timedelta(hours=3))
    now = clock.now()
    async with app.database.session() as session:
        zed = await session.scalar(select(Member).where(Member.display_name == "Zed Quill"))
        other = await session.scalar(select(Member).where(Member.display_name == "Other Person"))
        tier = await session.scalar(select(Tier))
        cid = app.services.community.id
        live = LiveSession(community_id=cid, title="Q&A", starts_at=now, created_at=now)
        poll = Poll(community_id=cid, question="Which?", options=["a", "b"], created_by=zed.id, created_at=now)
        session.add_all([live, poll])
        await session.flush()
        session.add_all([
            Membership(member_id=zed.id, tier_id=tier.id, status="active", started_at=now, stripe_customer_id="cus_ZED123", cancel_reason="too pricey"),
            Rsvp(session_id=live.id, member_id=zed.id, created_at=now, attended=True),
            LiveQuestion(session_id=live.id, member_id=zed.id, text="my private question", created_at=now),
            Nudge(member_id=zed.id, stage="day-10", sent_at=now),
            Milestone(member_id=zed.id, key="seeded", reached_at=now),
            Announcement(community_id=cid, author_id=zed.id, segment="all", text="hi", send_at=now, created_at=now),
            PollVote(poll_id=poll.id, member_id=zed.id, option=0, voted_at=now),
            Feedback(community_id=cid, member_id=zed.id, text="private feedback", created_at=now),
            ReferralCode(member_id=zed.id, code="ZED42", created_at=now),
            Referral(referrer_id=other.id, referred_id=zed.id, created_at=now),
            FaqQuestion(community_id=cid, member_id=zed.id, question="my private question", status="answered", place={"user": "uzed"}, asked_at=now),
            WaitlistEntry(community_id=cid, member_id=zed.id, joined_at=now),
            LinkCode(code="ZED777", member_id=zed.id, created_at=now, expires_at=now),
            StripeEvent(event_id="evt_1", type="customer.updated", payload={"data": {"object": {"id": "cus_ZED123", "email": "zed@example.com"}}}, received_at=now),
        ])
        return zed.id


async def test_my_data_sends_a_json_file_by_dm_with_every_table(app: App, memory: MemoryPlatform, clock: FakeClock) -> None:
    member_id = await seed(app, memory, clock)
    reply = await memory.command("uzed", "my-data")
    await app.settle()
    assert reply.texts == ["I've sent you a file with everything stored about you, in a direct message."]
    [(name, data)] = memory.files_to("uzed")
    export = json.loads(data)
    assert name == "my-data.json" and export["member_id"] == member_id
    linked = {n for n, p in POLICIES.items() if p.link is not None}
    assert linked - set(export["tables"]) == set()  # the seed put a row in every member-linked table
    assert export["tables"]["members"][0]["display_name"] == "Zed Quill"
    assert "Other Person" not in data.decode()


async def test_forget_me_needs_confirmation_then_erases_everything_personal(
    app: App, memory: MemoryPlatform, clock: FakeClock
) -> None:
    member_id = await seed(app, memory, clock)
    asked = await memory.command("uzed", "forget-me")
    assert [c.action_id for c in asked.replies[0][0].choices()] == [f"privacy.forget:{member_id}", "privacy.keep"]  # type: ignore[union-attr]
    assert (await memory.click("uzed", "privacy.keep")).texts == ["Nothing was changed."]
    assert (await memory.click("u2", f"privacy.forget:{member_id}")).texts[0].startswith("That button")  # not theirs to press

    done = await memory.click("uzed", f"privacy.forget:{member_id}")
    assert done.texts[0].startswith("Done. Your personal data has been erased.")

    async with app.database.session() as session:
        for table in Base.metadata.sorted_tables:
            text_columns = [c for c in table.c if isinstance(c.type, (String,)) or c.type.__class__.__name__ in ("Text", "JSON")]
            for column in text_columns:
                for secret in SECRETS:
                    hits = await session.scalar(select(func.count()).select_from(table).where(cast(column, String).contains(secret)))
                    assert hits == 0, f"{secret!r} still in {table.name}.{column.name}"
        # Anonymous totals stay: the membership still counts for churn, the attendance for the session.
        assert await session.scalar(select(func.count()).select_from(Membership).where(Membership.member_id == member_id)) == 1
        assert await session.scalar(select(func.count()).select_from(Rsvp).where(Rsvp.attended.is_(True))) == 1
        assert await session.scalar(select(func.count()).select_from(OnboardingProgress).where(OnboardingProgress.member_id == member_id)) > 0
        assert await session.scalar(select(func.count()).select_from(Activity).where(Activity.member_id == member_id)) > 0
        other = await session.scalar(select(Member).where(Member.display_name == "Other Person"))
        assert other is not None  # nobody else was touched


async def test_creator_can_export_and_forget_on_request_but_members_cannot(
    app: App, memory: MemoryPlatform, clock: FakeClock
) -> None:
    member_id = await seed(app, memory, clock)
    refused = await memory.command("u2", "privacy", f"forget {member_id}")
    assert refused.texts == ["Sorry, /privacy is for the creator and moderators only."]
    export = await memory.command("creator", "privacy", f"export {member_id}")
    assert export.replies[0][0].attachment.filename == f"member-{member_id}.json"  # type: ignore[union-attr]
    assert (await memory.command("creator", "privacy", "forget 999")).texts[0].startswith("There is no member")
    assert (await memory.command("creator", "privacy", "delete everyone")).texts[0].startswith("Use /privacy export")
    await memory.command("creator", "privacy", f"forget {member_id}")
    async with app.database.session() as session:
        assert await session.scalar(select(func.count()).select_from(Member).where(Member.display_name == "Zed Quill")) == 0
