"""Engagement: check-ins for quiet members (and win-backs), milestones, and the monthly value recap.

The fake clock walks across weeks; every job runs at each step, as the scheduler would.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select, update

from bot.app import App
from bot.clock import FakeClock
from bot.community.schema import QuietHours
from bot.messages import Fields, OutboundMessage
from bot.platforms.memory import MemoryPlatform
from bot.services.engagement import NudgePolicy, NudgeStage
from bot.services.engagement.common import delivery_time
from bot.settings import Settings
from storage.database import Database
from storage.models import (
    Activity,
    ContentItem,
    FaqQuestion,
    LiveSession,
    Member,
    MemberPreferences,
    Milestone,
    Nudge,
    OutboxMessage,
    Rsvp,
)
from tests.conftest import START
from tests.kits.members import become_member

OSLO = ZoneInfo("Europe/Oslo")
MISSED = "Here's what you missed"
NOTE = "A note from Maya Lindqvist"


def body(message: OutboundMessage) -> str:
    return "\n".join(getattr(b, "text", "") for b in message.blocks)


def with_header(memory: MemoryPlatform, user: str, prefix: str) -> list[OutboundMessage]:
    return [m for m in memory.dms_to(user) if getattr(m.blocks[0], "text", "").startswith(prefix)]


async def walk_days(app: App, days: int) -> None:
    for _ in range(days):
        await app.advance_time(timedelta(days=1))


async def member_id(app: App, user: str) -> int:
    async with app.database.session() as session:
        return (await session.scalars(select(Member.id).where(Member.display_name == user))).one()


async def nudges_of(app: App, mid: int) -> list[Nudge]:
    async with app.database.session() as session:
        return list((await session.scalars(select(Nudge).where(Nudge.member_id == mid).order_by(Nudge.id))).all())


async def set_prefs(app: App, mid: int, **values: object) -> None:
    async with app.database.session() as session:
        await session.execute(update(MemberPreferences).where(MemberPreferences.member_id == mid).values(**values))


# -- nudges -------------------------------------------------------------------------------


@pytest.mark.long
async def test_quiet_member_gets_missed_drops_then_a_note_then_the_creator_is_told(
    app: App, memory: MemoryPlatform
) -> None:
    await memory.command("creator", "help")  # the creator's account exists
    await become_member(memory, "u1", "Dana Smith")
    await become_member(memory, "u2", "Eli Park")
    await become_member(memory, "u3", "Fay Gone")
    await memory.leave("u3")
    await app.settle()

    await walk_days(app, 9)
    assert with_header(memory, "u1", MISSED) == []

    await walk_days(app, 1)  # day 10
    [missed] = with_header(memory, "u1", MISSED)
    published = await app.services.content.library()  # newest first
    assert len(published) == 6
    text = body(missed)
    assert "10 days since we last saw you in Strategy Club. 6 new drops went out" in text
    listed = [line for line in text.splitlines() if line.startswith("• ")]
    assert [line.split("*")[1] for line in listed] == [i.title for i in published[:5]]
    assert "…and 1 more in the library." in text
    assert "Just reply here if you want to tell Maya anything." in text  # a reply within a day reaches her
    assert [c.action_id for c in missed.choices()] == ["library.browse", "content.next", "engage.nudges-off"]
    assert len(with_header(memory, "u2", MISSED)) == 1
    assert with_header(memory, "u3", MISSED) == []  # left: nothing

    for _ in range(3):  # running the jobs again sends nothing again
        await app.tick()
    assert len(with_header(memory, "u1", MISSED)) == 1

    await walk_days(app, 10)  # day 20
    assert with_header(memory, "u1", NOTE) == []
    await walk_days(app, 1)  # day 21
    [note] = with_header(memory, "u1", NOTE)
    assert "Hi Dana, it's Maya Lindqvist" in body(note)
    assert "Just reply here" in body(note)
    assert "engage.nudges-off" in [c.action_id for c in note.choices()]

    await walk_days(app, 9)  # day 30, 13:00 in Oslo: the creator's list waits for their morning
    assert with_header(memory, "creator", "2 members have gone quiet") == []
    await app.advance_time(timedelta(hours=19))  # 08:00 in Oslo: queued for 09:00
    assert with_header(memory, "creator", "2 members have gone quiet") == []
    await app.advance_time(timedelta(hours=1))
    [listing] = with_header(memory, "creator", "2 members have gone quiet")
    assert "*Dana Smith*: quiet for 30 days" in body(listing) and "*Eli Park*" in body(listing)
    assert "Fay" not in body(listing)
    assert not [m for m in memory.dms_to("u1") if "gone quiet" in m.text]

    await walk_days(app, 5)
    for _ in range(2):
        await app.tick()
    assert len(with_header(memory, "creator", "2 members have gone quiet")) == 1
    assert [n.stage for n in await nudges_of(app, await member_id(app, "Dana Smith"))] == ["day-10", "day-21", "day-30"]


@pytest.mark.long
async def test_member_who_comes_back_counts_as_won_back_and_starts_a_new_stretch(
    app: App, memory: MemoryPlatform, clock: FakeClock
) -> None:
    await memory.command("creator", "help")
    await become_member(memory, "u1", "Dana")
    await walk_days(app, 10)
    assert len(with_header(memory, "u1", MISSED)) == 1

    await walk_days(app, 2)
    await memory.post("u1", "Sorry, busy month! Catching up now.")  # day 12
    came_back = clock.now()
    await app.tick()
    mid = await member_id(app, "Dana")
    [nudge] = await nudges_of(app, mid)
    assert nudge.came_back_at == came_back

    await walk_days(app, 9)  # day 21: no note, the stretch started again on day 12
    assert with_header(memory, "u1", NOTE) == []
    await walk_days(app, 1)  # day 22: ten quiet days since they came back
    assert len(with_header(memory, "u1", MISSED)) == 2
    rate = await app.services.engagement.nudges.win_back_rate(START)
    assert (rate.sent, rate.came_back, rate.pending, rate.rate) == (1, 1, 1, 1.0)  # the new one: too early to tell

    await walk_days(app, 9)  # day 31
    assert with_header(memory, "creator", "1 member has gone quiet") == []
    rate = await app.services.engagement.nudges.win_back_rate(START)
    assert (rate.sent, rate.came_back, rate.pending, rate.rate) == (2, 1, 0, 0.5)
    assert rate.by_stage == {"day-10": (2, 1)}


@pytest.mark.long
async def test_stop_these_reminders_is_honoured_and_is_not_a_win_back(app: App, memory: MemoryPlatform) -> None:
    await become_member(memory, "u1", "Dana")
    await walk_days(app, 10)
    [_missed] = with_header(memory, "u1", MISSED)

    reply = await memory.click("u1", "engage.nudges-off")
    assert reply.texts == [
        "Done: no more check-ins when you've been away for a while. You'll still get the drops and everything else."
    ]
    assert [c.action_id for c in reply.replies[0][0].choices()] == ["engage.nudges-on"]
    await app.tick()
    mid = await member_id(app, "Dana")
    [nudge] = await nudges_of(app, mid)
    assert nudge.came_back_at is None  # opting out is not coming back

    await walk_days(app, 25)
    assert len(with_header(memory, "u1", MISSED)) == 1
    assert with_header(memory, "u1", NOTE) == []

    again = await memory.click("u1", "engage.nudges-on")
    assert again.texts == ["Check-ins are back on. Thanks for letting me know!"]
    async with app.database.session() as session:
        prefs = await session.get(MemberPreferences, mid)
        assert prefs is not None and prefs.nudges is True


@pytest.mark.long
async def test_creator_list_flags_members_who_turned_check_ins_off(app: App, memory: MemoryPlatform) -> None:
    await memory.command("creator", "help")
    await become_member(memory, "u1", "Dana")
    await set_prefs(app, await member_id(app, "Dana"), nudges=False)
    await walk_days(app, 30)
    await app.advance_time(timedelta(hours=20))  # the next morning, 09:00 in Oslo
    assert with_header(memory, "u1", MISSED) == [] and with_header(memory, "u1", NOTE) == []
    [listing] = with_header(memory, "creator", "1 member has gone quiet")
    assert "has turned check-ins off" in body(listing)


async def test_at_most_one_nudge_per_gap(app: App, memory: MemoryPlatform) -> None:
    nudges = app.services.engagement.nudges
    nudges.policy = NudgePolicy(stages=(NudgeStage(3, "missed"), NudgeStage(5, "note")), min_gap=timedelta(days=7))
    await become_member(memory, "u1", "Dana")
    await walk_days(app, 3)
    assert len(with_header(memory, "u1", MISSED)) == 1
    await walk_days(app, 6)  # day 9: the note has been due since day 5, but the gap holds it
    assert with_header(memory, "u1", NOTE) == []
    await walk_days(app, 1)  # day 10: seven days after the first
    assert len(with_header(memory, "u1", NOTE)) == 1
    sent = [n.sent_at for n in await nudges_of(app, await member_id(app, "Dana"))]
    assert sent[1] - sent[0] >= timedelta(days=7)


async def test_nudge_due_in_quiet_hours_arrives_when_they_end(
    app: App, memory: MemoryPlatform, clock: FakeClock
) -> None:
    clock.set(datetime(2026, 11, 20, 22, 0, tzinfo=UTC))  # 23:00 in Oslo
    await become_member(memory, "u1", "Dana")
    await app.settle()

    clock.set(datetime(2026, 11, 30, 22, 0, tzinfo=UTC))  # ten days on, 23:00 local: quiet
    await app.tick()
    clock.set(datetime(2026, 12, 1, 6, 59, tzinfo=UTC))  # 07:59 local
    await app.tick()
    assert with_header(memory, "u1", MISSED) == []

    clock.set(datetime(2026, 12, 1, 7, 0, tzinfo=UTC))  # 08:00 local: quiet hours are over
    await app.settle()
    assert len(with_header(memory, "u1", MISSED)) == 1
    async with app.database.session() as session:
        row = (
            await session.scalars(select(OutboxMessage).where(OutboxMessage.dedupe_key.like("nudge:day-10:%")))
        ).one()
    assert row.dedupe_key == f"nudge:day-10:member:{await member_id(app, 'Dana')}:since:2026-11-20"
    assert row.sent_at == datetime(2026, 12, 1, 7, 0, tzinfo=UTC)


async def test_nudge_waits_for_the_members_preferred_time(app: App, memory: MemoryPlatform, clock: FakeClock) -> None:
    await become_member(memory, "u1", "Dana")
    await set_prefs(app, await member_id(app, "Dana"), time_of_day=time(18, 30))
    await walk_days(app, 10)  # day 10, 13:00 in Oslo
    assert with_header(memory, "u1", MISSED) == []
    clock.set(datetime(2026, 11, 30, 17, 0, tzinfo=UTC))  # 18:00 local: queued for 18:30
    await app.tick()
    assert with_header(memory, "u1", MISSED) == []
    clock.set(datetime(2026, 11, 30, 17, 30, tzinfo=UTC))
    await app.settle()
    assert len(with_header(memory, "u1", MISSED)) == 1


async def test_members_inactive_shows_who_is_quiet_to_the_creator_only(app: App, memory: MemoryPlatform) -> None:
    await memory.command("creator", "help")
    await become_member(memory, "u1", "Dana Smith")
    await walk_days(app, 5)
    await become_member(memory, "u2", "Eli Park")
    await walk_days(app, 7)  # Dana: 12 days quiet, Eli: 7

    report = await memory.command("creator", "members", "inactive")
    assert report.texts == ["1 member quiet for 10 days or more"]
    text = body(report.replies[0][0])
    assert "*Dana Smith*: quiet for 12 days" in text and "last check-in: the 10-day one" in text and "Eli" not in text

    wider = await memory.command("creator", "members", "inactive 5")
    assert wider.texts == ["2 members quiet for 5 days or more"]
    usage = await memory.command("creator", "members", "")
    assert "/members inactive [days]" in usage.texts[0]
    at_risk = await memory.command("creator", "members", "at-risk")  # the analytics view, through the same command
    assert len(at_risk.texts) == 1 and "/members inactive [days]" not in at_risk.texts[0]
    denied = await memory.command("u1", "members", "inactive")
    assert denied.texts == ["Sorry, /members is for the creator and moderators only."]


def test_delivery_time_respects_quiet_hours_and_late_scans() -> None:
    quiet = QuietHours()
    now = datetime(2026, 11, 30, 22, 0, tzinfo=UTC)  # 23:00 Oslo
    assert delivery_time(now, now=now, zone=OSLO, quiet=quiet, preferred=None) is None
    morning = datetime(2026, 12, 1, 6, 30, tzinfo=UTC)
    assert delivery_time(now, now=morning, zone=OSLO, quiet=quiet, preferred=None) == datetime(
        2026, 12, 1, 7, 0, tzinfo=UTC
    )
    afternoon = datetime(2026, 12, 1, 13, 0, tzinfo=UTC)  # overdue: now, it's not quiet
    assert delivery_time(now, now=afternoon, zone=OSLO, quiet=quiet, preferred=time(9, 0)) == afternoon
    early = datetime(2026, 12, 1, 7, 30, tzinfo=UTC)  # 08:30 local, preferred 09:00: queued for then
    assert delivery_time(early, now=early, zone=OSLO, quiet=quiet, preferred=time(9, 0)) == datetime(
        2026, 12, 1, 8, 0, tzinfo=UTC
    )
    assert delivery_time(early, now=early, zone=OSLO, quiet=quiet, preferred=time(18, 0)) is None


def test_policy_from_config_falls_back_to_defaults() -> None:
    class Config:
        pass

    policy = NudgePolicy.from_config(Config())
    assert [(s.key, s.send) for s in policy.stages] == [("day-10", "missed"), ("day-21", "note"), ("day-30", "creator")]
    assert policy.min_gap == timedelta(days=7) and policy.win_back == timedelta(days=7)
    assert policy.later_keys(policy.stages[1]) == ("day-21", "day-30")

    section = SimpleNamespace(  # the shape of the proposed `[nudges]` table
        enabled=True,
        min_gap_days=5,
        win_back_days=10,
        creator_time=time(8, 0),
        note="Hey {name}!",
        steps=(SimpleNamespace(day=30, send="creator"), SimpleNamespace(day=14, send="missed")),
    )
    configured = NudgePolicy.from_config(SimpleNamespace(nudges=section))
    assert [s.key for s in configured.stages] == ["day-14", "day-30"]  # in order, whatever the file's order
    assert (configured.min_gap, configured.win_back) == (timedelta(days=5), timedelta(days=10))
    assert configured.member_keys == ("day-14",) and configured.note == "Hey {name}!"


# -- milestones ----------------------------------------------------------------------------


async def milestones_of(app: App, mid: int) -> list[str]:
    async with app.database.session() as session:
        return sorted((await session.scalars(select(Milestone.key).where(Milestone.member_id == mid))).all())


async def test_first_post_is_celebrated_once(app: App, memory: MemoryPlatform) -> None:
    await become_member(memory, "u1", "Dana")
    await app.tick()
    assert with_header(memory, "u1", "Your first post") == []
    await memory.post("u1", "Hello everyone! I run a small bakery.")
    await memory.post("u1", "And I'd love help with pricing.")
    for _ in range(5):
        await app.tick()
    [dm] = with_header(memory, "u1", "Your first post, Dana!")
    assert "Member since 20 November 2026" in body(dm)
    assert await milestones_of(app, await member_id(app, "Dana")) == ["first-post"]


async def test_a_dm_to_the_bot_is_not_a_first_post(app: App, memory: MemoryPlatform) -> None:
    """Asking the bot something in private is taking part, but not "sharing your first post" with the community."""
    await become_member(memory, "u1", "Dana")
    await memory.post("u1", "how do I pause my membership?", channel="D-u1")
    for _ in range(3):
        await app.tick()
    assert with_header(memory, "u1", "Your first post") == []
    mid = await member_id(app, "Dana")
    assert await milestones_of(app, mid) == []
    async with app.database.session() as session:
        kinds = (await session.scalars(select(Activity.kind).where(Activity.member_id == mid))).all()
    assert "dm" in kinds and "message" not in kinds
    await memory.post("u1", "Hello everyone!")
    for _ in range(3):
        await app.tick()
    assert len(with_header(memory, "u1", "Your first post, Dana!")) == 1


async def test_tenure_milestones_once_each_by_dm_channel_or_quietly(
    app: App, memory: MemoryPlatform, clock: FakeClock
) -> None:
    await become_member(memory, "u1", "Dana")
    await become_member(memory, "u2", "Eli")
    await become_member(memory, "u3", "Fay")
    await set_prefs(app, await member_id(app, "Eli"), celebrate="channel")
    await set_prefs(app, await member_id(app, "Fay"), celebrate="none")
    await app.settle()

    clock.set(datetime(2026, 12, 20, 11, 0, tzinfo=UTC))
    await app.tick()
    assert with_header(memory, "u1", "One month") == []
    clock.set(datetime(2026, 12, 20, 12, 0, tzinfo=UTC))  # a month to the minute
    for _ in range(4):
        await app.tick()
    assert len(with_header(memory, "u1", "One month in Strategy Club!")) == 1
    assert [m.text for m in memory.posts_in("welcome") if "a month today" in m.text] == [
        "🎉 Eli has been part of Strategy Club for a month today. Give them a wave!"
    ]
    assert with_header(memory, "u3", "One month") == []
    assert await milestones_of(app, await member_id(app, "Fay")) == ["1-month"]

    clock.set(datetime(2027, 2, 20, 12, 0, tzinfo=UTC))
    await app.tick()
    await app.tick()
    assert len(with_header(memory, "u1", "Three months with us")) == 1
    assert len(with_header(memory, "u1", "One month")) == 1


async def test_long_past_milestones_are_not_celebrated(app: App, memory: MemoryPlatform) -> None:
    await become_member(memory, "u1", "Dana")
    await memory.post("u1", "Hello!")
    mid = await member_id(app, "Dana")
    async with app.database.session() as session:  # a member from before the feature existed
        await session.execute(
            update(Member)
            .where(Member.id == mid)
            .values(joined_at=START - timedelta(days=800), first_posted_at=START - timedelta(days=30))
        )
        await session.execute(
            update(Activity).where(Activity.member_id == mid).values(occurred_at=START - timedelta(days=30))
        )
    await memory.command("u1", "library")  # active today, but no new post
    await memory.post("u1", "Back again!")  # a later post is not a first one
    for _ in range(3):
        await app.tick()
    assert await milestones_of(app, mid) == []
    assert not [m for m in memory.dms_to("u1") if any(mark in m.text for mark in ("🎉", "🎂", "👏"))]


async def test_fifth_live_session_is_celebrated(app: App, memory: MemoryPlatform) -> None:
    await become_member(memory, "u1", "Dana")
    mid = await member_id(app, "Dana")
    async with app.database.session() as session:
        for n in range(5):
            live = LiveSession(
                community_id=app.services.community.id,
                title=f"Live {n}",
                starts_at=START - timedelta(days=5 - n),
                created_at=START,
                status="done",
            )
            session.add(live)
            await session.flush()
            session.add(Rsvp(session_id=live.id, member_id=mid, created_at=START, attended=n != 4))
    await app.tick()
    assert with_header(memory, "u1", "Five live sessions") == []  # four attended, one missed

    async with app.database.session() as session:
        await session.execute(update(Rsvp).values(attended=True))
    await app.tick()
    await app.tick()
    assert len(with_header(memory, "u1", "Five live sessions, Dana!")) == 1


# -- the monthly recap ----------------------------------------------------------------------


async def test_monthly_recap_counts_the_members_month(app: App, memory: MemoryPlatform, clock: FakeClock) -> None:
    await become_member(memory, "u1", "Dana Smith")  # 20 Nov
    await become_member(memory, "u3", "Fay")
    await memory.leave("u3")
    clock.set(datetime(2026, 11, 27, 12, 0, tzinfo=UTC))
    await become_member(memory, "u2", "Eli")  # joined in the month's last week: next month
    mid = await member_id(app, "Dana Smith")
    cid = app.services.community.id

    def utc(day: int, hour: int = 12, month: int = 11) -> datetime:
        return datetime(2026, month, day, hour, 0, tzinfo=UTC)

    async with app.database.session() as session:
        items = (await session.scalars(select(ContentItem).order_by(ContentItem.id).limit(6))).all()
        # before joining; four in November; 23:30 UTC on the 30th is already December in Oslo
        for item, when in zip(items, (utc(19), utc(21), utc(23), utc(25), utc(30, 22), utc(30, 23)), strict=True):
            item.published_at = when
        for day, month, attended in ((26, 11, True), (24, 11, False), (29, 10, True)):
            live = LiveSession(community_id=cid, title="Live", starts_at=utc(day, 16, month), created_at=START)
            session.add(live)
            await session.flush()
            session.add(Rsvp(session_id=live.id, member_id=mid, created_at=START, attended=attended))
        for day, month, status in (
            (22, 11, "answered"),
            (24, 11, "resolved"),
            (28, 11, "answered"),
            (23, 11, "unanswered"),
            (25, 11, "forwarded"),
            (30, 10, "answered"),
        ):
            session.add(
                FaqQuestion(community_id=cid, member_id=mid, question="?", status=status, asked_at=utc(day, 10, month))
            )

    clock.set(datetime(2026, 12, 1, 7, 30, tzinfo=UTC))  # 08:30 in Oslo: recaps go at 09:00
    await app.tick()
    assert with_header(memory, "u1", "Your November") == []
    clock.set(datetime(2026, 12, 1, 8, 0, tzinfo=UTC))
    for _ in range(3):
        await app.tick()

    [recap] = with_header(memory, "u1", "Your November in Strategy Club")
    assert recap.text == "Your November: 4 drops, 1 live session, 3 questions answered; member since 20 November 2026"
    fields = [b for b in recap.blocks if isinstance(b, Fields)]
    assert fields[0].items == (("Drops", "4"), ("Live sessions attended", "1"), ("Questions answered", "3"))
    assert with_header(memory, "u2", "Your November") == []
    assert with_header(memory, "u3", "Your November") == []
    async with app.database.session() as session:
        keys = (
            await session.scalars(select(OutboxMessage.dedupe_key).where(OutboxMessage.dedupe_key.like("recap:%")))
        ).all()
    assert keys == [f"recap:2026-11:member:{mid}"]

    clock.set(datetime(2026, 12, 5, 8, 0, tzinfo=UTC))  # days later: nothing more
    await app.tick()
    async with app.database.session() as session:
        count = await session.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.dedupe_key.like("recap:%"))
        )
    assert count == 1


# -- both databases ---------------------------------------------------------------------------


@pytest.mark.long
async def test_every_scan_runs_on_sqlite_and_postgresql(
    db: Database, settings: Settings, clock: FakeClock, community_path: Path
) -> None:
    from tests.conftest import make_app

    memory = MemoryPlatform(workspaces=("W1",))
    app = await make_app(db, settings, clock, {"memory": memory}, community_path)
    try:
        await memory.command("creator", "help")
        await become_member(memory, "u1", "Dana")
        await become_member(memory, "u2", "Eli")
        await set_prefs(app, await member_id(app, "Eli"), nudges=False)
        await walk_days(app, 10)
        assert len(with_header(memory, "u1", MISSED)) == 1 and with_header(memory, "u2", MISSED) == []

        await app.advance_time(timedelta(hours=1))
        await memory.post("u1", "Back!")
        await app.tick()
        assert [n.came_back_at for n in await nudges_of(app, await member_id(app, "Dana"))] == [clock.now()]
        assert len(with_header(memory, "u1", "Your first post")) == 1

        await walk_days(app, 20)
        await app.advance_time(timedelta(hours=20))  # day 31, 09:00 in Oslo
        [listing] = with_header(memory, "creator", "1 member has gone quiet")
        assert "*Eli*" in body(listing) and "has turned check-ins off" in body(listing)
        assert len(with_header(memory, "u1", "Your November")) == 1  # sent on 1 December, in the morning
        await app.advance_time(timedelta(hours=20))
        assert len(with_header(memory, "u1", "One month in")) == 1  # on 20 December

        total, quiet = await app.services.engagement.nudges.quiet_members(10)
        assert total == 2 and [q.name for q in quiet] == ["Eli", "Dana"]
        rate = await app.services.engagement.nudges.win_back_rate(START)
        assert rate.came_back == 1
    finally:
        await app.stop()


async def test_a_digest_reader_gets_what_they_missed_the_day_after_their_monday_digest(
    app: App, memory: MemoryPlatform, clock: FakeClock
) -> None:
    """Found as an outsider: a member whose drops come in the Monday digest got the day-10 "what you
    missed" in the same minute as the digest, both listing the same drops."""
    await memory.command("creator", "help")
    await become_member(memory, "u1", "Dana Smith")  # Friday 20 Nov: day 10 is Monday 30 Nov
    await set_prefs(app, await member_id(app, "Dana Smith"), delivery="dm", digest="weekly")
    for day, hour in ((29, 12), (30, 13)):  # Sunday the drops due are published; Monday, the digest of them
        clock.set(datetime(2026, 11, day, hour, 0, tzinfo=UTC))
        await app.tick()
        await app.settle()
    assert [m.text for m in memory.dms_to("u1") if m.text.startswith("Your week in")] != []
    assert with_header(memory, "u1", MISSED) == []
    clock.set(datetime(2026, 12, 1, 13, 0, tzinfo=UTC))
    await app.tick()
    await app.settle()
    [missed] = with_header(memory, "u1", MISSED)
    assert "11 days since we last saw you" in body(missed)
