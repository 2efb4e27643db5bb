"""Shared fixtures and helpers for the billing tests: the app wired to the fake Stripe, and signed webhook posts.

(Named test_* so it sits with the billing tests; it defines no tests itself.)
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select

from bot.app import App
from bot.clock import FakeClock
from bot.messages import Buttons, OutboundMessage
from bot.platforms.memory import MemoryPlatform
from bot.settings import Settings
from bot.testing.fake_stripe import FakeStripe
from storage.database import Database
from storage.models import Membership, StripeEvent
from storage.repositories import members
from tests.conftest import make_app


@pytest.fixture
async def stripe_fake() -> AsyncIterator[FakeStripe]:
    fake = FakeStripe()
    await fake.start()
    yield fake
    await fake.stop()


@pytest.fixture
def paid_settings(tmp_path: Path, stripe_fake: FakeStripe) -> Settings:
    return Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'unused.db'}",
        stripe_api_key="sk_test_membot",
        stripe_webhook_secret=stripe_fake.webhook_secret,
        stripe_api_base=stripe_fake.base_url,
        public_url="https://club.example.test",
        _env_file=None,
    )


@pytest.fixture
async def paid_app(
    sqlite_db: Database, paid_settings: Settings, clock: FakeClock, memory: MemoryPlatform, community_path: Path
) -> AsyncIterator[App]:
    """The real app with Stripe configured (pointing at the fake), on the memory platform."""
    application = await make_app(sqlite_db, paid_settings, clock, {"memory": memory}, community_path)
    yield application
    await application.stop()


@pytest.fixture
async def webhook(paid_app: App) -> AsyncIterator[TestClient]:
    """aiohttp's test client on the app's real web server application (POST /stripe/webhook)."""
    client = TestClient(TestServer(paid_app.web.application))
    await client.start_server()
    yield client
    await client.close()


async def post_event(
    client: TestClient,
    fake: FakeStripe,
    event: Mapping[str, Any],
    *,
    signature: str | None = None,
    timestamp: int | None = None,
) -> int:
    body = FakeStripe.body(event)
    header = signature if signature is not None else fake.sign(body, timestamp=timestamp)
    response = await client.post(
        "/stripe/webhook", data=body, headers={"Stripe-Signature": header, "Content-Type": "application/json"}
    )
    await response.read()
    return response.status


async def deliver(app: App, client: TestClient, fake: FakeStripe, *events: Mapping[str, Any]) -> None:
    """Post each event (signed), then let the worker process the table and the outbox deliver."""
    for event in events:
        assert await post_event(client, fake, event) == 200
    await app.services.billing.process_events()
    await app.settle()


async def member_id(app: App, user: str) -> int:
    async with app.database.session() as session:
        member = await members.by_identity(session, "memory", "W1", user)
        assert member is not None
        return member.id


async def membership_of(app: App, user: str) -> Membership | None:
    mid = await member_id(app, user)
    async with app.database.session() as session:
        return await session.scalar(
            select(Membership).where(Membership.member_id == mid).order_by(Membership.id.desc()).limit(1)
        )


async def stripe_events(app: App) -> list[StripeEvent]:
    async with app.database.session() as session:
        return list((await session.scalars(select(StripeEvent).order_by(StripeEvent.id))).all())


async def newcomer(app: App, memory: MemoryPlatform, user: str = "u1", name: str = "Ann Lee") -> int:
    """Someone who arrived (their welcome is delivered and forgotten)."""
    await memory.join(user, name)
    await app.settle()
    memory.sent.clear()
    return await member_id(app, user)


def texts(memory: MemoryPlatform, user: str) -> list[str]:
    return [m.text for m in memory.dms_to(user)]


def button_actions(message: OutboundMessage) -> list[str]:
    return [
        b.action_id or (b.url or "") for block in message.blocks if isinstance(block, Buttons) for b in block.buttons
    ]
