"""Privacy: /my-data exports everything, /forget-me erases it table by table, keeping anonymous totals."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from sqlalchemy import String, cast, func, select
from sqlalchemy.engine import make_url

from bot.app import App
from bot.clock import FakeClock
from bot.platforms.memory import MemoryPlatform
from storage.models import (
    Activity,
    Announcement,
    Base,
    FaqQuestion,
    Feedback,
    LinkCode,
    LiveQuestion,
    LiveSession,
    Member,
    Membership,
    Milestone,
    Nudge,
    OnboardingProgress,
    OutboxMessage,
    Poll,
    PollVote,
    Referral,
    ReferralCode,
    Rsvp,
    StripeEvent,
    WaitlistEntry,
)
from storage.privacy import POLICIES

SECRETS = (
    "Zed Quill",
    "uzed",
    "cus_ZED123",
    "zed@example.com",
    "my secret goal",
    "private feedback",
    "my private question",
    "my whispered complaint about pricing",
    "is there a quiet corner for lefties",
    "my heartfelt reply about burnout",
)


def test_every_table_has_a_privacy_policy() -> None:
    assert sorted(POLICIES) == sorted(t.name for t in Base.metadata.sorted_tables)
    for name, policy in POLICIES.items():
        if policy.link is not None:
            assert policy.link in Base.metadata.tables[name].c, f"{name}.{policy.link} does not exist"


async def seed(app: App, memory: MemoryPlatform, clock: FakeClock) -> int:
    """A member with data in every table that can hold personal data."""
    await memory.join("uzed", "Zed Quill")
    await memory.join("u2", "Other Person")
    await memory.submit(
        "uzed",
        "onboard.intake",
        {"why": "grow", "goal": "my secret goal", "level": "2", "format": "video", "drops": "channel"},
    )
    await memory.post("uzed", "hello there")
    await memory.command("uzed", "join")  # a member (no Stripe here: at once), so the onboarding drip reaches them
    await memory.command("creator", "help")  # the creator has an account: notices reach them by DM
    await memory.command("uzed", "feedback", "my whispered complaint about pricing")  # quoted to the creator
    await memory.command("uzed", "ask", "is there a quiet corner for lefties")
    async with app.database.session() as session:
        asked = await session.scalar(select(FaqQuestion).where(FaqQuestion.question.contains("lefties")))
    await memory.click("uzed", f"faq.forward:{asked.id}")  # forwarded: the creator's DM quotes it
    await memory.command("creator", "faq", f"link {asked.id} pause-membership")  # their wording is learned
    await memory.submit("creator", "analytics.note", {"member_id": str(asked.member_id), "note": "How are you doing?"})
    await app.settle()
    await memory.post(
        "uzed", "my heartfelt reply about burnout", channel="D-uzed"
    )  # a reply: the creator's DM quotes it
    await app.advance_time(timedelta(hours=3))
    now = clock.now()
    async with app.database.session() as session:
        zed = await session.scalar(select(Member).where(Member.display_name == "Zed Quill"))
        other = await session.scalar(select(Member).where(Member.display_name == "Other Person"))
        cid = app.services.community.id
        live = LiveSession(community_id=cid, title="Q&A", starts_at=now, created_at=now)
        poll = Poll(community_id=cid, question="Which?", options=["a", "b"], created_by=zed.id, created_at=now)
        session.add_all([live, poll])
        membership = await session.scalar(select(Membership).where(Membership.member_id == zed.id))
        membership.stripe_customer_id, membership.cancel_reason = "cus_ZED123", "too pricey"
        await session.flush()
        session.add_all(
            [
                Rsvp(session_id=live.id, member_id=zed.id, created_at=now, attended=True),
                LiveQuestion(session_id=live.id, member_id=zed.id, text="my private question", created_at=now),
                Nudge(member_id=zed.id, stage="day-10", sent_at=now),
                Milestone(member_id=zed.id, key="seeded", reached_at=now),
                Announcement(community_id=cid, author_id=zed.id, segment="all", text="hi", send_at=now, created_at=now),
                PollVote(poll_id=poll.id, member_id=zed.id, option=0, voted_at=now),
                Feedback(community_id=cid, member_id=zed.id, text="private feedback", created_at=now),
                ReferralCode(member_id=zed.id, code="ZED42", created_at=now),
                Referral(referrer_id=other.id, referred_id=zed.id, created_at=now),
                FaqQuestion(
                    community_id=cid,
                    member_id=zed.id,
                    question="my private question",
                    status="answered",
                    place={"user": "uzed"},
                    asked_at=now,
                ),
                WaitlistEntry(community_id=cid, member_id=zed.id, joined_at=now),
                LinkCode(code="ZED777", member_id=zed.id, created_at=now, expires_at=now),
                StripeEvent(
                    event_id="evt_1",
                    type="customer.updated",
                    payload={"data": {"object": {"id": "cus_ZED123", "email": "zed@example.com"}}},
                    received_at=now,
                ),
            ]
        )
        return zed.id


async def test_my_data_sends_a_json_file_by_dm_with_every_table(
    app: App, memory: MemoryPlatform, clock: FakeClock
) -> None:
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


async def test_an_export_names_the_earlier_exports_files_without_holding_them(
    app: App, memory: MemoryPlatform, clock: FakeClock
) -> None:
    """Found as an outsider: each export held every earlier one (sent with its file, in the outbox),
    so eight `/my-data` grew from 6 KB to 2.4 MB."""
    await memory.join("u1", "Kari")
    sizes = []
    for _ in range(5):
        await memory.command("u1", "my-data")
        await app.settle()
        clock.advance(timedelta(minutes=1))
        sizes.append(len(memory.files_to("u1")[-1][1]))
    assert sizes[-1] < sizes[1] * 2, sizes  # each adds one outbox row, not a copy of the one before
    earlier = json.loads(memory.files_to("u1")[-1][1])["tables"]["outbox"]
    files = [row["payload"]["attachment"] for row in earlier if "attachment" in row["payload"]]
    assert len(files) == 4 and {(f["filename"], f["data"]) for f in files} == {("my-data.json", "(left out)")}
    assert all(f["bytes"] > 0 for f in files)


async def test_my_data_is_worded_in_the_members_language(app: App, memory: MemoryPlatform) -> None:
    await memory.join("u1", "Kari")
    await memory.command("u1", "prefs", "language nb")
    reply = await memory.command("u1", "my-data")
    await app.settle()
    assert reply.texts == ["Jeg har sendt deg en fil med alt som er lagret om deg, i en direktemelding."]
    [(name, _)] = memory.files_to("u1")
    async with app.database.session() as session:
        queued = await session.scalar(
            select(OutboxMessage).where(OutboxMessage.dedupe_key.startswith("privacy:export:"))
        )
    assert name == "my-data.json" and queued.payload["text"] == "Her er alt membot har lagret om deg, som JSON."


async def test_forget_me_needs_confirmation_then_erases_everything_personal(
    app: App, memory: MemoryPlatform, clock: FakeClock
) -> None:
    member_id = await seed(app, memory, clock)
    asked = await memory.command("uzed", "forget-me")
    assert [c.action_id for c in asked.replies[0][0].choices()] == [f"privacy.forget:{member_id}", "privacy.keep"]  # type: ignore[union-attr]
    assert (await memory.click("uzed", "privacy.keep")).texts == ["Nothing was changed."]
    assert (
        (await memory.click("u2", f"privacy.forget:{member_id}")).texts[0].startswith("That button")
    )  # not theirs to press

    done = await memory.click("uzed", f"privacy.forget:{member_id}")
    assert done.texts[0].startswith("Done. Your personal data has been erased.")

    await app.settle()
    async with app.database.session() as session:
        notices = (
            await session.scalars(
                select(OutboxMessage).where(
                    OutboxMessage.dedupe_key.like("feedback:%") | OutboxMessage.dedupe_key.like("faq:forward:%")
                )
            )
        ).all()
        assert len(notices) == 2 and all(
            "[erased]" in json.dumps(n.payload) for n in notices
        )  # kept for the creator, without Zed
        for table in Base.metadata.sorted_tables:  # every text and JSON column of every table, outbox payloads too
            for column in table.c:
                for secret in SECRETS:
                    hits = await session.scalar(
                        select(func.count()).select_from(table).where(cast(column, String).contains(secret))
                    )
                    assert hits == 0, f"{secret!r} still in {table.name}.{column.name}"
    # Nor in the bytes SQLite keeps: the database file, and its write-ahead log (checkpointed).
    database_file = Path(make_url(app.database.url).database or "")
    for path in (database_file, database_file.with_name(database_file.name + "-wal")):
        data = path.read_bytes() if path.exists() else b""
        for secret in SECRETS:
            assert secret.encode() not in data, f"{secret!r} still in the bytes of {path.name}"
    async with app.database.session() as session:
        # Anonymous totals stay: the membership still counts for churn, the attendance for the session.
        assert (
            await session.scalar(select(func.count()).select_from(Membership).where(Membership.member_id == member_id))
            == 1
        )
        assert await session.scalar(select(func.count()).select_from(Rsvp).where(Rsvp.attended.is_(True))) == 1
        assert (
            await session.scalar(
                select(func.count()).select_from(OnboardingProgress).where(OnboardingProgress.member_id == member_id)
            )
            > 0
        )
        assert (
            await session.scalar(select(func.count()).select_from(Activity).where(Activity.member_id == member_id)) > 0
        )
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
    # Found as an outsider: the command erased at once; a typo in the id would erase someone else.
    asked = await memory.command("creator", "privacy", f"forget {member_id}")
    assert asked.texts[0].startswith(f"Erase everything stored about *Zed Quill* (member {member_id})")
    assert await zeds(app) == 1
    assert (await memory.click("creator", "privacy.keep")).texts == ["Nothing was changed."]
    assert await zeds(app) == 1
    assert (await memory.click("u2", f"privacy.forget_member:{member_id}")).texts[0].startswith("Sorry")
    assert await zeds(app) == 1
    done = await memory.click("creator", f"privacy.forget_member:{member_id}")
    assert done.texts == [f"Member {member_id}'s personal data has been erased."]
    assert await zeds(app) == 0


async def zeds(app: App) -> int:
    async with app.database.session() as session:
        return int(
            await session.scalar(select(func.count()).select_from(Member).where(Member.display_name == "Zed Quill"))
            or 0
        )
