"""The crash harness: runs `bot.testing.crash_target` in a forked subprocess, SIGKILLs it at random
moments while it delivers, restarts it, and when the scenario is complete counts what was lost,
what was delivered twice, and how long the accept-to-commit window was.

Used by `tests/reliability/test_crash_safety.py` (a few kills) and `benchmarks/crash_safety.py`
(50 kills, one JSON line). A kill is timed uniformly over the delivery still to do, so it lands
wherever the process happens to be: claiming, sending, committing, or waiting.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import signal
import statistics
import time
import uuid
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import UTC
from pathlib import Path
from typing import Any

import aiohttp
from sqlalchemy import func, select, text

from bot.testing import crash_inbound_scenario as inbound_scenario
from bot.testing.crash_spec import SCENARIO_START, WEBHOOK_SECRET, Spec
from bot.testing.crash_zygote import FINISH_TIMEOUT, Zygote
from bot.testing.fake_stripe import FakeStripe
from storage.database import Database
from storage.models import Membership, OutboxMessage, StripeEvent

POLL = 0.002  # how often the parent looks at the delivery log while it waits to kill


@dataclass
class ScenarioResult:
    """What one scenario (a fresh database, several kills, a clean finish) ended with."""

    scenario: str
    kills: int = 0
    expected: int = 0  # messages the scenario must deliver
    delivered: int = 0  # distinct messages the platform accepted
    duplicates: int = 0  # extra accepts of a message already accepted
    suppressed: int = 0  # resends the platform's idempotency key caught
    lost: int = 0  # expected messages never accepted, or outbox rows not sent
    dead: int = 0
    applied_twice: int = 0  # webhook: members with more than one membership or a second "started" row;
    # inbound: events handled twice (a second feedback row or a second reply)
    replied_twice: int = 0  # inbound: events whose member got two replies
    webhooks_unprocessed: int = 0
    acknowledged: int = 0  # inbound: events the target acknowledged (all must be handled, once)
    replayed: int = 0  # inbound: replies that went through the outbox because their event was replayed
    seconds: float = 0.0
    setup_seconds: float = 0.0
    window_ms: list[float] = field(default_factory=list)
    ack_ms: list[float] = field(default_factory=list)  # inbound: request received -> recorded and acknowledged

    def summary(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("window_ms")
        data.pop("ack_ms")
        data.update(window_summary(self.window_ms))
        data.update({k.replace("window", "ack"): v for k, v in window_summary(self.ack_ms).items()})
        return data


def window_summary(values: list[float]) -> dict[str, float]:
    if not values:
        return {}
    ordered = sorted(values)
    return {
        "window_ms_p50": round(statistics.median(ordered), 2),
        "window_ms_p99": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))], 2),
        "window_ms_max": round(ordered[-1], 2),
    }


class CrashHarness:
    """Runs scenarios on SQLite (default) or PostgreSQL (`pg_url`), in `workdir`."""

    def __init__(self, workdir: Path, *, seed: int | None = None, pg_url: str | None = None) -> None:
        self.workdir = workdir
        self.rng = random.Random(seed)
        self._pg_url = pg_url
        self._zygote = Zygote(workdir)
        self._schemas: list[str] = []

    async def __aenter__(self) -> CrashHarness:
        await self._zygote.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._zygote.stop()
        if self._pg_url and self._schemas:
            admin = Database(self._pg_url)
            async with admin.engine.begin() as conn:
                for schema in self._schemas:
                    await conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            await admin.dispose()

    def _spec(
        self, scenario: str, members: int, *, idempotent: bool, history: bool, latency_ms: float, events: int = 0
    ) -> Spec:
        run_dir = self.workdir / f"{scenario}-{uuid.uuid4().hex[:8]}"
        run_dir.mkdir(parents=True)
        schema = f"membot_crash_{uuid.uuid4().hex[:10]}" if self._pg_url else None
        if schema:
            self._schemas.append(schema)
        db = self._pg_url or f"sqlite+aiosqlite:///{run_dir / 'membot.db'}"
        offset = SCENARIO_START.astimezone(UTC).timestamp() - time.time()
        return Spec(
            scenario=scenario,
            db=db,
            workdir=str(run_dir),
            members=members,
            offset=offset,
            lease=0.5,
            idempotent=idempotent,
            history=history,
            latency_ms=latency_ms,
            port=_free_port() if scenario in ("webhook", "inbound") else 0,
            events=events,
            schema=schema,
        )

    async def scenario(
        self,
        scenario: str,
        *,
        members: int,
        kills: int,
        idempotent: bool = False,
        history: bool = False,
        latency_ms: float = 0.0,
    ) -> ScenarioResult:
        """Set up a fresh database, kill the worker `kills` times mid-work, let it finish, and count."""
        started = time.perf_counter()
        events = members if scenario in ("webhook", "inbound") else 0
        spec = self._spec(
            scenario, members, idempotent=idempotent, history=history, latency_ms=latency_ms, events=events
        )
        pid = await self._zygote.spawn("setup", spec)
        if await self._zygote.wait_exit(pid) != 0:
            raise RuntimeError(f"setup failed: {self._zygote.errors()}")
        expected = {"fanout": members + 1, "drip": members * 4, "webhook": members, "inbound": members}[scenario]
        result = ScenarioResult(scenario, expected=expected, setup_seconds=round(time.perf_counter() - started, 2))
        acknowledged: list[str] = []
        sender = None
        if scenario == "webhook":
            sender = asyncio.create_task(self._post_webhooks(spec))
        elif scenario == "inbound":
            sender = asyncio.create_task(
                inbound_scenario.post_commands(spec, json.loads(spec.members_path.read_text()), acknowledged)
            )
        try:
            while result.kills < kills:
                if await self._one_cycle(spec, expected, kill=True, kills_left=kills - result.kills):
                    result.kills += 1
                elif _accepted(spec) >= expected and (sender is None or sender.done()):
                    break  # it finished before the kill landed, with nothing left to do
            await self._one_cycle(spec, expected, kill=False)
            if sender is not None:
                await asyncio.wait_for(sender, FINISH_TIMEOUT)
        finally:
            if sender is not None and not sender.done():
                sender.cancel()
        await self._count(spec, result)
        if scenario == "inbound":
            await self._count_inbound(spec, result, acknowledged)
        result.seconds = round(time.perf_counter() - started, 2)
        return result

    async def _one_cycle(self, spec: Spec, expected: int, *, kill: bool, kills_left: int = 1) -> bool:
        """Start the target; with `kill`, SIGKILL it at a random moment of the work left. True if killed."""
        pid = await self._zygote.spawn("run", spec)
        if not await self._zygote.wait_ready(pid):
            code = await self._zygote.wait_exit(pid)
            raise RuntimeError(f"target exited with {code} before it was ready: {self._zygote.errors()}")
        if not kill:
            code = await self._zygote.wait_exit(pid)
            if code != 0:
                raise RuntimeError(f"target exited with {code}: {self._zygote.errors()}")
            return False
        # Pick a delivery still to come, wait for it, then kill at a uniform moment of the typical gap
        # between two deliveries: the kill lands anywhere in the send / commit / claim cycle.
        before = _lines(spec)
        remaining = max(1, expected - _accepted(spec))
        target = before + self.rng.randint(1, max(1, 2 * remaining // (kills_left + 1)))
        first = None
        while _lines(spec) < target and not self._zygote.exited(pid):
            if first is None and _lines(spec) > before:
                first = (time.perf_counter(), _lines(spec))
            await asyncio.sleep(POLL)
        if first is not None and _lines(spec) > first[1]:
            gap = (time.perf_counter() - first[0]) / (_lines(spec) - first[1])
        else:
            gap = 0.005
        deadline = time.perf_counter() + self.rng.uniform(0, gap)
        while time.perf_counter() < deadline and not self._zygote.exited(pid):
            await asyncio.sleep(0)
        if self._zygote.exited(pid):
            await self._zygote.wait_exit(pid)
            return False
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:  # it finished in the instant before the kill
            await self._zygote.wait_exit(pid)
            return False
        return await self._zygote.wait_exit(pid) == -signal.SIGKILL

    async def _post_webhooks(self, spec: Spec) -> None:
        """Act as Stripe: post a signed checkout event per member, retrying until the endpoint says 200.

        Every tenth event is delivered twice, as Stripe sometimes does.
        """
        fake = FakeStripe(webhook_secret=WEBHOOK_SECRET)
        members = json.loads(spec.members_path.read_text())
        events = [fake.checkout_completed(member_id=m, subscription=f"sub_{m}", customer=f"cus_{m}") for m in members]
        url = f"http://127.0.0.1:{spec.port}/stripe/webhook"
        timeout = aiohttp.ClientTimeout(total=10)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            for n, event in enumerate(events):
                for _ in range(2 if n % 10 == 9 else 1):
                    await _post_until_accepted(session, url, fake, event)

    async def _count_inbound(self, spec: Spec, result: ScenarioResult, acknowledged: list[str]) -> None:
        database = Database(spec.db, schema=spec.schema)
        try:
            found = await inbound_scenario.count(spec, database, acknowledged)
        finally:
            await database.dispose()
        result.acknowledged, result.replayed = found["acknowledged"], found["replayed"]
        result.lost += found["lost"] + (result.expected - found["acknowledged"])
        result.applied_twice, result.replied_twice = found["handled_twice"], found["replied_twice"]
        ack = Path(spec.workdir) / "ack.txt"
        result.ack_ms = [float(v) for v in ack.read_text().split()] if ack.exists() else []

    async def _count(self, spec: Spec, result: ScenarioResult) -> None:
        entries = [json.loads(line) for line in spec.log_path.read_text().splitlines()]
        sends = Counter(e["key"] for e in entries if e["kind"] == "send")
        result.delivered = len(sends)
        result.duplicates = sum(count - 1 for count in sends.values())
        result.suppressed = sum(1 for e in entries if e["kind"] == "suppressed")
        if spec.window_path.exists():
            result.window_ms = [float(v) for v in spec.window_path.read_text().split()]
        database = Database(spec.db, schema=spec.schema)
        try:
            async with database.session() as session:
                rows = (await session.execute(select(OutboxMessage.dedupe_key, OutboxMessage.status))).all()
                result.dead = sum(1 for _, status in rows if status == "dead")
                unsent = sum(1 for key, status in rows if status != "sent" or key not in sends)
                wanted = _wanted_keys([key for key, _ in rows], spec.scenario)
                result.lost = unsent + (0 if spec.scenario == "inbound" else max(0, result.expected - wanted))
                if spec.scenario == "webhook":
                    per_member = (
                        await session.execute(select(Membership.member_id, func.count()).group_by(Membership.member_id))
                    ).all()
                    result.applied_twice = sum(1 for _, count in per_member if count > 1) + max(
                        0, wanted - result.expected
                    )
                    result.lost += max(0, spec.members - len(per_member))
                    result.webhooks_unprocessed = int(
                        await session.scalar(
                            select(func.count(StripeEvent.id)).where(StripeEvent.status != "processed")
                        )
                        or 0
                    )
        finally:
            await database.dispose()


def _wanted_keys(keys: list[str], scenario: str) -> int:
    """How many outbox rows the scenario was about (other jobs' rows are checked for loss too, not counted here)."""
    if scenario == "fanout":
        return sum(1 for k in keys if k.startswith("drop:"))
    if scenario == "drip":
        # three drip steps each, and the channel's welcome for each new member (same job)
        return sum(1 for k in keys if k.startswith(("onboard:", "welcome-public:")))
    return sum(1 for k in keys if k.startswith("billing:") and k.endswith(":started"))


async def _post_until_accepted(
    session: aiohttp.ClientSession, url: str, fake: FakeStripe, event: dict[str, Any]
) -> None:
    body = FakeStripe.body(event)
    for _ in range(2000):
        try:
            headers = {"Stripe-Signature": fake.sign(body), "Content-Type": "application/json"}
            async with session.post(url, data=body, headers=headers) as response:
                await response.read()
                if response.status == 200:
                    return
                if 400 <= response.status < 500:
                    raise AssertionError(f"webhook refused with {response.status}")
        except (aiohttp.ClientError, TimeoutError, ConnectionError):
            pass
        await asyncio.sleep(0.02)  # Stripe backs off for hours; the harness for milliseconds
    raise TimeoutError("webhook never accepted")


def _lines(spec: Spec) -> int:
    try:
        with open(spec.log_path, "rb") as handle:
            return sum(1 for _ in handle)
    except FileNotFoundError:
        return 0


def _accepted(spec: Spec) -> int:
    """Distinct messages accepted so far."""
    try:
        lines = spec.log_path.read_text().splitlines()
    except FileNotFoundError:
        return 0
    return len({json.loads(line)["key"] for line in lines if '"send"' in line})


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
