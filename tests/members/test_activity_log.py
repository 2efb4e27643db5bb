"""Group commit for activity (SQLite and PostgreSQL): many events share a transaction, each caller returns
only once its event is committed, an idle event is written at once, and one bad event sinks no other."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.clock import FakeClock
from bot.services.activity_log import ActivityLog
from storage.database import Database
from storage.models import Activity, Community, Member

pytestmark = pytest.mark.usefixtures("db")


async def make_members(db: Database, clock: FakeClock, count: int) -> list[int]:
    async with db.session() as session:
        community = Community(slug="c", name="C", creator_name="Maya", locale="en", timezone="UTC",
                              settings={}, imported_at=clock.now())  # fmt: skip
        session.add(community)
        await session.flush()
        people = [Member(community_id=community.id, display_name=f"M{n}", joined_at=clock.now()) for n in range(count)]
        session.add_all(people)
        await session.flush()
        return [m.id for m in people]


async def logged(db: Database) -> list[tuple[int, str | None]]:
    async with db.session() as session:
        rows = await session.execute(select(Activity.member_id, Activity.ref).order_by(Activity.id))
        return [(member_id, ref) for member_id, ref in rows]


async def test_concurrent_events_share_a_few_transactions_and_each_is_committed(db: Database, clock: FakeClock) -> None:
    ids = await make_members(db, clock, 8)
    log = ActivityLog(db)

    async def producer(n: int) -> None:
        for i in range(5):
            await log.record(ids[n % 8], "message", clock.now() + timedelta(seconds=n * 10 + i), f"ev:{n}:{i}")

    await asyncio.gather(*(producer(n) for n in range(64)))
    rows = await logged(db)
    assert sorted(ref or "" for _, ref in rows) == sorted(f"ev:{n}:{i}" for n in range(64) for i in range(5))
    assert log.batches <= 64  # 320 events, far fewer transactions (one per event before)
    async with db.session() as session:
        last = dict((await session.execute(select(Member.id, Member.last_active_at))).all())
    for k, member in enumerate(ids):  # each member's latest event, whichever batch carried it
        newest = max(n * 10 + 4 for n in range(64) if n % 8 == k)
        assert last[member] == clock.now() + timedelta(seconds=newest)


async def test_an_event_is_committed_when_record_returns_and_idle_ones_do_not_wait(
    db: Database, clock: FakeClock
) -> None:
    [member] = await make_members(db, clock, 1)
    log = ActivityLog(db)
    await log.record(member, "command", clock.now(), "first")
    assert await logged(db) == [(member, "first")]  # another session sees it: committed
    assert log.batches == 1


async def test_one_bad_event_fails_alone(db: Database, clock: FakeClock) -> None:
    ids = await make_members(db, clock, 3)
    log = ActivityLog(db)
    results = await asyncio.gather(
        *(log.record(m, "click", clock.now(), f"ok:{m}") for m in ids),
        log.record(999_999, "click", clock.now(), "nobody"),  # a member erased meanwhile
        return_exceptions=True,
    )
    assert [r is None for r in results] == [True, True, True, False]
    assert sorted(ref or "" for _, ref in await logged(db)) == sorted(f"ok:{m}" for m in ids)
    async with db.session() as session:
        assert await session.scalar(select(func.count()).select_from(Activity)) == 3


async def test_a_members_first_post_is_kept_from_their_earliest_post_in_a_channel(
    db: Database, clock: FakeClock
) -> None:
    poster, dm_only, late = await make_members(db, clock, 3)
    log = ActivityLog(db)
    start = clock.now()

    async def at(member: int, kind: str, minutes: int) -> None:
        await log.record(member, kind, start + timedelta(minutes=minutes))

    # One batch with the posts out of order, another later: the earliest post wins and stays.
    await asyncio.gather(at(poster, "message", 5), at(poster, "message", 2), at(dm_only, "dm", 1), at(late, "click", 0))
    await at(late, "message", 9)
    await at(poster, "message", 1)  # recorded after the first post was set: not a first post any more
    async with db.session() as session:
        first = dict((await session.execute(select(Member.id, Member.first_posted_at))).all())
    assert (first[poster], first[dm_only], first[late]) == (
        start + timedelta(minutes=2),
        None,
        start + timedelta(minutes=9),
    )
