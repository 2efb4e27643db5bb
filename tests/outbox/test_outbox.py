"""The outbox on SQLite and PostgreSQL: idempotent enqueue, leases, Retry-After, backoff, dead letters."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.clock import FakeClock
from bot.messages import OutboundMessage, Target, text_message
from bot.outbox import DeliveryPolicy, DeliveryWorker, Outbox
from bot.platforms.memory import MemoryPlatform
from bot.ports import PermanentError, RateLimited, TransientError
from bot.ratelimit import RateLimiter
from storage.database import Database
from storage.repositories import outbox as repo

pytestmark = pytest.mark.usefixtures("db")

DM = Target("memory", "W1", user_id="u1")


def worker(db: Database, memory: MemoryPlatform, clock: FakeClock, **policy: object) -> DeliveryWorker:
    return DeliveryWorker(db, {"memory": memory}, clock, RateLimiter(clock), policy=DeliveryPolicy(**policy))  # type: ignore[arg-type]


async def put(db: Database, clock: FakeClock, key: str, text: str = "hello", target: Target = DM) -> bool:
    async with db.session() as session:
        return await Outbox(clock).enqueue(session, key, target, text_message(text))


async def status(db: Database, key: str) -> tuple[str, int]:
    async with db.session() as session:
        row = await repo.by_key(session, key)
    assert row is not None
    return row.status, row.attempts


async def test_same_key_twice_is_sent_once(db: Database, clock: FakeClock, memory: MemoryPlatform) -> None:
    assert await put(db, clock, "drip:welcome:member:1") is True
    assert await put(db, clock, "drip:welcome:member:1", "a different text") is False

    assert await worker(db, memory, clock).drain() == 1
    assert [d.message.text for d in memory.sent] == ["hello"]
    assert await worker(db, memory, clock).drain() == 0  # nothing left for a second worker


async def test_message_round_trips_through_the_table(db: Database, clock: FakeClock, memory: MemoryPlatform) -> None:
    from bot.messages import Button, Buttons, Fields, Header, Option, Select

    message = OutboundMessage(
        text="fallback",
        blocks=(
            Header("Title"),
            Fields((("Level", "3"), ("Plan", "yearly"))),
            Buttons((Button("RSVP", action_id="qa.rsvp:9", style="primary"), Button("Open", url="https://x.example"))),
            Select("prefs.digest", "How often?", (Option("Every drop", "every"), Option("Weekly", "weekly"))),
        ),
    )
    async with db.session() as session:
        await Outbox(clock).enqueue(session, "k", Target("memory", "W1", channel="drops", thread_id="t1"), message)
    await worker(db, memory, clock).drain()
    [delivery] = memory.sent
    assert delivery.message == message
    assert delivery.target == Target("memory", "W1", channel="drops", thread_id="t1")


async def test_worker_that_dies_after_claiming_is_taken_over_after_its_lease(
    db: Database, clock: FakeClock, memory: MemoryPlatform
) -> None:
    await put(db, clock, "k1")
    async with db.session() as session:  # a worker claims, then dies before sending
        claimed = await repo.claim_due(
            session,
            now=clock.now(),
            worker_id="dead-worker",
            lease=timedelta(seconds=60),
            limit=10,
            platforms=["memory"],
        )
    assert len(claimed) == 1

    survivor = worker(db, memory, clock)
    assert await survivor.drain() == 0  # still leased: not taken early, so no double send
    clock.advance(timedelta(seconds=61))
    assert await survivor.drain() == 1
    assert len(memory.sent) == 1
    assert await status(db, "k1") == ("sent", 2)


async def test_rate_limit_waits_for_retry_after_and_does_not_count_as_failure(
    db: Database, clock: FakeClock, memory: MemoryPlatform
) -> None:
    await put(db, clock, "k1")
    memory.fail_next(RateLimited(30))
    w = worker(db, memory, clock, max_attempts=1)
    await w.drain()
    assert memory.sent == []
    assert await status(db, "k1") == ("pending", 0)  # not an attempt: a 429 is not a failure

    clock.advance(timedelta(seconds=29))
    assert await w.drain() == 0  # Retry-After not over yet
    clock.advance(timedelta(seconds=2))
    assert await w.drain() == 1
    assert len(memory.sent) == 1 and w.stats.rate_limited == 1


async def test_limiter_blocks_the_workspace_after_a_429(clock: FakeClock) -> None:
    limiter = RateLimiter(clock)
    limiter.configure("k", rate=10, burst=10)
    assert await limiter.acquire("k") == 0
    await limiter.penalise("k", 5.0)
    started = clock.monotonic()
    await limiter.acquire("k")
    assert clock.monotonic() - started == pytest.approx(5.0)


async def test_limiter_paces_to_its_rate(clock: FakeClock) -> None:
    limiter = RateLimiter(clock)
    limiter.configure("k", rate=2, burst=1)
    started = clock.monotonic()
    for _ in range(5):
        await limiter.acquire("k")
    assert clock.monotonic() - started == pytest.approx(2.0)  # 1 immediately, then 4 at 2 per second


async def test_transient_failures_back_off_then_succeed(db: Database, clock: FakeClock, memory: MemoryPlatform) -> None:
    await put(db, clock, "k1")
    memory.fail_next(TransientError("502"), TransientError("timeout"))
    w = worker(db, memory, clock)
    await w.drain()
    assert await status(db, "k1") == ("pending", 1)
    clock.advance(timedelta(seconds=1))
    assert await w.drain() == 0  # first backoff is 2-2.4 s
    clock.advance(timedelta(seconds=2))
    await w.drain()
    assert await status(db, "k1") == ("pending", 2)
    clock.advance(timedelta(seconds=5))  # second backoff is 4-4.8 s
    await w.drain()
    assert await status(db, "k1") == ("sent", 3)
    assert len(memory.sent) == 1 and w.stats.retried == 2


async def test_dead_letter_after_max_attempts(db: Database, clock: FakeClock, memory: MemoryPlatform) -> None:
    await put(db, clock, "k1")
    memory.fail_next(*[TransientError("down")] * 3)
    w = worker(db, memory, clock, max_attempts=3)
    for _ in range(3):
        await w.drain()
        clock.advance(timedelta(minutes=5))
    assert await status(db, "k1") == ("dead", 3)
    assert memory.sent == []


async def test_permanent_error_is_dead_at_once_and_others_still_go(
    db: Database, clock: FakeClock, memory: MemoryPlatform
) -> None:
    await put(db, clock, "k1")
    await put(db, clock, "k2", "second")
    memory.fail_next(PermanentError("cannot DM this user"))
    await worker(db, memory, clock).drain()
    assert (await status(db, "k1"))[0] == "dead"
    assert [d.message.text for d in memory.sent] == ["second"]


async def test_rows_for_platforms_this_process_does_not_run_are_left_alone(
    db: Database, clock: FakeClock, memory: MemoryPlatform
) -> None:
    await put(db, clock, "k1", target=Target("slack", "T1", user_id="U1"))
    assert await worker(db, memory, clock).drain() == 0
    assert await status(db, "k1") == ("pending", 0)


async def test_not_before_delays_delivery(db: Database, clock: FakeClock, memory: MemoryPlatform) -> None:
    async with db.session() as session:
        await Outbox(clock).enqueue(
            session, "later", DM, text_message("x"), not_before=clock.now() + timedelta(hours=1)
        )
    w = worker(db, memory, clock)
    assert await w.drain() == 0
    clock.advance(timedelta(hours=1))
    assert await w.drain() == 1


async def test_enqueue_rolls_back_with_the_change_that_caused_it(db: Database, clock: FakeClock) -> None:
    with pytest.raises(RuntimeError):
        async with db.session() as session:
            await Outbox(clock).enqueue(session, "k1", DM, text_message("x"))
            raise RuntimeError("the state change failed")
    async with db.session() as session:
        assert await repo.by_key(session, "k1") is None


async def test_a_file_goes_out_as_one_upload(db: Database, clock: FakeClock, memory: MemoryPlatform) -> None:
    from bot.messages import Attachment

    message = OutboundMessage(text="Your data", attachment=Attachment("export.json", b'{"a": 1}', "application/json"))
    async with db.session() as session:
        await Outbox(clock).enqueue(session, "export:1", DM, message)
    await worker(db, memory, clock).drain()
    assert memory.sent == []
    assert memory.files_to("u1") == [("export.json", b'{"a": 1}')]


def test_a_batch_never_takes_longer_than_half_its_lease(clock: FakeClock) -> None:
    from bot.ports import Capabilities

    slow = MemoryPlatform(capabilities=Capabilities(sends_per_second=1.0, burst=1))
    w = DeliveryWorker(
        None, {"memory": slow}, clock, RateLimiter(clock), policy=DeliveryPolicy(batch=50, lease=timedelta(seconds=60))
    )  # type: ignore[arg-type]
    assert w.claim_limit() == 30  # 1 a second for 30 s: well inside the 60 s lease
    fast = DeliveryWorker(
        None, {"memory": MemoryPlatform()}, clock, RateLimiter(clock), policy=DeliveryPolicy(batch=50)
    )  # type: ignore[arg-type]
    assert fast.claim_limit() == 50


async def test_fake_sleep_moves_time_even_below_a_microsecond(clock: FakeClock) -> None:
    before = clock.monotonic()
    await clock.sleep(1e-9)
    assert clock.monotonic() > before  # a pacing loop waiting this long must end


async def test_withdrawing_stops_only_rows_no_platform_has_seen(
    db: Database, clock: FakeClock, memory: MemoryPlatform
) -> None:
    for key in ("tried", "claimed", "waiting"):
        await put(db, clock, key, key)
    w = worker(db, memory, clock, batch=1)
    memory.fail_next(TransientError("timeout"))  # perhaps after the platform took it
    await w.run_once()  # "tried" fails: it waits to retry
    async with db.session() as session:  # "claimed" is with a worker that has not sent it yet
        await repo.claim_due(
            session, now=clock.now(), worker_id="other", lease=timedelta(minutes=1), limit=1, platforms=("memory",)
        )
        withdrawn = await repo.withdraw(session, ["tried", "claimed", "waiting", "unknown"], reason="back")
    assert withdrawn == ["waiting"]
    assert await status(db, "waiting") == ("withdrawn", 0)
    assert await status(db, "tried") == ("pending", 1) and await status(db, "claimed") == ("sending", 1)
    clock.advance(timedelta(minutes=5))
    await w.drain()
    assert sorted(d.message.text for d in memory.sent) == ["claimed", "tried"]  # never "waiting"
