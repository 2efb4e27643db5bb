"""Analytics SQL against hand-computed datasets, on SQLite and PostgreSQL.

NOW is the fake clock's start (Friday 20 Nov 2026, 12:00 UTC); the period is the 30 days
before it. Each membership below is commented with what it should count as.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.community.loader import load_community
from bot.notices.analytics import Period
from bot.services.analytics.cohorts import cohort_matrix
from bot.services.analytics.figures import mrr, top_topics, trial_lengths, trial_outcomes
from bot.services.analytics.risk import RiskPolicy
from bot.services.community import CommunityContext
from bot.services.importer import import_community
from storage.database import Database
from storage.models import (
    Activity,
    ContentItem,
    FaqQuestion,
    LiveSession,
    OutboxMessage,
    Rsvp,
)
from storage.repositories.analytics import engagement, membership, signals
from tests.conftest import START
from tests.kits.analytics import add_member, add_membership, ago, membership_dataset

NOW = START
OSLO = ZoneInfo("Europe/Oslo")
PERIOD = Period.last(30, NOW)


async def community(db: Database, path: Path) -> CommunityContext:
    await import_community(db, load_community(path), NOW)
    return await CommunityContext.load(db)


async def test_membership_figures(db: Database, community_path: Path) -> None:
    ctx = await community(db, community_path)
    await membership_dataset(db, ctx)
    plans, cid, start = ctx.config.plans, ctx.id, PERIOD.start
    async with db.session() as session:
        assert await membership.members_at(session, cid, NOW) == 8  # m1 m2 m3 m7 m8 m10 m11 m13
        assert await membership.members_at(session, cid, start) == 8  # m1 m2 m3 m4 m5 m6 m7 m10
        assert await membership.retained(session, cid, start, NOW) == 5  # m1 m2 m3 m7 m10
        assert await membership.new_members(session, cid, start, NOW) == 4  # m8 m9 m11 m12
        assert await membership.churned(session, cid, start, NOW) == {"voluntary": 2, "failed_payment": 2}
        assert await membership.founding_members(session, cid, NOW) == 1
        paying_now = await membership.paying_by_plan(session, cid, trial_lengths(plans), NOW)
        paying_then = await membership.paying_by_plan(session, cid, trial_lengths(plans), start)
        trials = await membership.trials(session, cid, trial_lengths(plans), start, NOW)
    assert paying_now == {"monthly": 4, "yearly": 1, "founding-monthly": 1}  # m1 m7 m8 m13; m2; m3
    assert paying_then == {"monthly": 5, "yearly": 1, "founding-monthly": 1}  # m1 m4 m5 m6 m7; m2; m3
    assert mrr(paying_now, plans) == {"usd": Decimal("265.83")}  # 4×49 + 29 + 490/12
    assert mrr(paying_then, plans) == {"usd": Decimal("314.83")}  # 5×49 + 29 + 490/12
    outcome = trial_outcomes(trials, plans, start, NOW)
    assert (outcome.ended, outcome.converted, outcome.rate) == (4, 2, 0.5)  # m8 m13 yes; m9 m12 no


async def test_cohort_matrix(db: Database, community_path: Path) -> None:
    ctx = await community(db, community_path)
    await membership_dataset(db, ctx)
    async with db.session() as session:
        matrix = await cohort_matrix(session, ctx.id, NOW, OSLO, months=4)
    assert [m.astimezone(OSLO).strftime("%Y-%m") for m in matrix.months] == ["2026-08", "2026-09", "2026-10", "2026-11"]
    assert matrix.sizes == (2, 3, 4, 2)  # Aug: m1 m4 · Sep: m3 m5 m6 · Oct: m7 m8 m10 m12 · Nov: m9 m11
    assert matrix.cells == (
        (1.0, 1.0, 1.0, 0.5),  # m4 canceled 10 Nov
        (1.0, 1.0, pytest.approx(1 / 3), None),  # m5, m6 gone in November
        (1.0, 0.75, None, None),  # m12's trial expired 9 Nov
        (0.5, None, None, None),  # m9 canceled in its trial
    )


async def engagement_dataset(db: Database, ctx: CommunityContext) -> dict[str, int]:
    cid = ctx.id
    a, b, c = [await add_member(db, cid, name) for name in ("a", "b", "c")]
    for member_id in (a, b, c):
        await add_membership(db, member_id, "active", "monthly", 100)
    lead = await add_member(db, cid, "lead")  # arrived and talks, never joined: no member
    ended = await add_member(db, cid, "ended")  # a member once
    await add_membership(db, ended, "canceled", "monthly", 100, ended=20)
    gone = await add_member(db, cid, "gone", left=2)
    creator = await add_member(db, cid, "Creator", role="creator")
    async with db.session() as session:
        items = {}
        for slug, days in (("x", 10), ("y", 3), ("z", 40)):
            item = ContentItem(
                community_id=cid, slug=f"stats-{slug}", title=slug.upper(), kind="resource", published_at=ago(days)
            )
            session.add(item)
            await session.flush()
            items[slug] = item.id
        x, y = items["x"], items["y"]
        for key, pmid in (
            (f"drop:{x}:memory:W1", "m100"),
            (f"drop:{x}:member:{a}", "m101"),
            (f"drop:{y}:memory:W1", "m200"),
            (f"welcome:{a}", "m300"),
        ):
            session.add(
                OutboxMessage(
                    dedupe_key=key,
                    platform="memory",
                    workspace_id="W1",
                    target={"channel": "drops"},
                    payload={"text": ""},
                    status="sent",
                    next_attempt_at=ago(11),
                    created_at=ago(11),
                    platform_message_id=pmid,
                )
            )
        acts = [
            (a, "message", 2, None),
            (a, "message", 3, None),
            (b, "reaction", 6, None),
            (b, "message", 8, None),
            (c, "join", 1, None),
            (gone, "message", 1, None),
            (lead, "message", 1, None),
            (ended, "message", 1, None),
            (creator, "command", 1, None),
            (a, "library_open", 9, f"content:{x}"),
            (a, "library_open", 8, f"content:{x}"),
            (b, "library_open", 9, f"content:{x}"),
            (b, "library_open", 2, f"content:{y}"),
            (creator, "library_open", 2, f"content:{y}"),
            (a, "library_open", 39, f"content:{items['z']}"),
            (a, "reaction", 9, "msg:m100"),
            (b, "reaction", 9, "msg:m100"),
            (a, "reaction", 9, "msg:m101"),
            (creator, "reaction", 2, "msg:m200"),
            (a, "reaction", 5, "msg:m300"),
        ]
        session.add_all(Activity(member_id=m, kind=k, occurred_at=ago(d), ref=r) for m, k, d, r in acts)
        sessions = {}
        for name, days, status in (
            ("l1", 5, "done"),
            ("l2", 2, "scheduled"),
            ("l3", 4, "canceled"),
            ("l4", -2, "scheduled"),
        ):
            live = LiveSession(community_id=cid, title=name, starts_at=ago(days), status=status, created_at=ago(30))
            session.add(live)
            await session.flush()
            sessions[name] = live.id
        rsvps = [
            ("l1", a, True),
            ("l1", b, False),
            ("l1", c, True),
            ("l2", a, False),
            ("l2", b, False),
            ("l3", a, True),
            ("l4", a, False),
        ]
        session.add_all(
            Rsvp(session_id=sessions[s], member_id=m, attended=att, created_at=ago(20)) for s, m, att in rsvps
        )
        questions = [
            ("answered", 1, a, "What time is the live?"),
            ("answered", 2, a, "Where are the templates?"),
            ("answered", 3, a, "How do I join?"),
            ("unanswered", 4, a, "How do I cancel my subscription?"),
            ("unanswered", 5, b, "Can I get a refund after cancelling?"),
            ("forwarded", 6, a, "Where is the Zoom link?"),
            ("resolved", 7, c, "Is there a refund policy for yearly plans?"),
            ("answered", 40, a, "Old question"),
            ("unanswered", 45, a, "Old cancel question"),
        ]
        session.add_all(
            FaqQuestion(community_id=cid, member_id=m, question=q, status=s, asked_at=ago(d), place={})
            for s, d, m, q in questions
        )
    return {"a": a, "b": b, "c": c, "x": x, "y": y, "l1": sessions["l1"], "l2": sessions["l2"]}


async def test_engagement_and_faq_figures(db: Database, community_path: Path) -> None:
    ctx = await community(db, community_path)
    ids = await engagement_dataset(db, ctx)
    cid, start = ctx.id, PERIOD.start
    async with db.session() as session:
        # a b c (not gone, not the creator, and, found as an outsider, not someone who never joined or
        # whose membership ended: "Members: 1" sat beside "Weekly active: 1 of 4")
        assert await engagement.community_members(session, cid, NOW) == 3
        assert await engagement.active_members(session, cid, ago(7), NOW) == 2  # a, b; c only joined
        drops = await engagement.drops(session, cid, start, NOW)
        live = await engagement.live_sessions(session, cid, start, NOW)
        outcomes = await engagement.faq_outcomes(session, cid, start, NOW)
        unanswered = await engagement.unanswered_questions(session, cid, start, NOW)
    assert [(d.content_id, d.opens, d.reactions) for d in drops] == [(ids["x"], 2, 3), (ids["y"], 1, 0)]
    assert [(s.session_id, s.rsvps, s.attended) for s in live] == [(ids["l1"], 3, 2), (ids["l2"], 2, 0)]
    assert outcomes == {"answered": 3, "unanswered": 2, "forwarded": 1, "resolved": 1}
    assert len(unanswered) == 4
    assert top_topics(unanswered, limit=2) == (
        ("cancel", 2),
        ("refund", 2),
    )  # "cancelling" counts as cancel; ties alphabetical


async def test_risk_signals(db: Database, community_path: Path) -> None:
    ctx = await community(db, community_path)
    cid = ctx.id
    falling = await add_member(db, cid, "Falling", joined=100, active=9)
    steady = await add_member(db, cid, "Steady", joined=100, active=1)
    await add_member(db, cid, "Gone", joined=100, left=1)
    async with db.session() as session:
        acts = [
            (falling, 9),
            (falling, 20),
            (falling, 30),
            (falling, 69),
            (falling, 71),
            (steady, 1),
            (steady, 13),
            (steady, 15),
        ]
        session.add_all(Activity(member_id=m, kind="message", occurred_at=ago(d)) for m, d in acts)
        session.add(Activity(member_id=falling, kind="join", occurred_at=ago(20)))  # joining is not activity
        live = LiveSession(community_id=cid, title="Q&A", starts_at=ago(6), status="done", created_at=ago(30))
        untaken = LiveSession(community_id=cid, title="Q&A 2", starts_at=ago(3), status="done", created_at=ago(30))
        session.add_all([live, untaken])
        await session.flush()
        session.add_all(
            [
                Rsvp(session_id=live.id, member_id=falling, attended=False, created_at=ago(10)),
                Rsvp(session_id=live.id, member_id=steady, attended=True, created_at=ago(10)),
                Rsvp(
                    session_id=untaken.id, member_id=falling, attended=False, created_at=ago(10)
                ),  # attendance not taken
            ]
        )
    await add_membership(db, falling, "past_due", "monthly", 90, past_due=4)  # within the grace period: a member
    await add_membership(db, steady, "active", "monthly", 90)
    await add_member(db, cid, "Lurker", joined=100)  # arrived, never joined: not a member
    late = await add_member(db, cid, "Late", joined=100)
    await add_membership(db, late, "past_due", "monthly", 90, past_due=10)  # the grace period is over
    async with db.session() as session:
        recent_start, window_start, missed_since = RiskPolicy().windows(NOW)
        found = await signals.risk_signals(
            session, cid, NOW, recent_start=recent_start, window_start=window_start, missed_since=missed_since
        )
    by_name = {s.name: s for s in found}
    assert set(by_name) == {"Falling", "Steady"}
    f, s = by_name["Falling"], by_name["Steady"]
    assert (f.recent, f.earlier, f.missed_live, f.past_due_since) == (
        1,
        3,
        1,
        ago(4),
    )  # day 71 is outside the 70-day window
    assert (s.recent, s.earlier, s.missed_live, s.past_due_since) == (2, 1, 0, None)
