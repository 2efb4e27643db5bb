"""What the crash harness runs in a subprocess: the real app on a real database, delivering to a
platform that appends every accepted message to a file (fsync'ed) so the parent can count
duplicates and losses after killing this process at random moments.

    python -m bot.testing.crash_target setup '<spec json>'   # migrate, import, create the scenario
    python -m bot.testing.crash_target run '<spec json>'     # work until the scenario is complete
    python -m bot.testing.crash_target serve                 # a zygote: imports once, forks a `run` per line

Scenarios: `fanout` (a drop DM'd to every member), `drip` (three onboarding steps per member),
`webhook` (Stripe checkout events posted by the parent, verified, recorded and processed),
`inbound` (`/feedback` commands posted by the parent; see bot/testing/crash_inbound.py).

The delivery log has one JSON line per platform call: `{"kind": "send", "key": dedupe key,
"row": outbox id, "t": wall time}`. With `idempotent` the fake platform behaves as if it
honoured an idempotency key (the dedupe key): a resend of a key it already accepted is
answered with the first message's id and logged as `"kind": "suppressed"` instead of
delivered again. Slack has no such key; Discord's `nonce` + `enforce_nonce` is the closest.
The `window` file gets one line per message: milliseconds from the platform having it (just
before its durable write) to the `mark_sent` commit, the only stretch where a kill causes a
duplicate. With `latency_ms`, half the round trip (the response's way back) is in the window.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from collections.abc import Sequence
from dataclasses import asdict
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, text, update

from bot.app import App, build_app
from bot.clock import SystemClock
from bot.community.loader import load_community
from bot.outbox import DeliveryPolicy
from bot.ratelimit import RateLimiter
from bot.services.importer import import_community
from bot.settings import REPO_ROOT, Settings
from bot.testing.crash_inbound import InboundEndpoint
from bot.testing.crash_recording import PLATFORM, WORKSPACE, AppendLog, RecordingPlatform, RecordingWorker
from bot.testing.crash_spec import SCENARIO_START, WEBHOOK_SECRET, Spec
from storage.database import Database
from storage.migrate import upgrade
from storage.models import (
    ContentItem,
    InboundEvent,
    Member,
    MemberPreferences,
    Membership,
    OutboxMessage,
    PlatformIdentity,
    StripeEvent,
    Tier,
)

SAMPLE = REPO_ROOT / "examples" / "strategy-club"
DRIP_STEPS_DUE = 3  # quick win, start-here (day 0) and introduce-yourself (day 1); first-live is day 3


class ShiftedClock(SystemClock):
    """Wall time plus a fixed offset, the same in every restarted process (so leases stay meaningful)."""

    def __init__(self, offset: float) -> None:
        self._offset = timedelta(seconds=offset)

    def now(self) -> datetime:
        return super().now() + self._offset


# -- setup ------------------------------------------------------------------------------------


def _database(spec: Spec) -> Database:
    return Database(spec.db, schema=spec.schema)


def _settings(spec: Spec) -> Settings:
    values: dict[str, Any] = {
        "database_url": spec.db,
        "outbox_lease_seconds": spec.lease,
        "outbox_batch": 50,
        "_env_file": None,
    }
    if spec.port:
        values["port"] = spec.port  # the web server: webhook and inbound scenarios
    if spec.scenario == "webhook":
        values.update(
            stripe_api_key="sk_test_crash",
            stripe_webhook_secret=WEBHOOK_SECRET,
            stripe_api_base=str(spec.extra.get("stripe_base", "http://127.0.0.1:9")),
            port=spec.port,
            public_url="https://club.example.test",
        )
    return Settings(**values)


async def setup(spec: Spec) -> list[int]:
    """A fresh community with `spec.members` members reachable by DM, shaped for the scenario."""
    if spec.schema:
        admin = Database(spec.db)
        async with admin.engine.begin() as conn:
            await conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{spec.schema}"'))
        await admin.dispose()
    database = _database(spec)
    try:
        await upgrade(database)
        await import_community(database, load_community(SAMPLE), SCENARIO_START - timedelta(days=40))
        joined = SCENARIO_START - (timedelta(days=1, hours=2) if spec.scenario == "drip" else timedelta(days=30))
        async with database.session() as session:
            community_id = await session.scalar(select(ContentItem.community_id).limit(1))
            created: list[Member] = []
            for n in range(spec.members):
                member = Member(
                    community_id=community_id, display_name=f"Member {n}", role="member", joined_at=joined, segments=[]
                )
                member.identities = [
                    PlatformIdentity(platform=PLATFORM, workspace_id=WORKSPACE, user_id=f"u{n}", created_at=joined)
                ]
                session.add(member)
                created.append(member)
            await session.flush()
            tier_id = await session.scalar(select(Tier.id).where(Tier.community_id == community_id).limit(1))
            for member in created:
                session.add(MemberPreferences(member_id=member.id, delivery="dm", digest="every", answers={}))
                # Members, not visitors: the drip (timed from the membership's start) reaches members only.
                session.add(Membership(member_id=member.id, tier_id=tier_id, status="comped", started_at=joined))
            if spec.scenario == "fanout":
                await session.execute(update(ContentItem).values(publish_at=SCENARIO_START + timedelta(days=3)))
                first = await session.scalar(select(ContentItem.id).order_by(ContentItem.id).limit(1))
                await session.execute(
                    update(ContentItem)
                    .where(ContentItem.id == first)
                    .values(publish_at=SCENARIO_START - timedelta(minutes=1))
                )
            else:  # nothing else becomes due while the scenario runs
                await session.execute(update(ContentItem).values(publish_at=SCENARIO_START + timedelta(days=3)))
            ids = [m.id for m in created]
    finally:
        await database.dispose()
    spec.members_path.write_text(json.dumps(ids))
    return ids


# -- run --------------------------------------------------------------------------------------


async def _remaining(database: Database) -> int:
    async with database.session() as session:
        return int(
            await session.scalar(
                select(func.count(OutboxMessage.id)).where(OutboxMessage.status.in_(("pending", "sending")))
            )
            or 0
        )


async def _scenario_done(spec: Spec, app: App, queued_now: int) -> bool:
    if await _remaining(app.database):
        return False
    async with app.database.session() as session:
        if spec.scenario == "fanout":
            return not await session.scalar(
                select(func.count(ContentItem.id)).where(
                    ContentItem.publish_at <= app.clock.now(), ContentItem.published_at.is_(None)
                )
            )
        if spec.scenario == "drip":
            return queued_now == 0
        if spec.scenario == "inbound":
            counts = dict(
                (await session.execute(select(InboundEvent.status, func.count()).group_by(InboundEvent.status))).all()
            )
            return counts.get("done", 0) >= spec.events and not counts.get("pending")
        processed = await session.scalar(select(func.count(StripeEvent.id)).where(StripeEvent.status == "processed"))
        return int(processed or 0) >= spec.events


async def _start_fake_stripe(spec: Spec) -> Any:
    from bot.testing.fake_stripe import FakeStripe

    fake = FakeStripe(webhook_secret=WEBHOOK_SECRET)
    base = await fake.start()
    for member_id in json.loads(spec.members_path.read_text()):
        fake.set_subscription(
            f"sub_{member_id}",
            status="active",
            customer=f"cus_{member_id}",
            metadata={"member_id": str(member_id), "plan": "monthly"},
        )
    return fake, base


async def run(spec: Spec) -> int:
    """Work until the scenario is complete; print `ready` once the app is up. Exit code 0 when done."""
    fake_stripe = None
    extra = dict(spec.extra)
    if spec.scenario == "webhook":
        fake_stripe, extra["stripe_base"] = await _start_fake_stripe(spec)
    spec = Spec(**{**asdict(spec), "extra": extra})
    clock = ShiftedClock(spec.offset)
    platform = RecordingPlatform(spec)
    settings = _settings(spec)
    app = await build_app(settings, clock=clock, platforms={PLATFORM: platform}, database=_database(spec))
    app.worker = RecordingWorker(
        app.database,
        app.platforms,
        clock,
        RateLimiter(clock),
        policy=DeliveryPolicy(batch=settings.outbox_batch, lease=timedelta(seconds=spec.lease)),
        window_path=spec.window_path,
    )
    jobs = {"fanout": "drops.publish", "drip": "onboarding.drip", "webhook": "billing.events", "inbound": ""}
    app.scheduler.jobs = tuple(job for job in app.scheduler.jobs if job.name == jobs[spec.scenario])
    if spec.scenario == "inbound":
        InboundEndpoint(
            app, PLATFORM, WORKSPACE, platform._log, AppendLog(Path(spec.workdir) / "ack.txt", sync=False)
        ).mount()
    await app.start(background=False)  # replays what a killed predecessor acknowledged but never finished
    if spec.scenario in ("webhook", "inbound"):
        await app.web.start()
    print(f"ready {os.getpid()}", flush=True)
    try:
        while True:
            queued = 0
            if spec.scenario == "drip":
                queued = await app.services.onboarding.send_due_steps()
            elif spec.scenario == "fanout":
                await app.services.content.publish_due()
            elif spec.scenario == "inbound":  # rows whose lease ran out (their process was killed)
                await app.router.replay_unfinished()
            else:
                await app.services.billing.process_events()
            await app.worker.drain()
            if await _scenario_done(spec, app, queued):
                return 0
            await asyncio.sleep(0.02)  # leased rows of a killed predecessor, or webhooks still to come
    finally:
        await app.stop()
        if fake_stripe is not None:
            await fake_stripe.stop()


# -- the zygote -------------------------------------------------------------------------------


def serve() -> None:
    """Read `{"mode": "setup"|"run", "spec": {...}}` per line; fork a child for it; report `pid N`, `exit N CODE`.

    Everything is imported once here, so a restart after a kill costs a fork, not a Python start.
    """
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        mode, spec = request["mode"], Spec(**request["spec"])
        sys.stdout.flush()
        pid = os.fork()
        if pid == 0:  # the child
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            code = 1
            try:
                code = _work(mode, spec)
            except BaseException as exc:
                print(f"error {os.getpid()} {type(exc).__name__}: {exc}", flush=True)
            finally:
                sys.stdout.flush()
                os._exit(code)
        print(f"pid {pid}", flush=True)
        _, status = os.waitpid(pid, 0)
        code = -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
        print(f"exit {pid} {code}", flush=True)


def _work(mode: str, spec: Spec) -> int:
    if mode == "setup":
        asyncio.run(setup(spec))
        return 0
    return asyncio.run(run(spec))


def main(argv: Sequence[str]) -> int:
    mode = argv[0] if argv else "serve"
    if mode == "serve":
        serve()
        return 0
    if mode in ("setup", "run"):
        return _work(mode, Spec(**json.loads(argv[1])))
    print(f"unknown mode {mode!r}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
