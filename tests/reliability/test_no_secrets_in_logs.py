"""Secrets and personal data never reach the logs: a full scenario (joins, commands, a question to the
model, a Stripe checkout, a drop fan-out with failures and retries, /my-data, /forget-me) runs with
real-looking tokens and member names set, and every log record, at every level, is searched.

Raw records are checked (before bot.logging_setup's redaction), so the code itself must not
log them: redaction is the second line of defence, and names cannot be redacted by pattern.
Our own loggers are checked at every level; libraries from INFO, the default level (aiosqlite's
DEBUG lines echo SQL parameters, so never run production at DEBUG).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.app import App
from bot.clock import FakeClock
from bot.platforms.memory import MemoryPlatform
from bot.ports import PermanentError, RateLimited, TransientError
from bot.settings import Settings
from bot.testing.fake_openai import FakeOpenAI
from bot.testing.fake_stripe import FakeStripe
from storage.database import Database
from tests.conftest import make_app
from tests.kits.billing import member_id, post_event

SLACK_TOKEN = "xoxb-111111111111-2222222222222-SECRETslackTOKEN"
SLACK_SIGNING = "8f742231b10e8888abcd99yyyzzz85a5SECRET"
STRIPE_KEY = "sk_test_51SECRETstripeKEY0123456789"
OPENAI_KEY = "sk-proj-SECRETopenaiKEY0123456789abcdef"
DISCORD_TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GSECRT.discordTOKENdiscordTOKENdiscordTOK"
MEMBERS = {"u1": "Zelda Quixote-Marchetti", "u2": "Bartholomew Okonkwo-Lindahl", "u3": "Ingrid Vasquez-Thornbury"}
PERSONAL = ["zelda.q@example.com", "+47 912 34 567", "my divorce lawyer", "Quixote", "Okonkwo", "Thornbury"]


class _Everything(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        ours = record.name.split(".")[0] in ("bot", "storage")
        if record.levelno < logging.INFO and not ours:
            return  # third-party DEBUG (aiosqlite echoes SQL parameters) is off at the default INFO level
        try:
            message = record.getMessage()
        except Exception:
            message = f"{record.msg} {record.args}"
        parts = [record.name, message, record.exc_text or ""]
        if record.exc_info and record.exc_info[1] is not None:
            parts.append(repr(record.exc_info[1]))
        parts.extend(
            f"{k}={v!r}"
            for k, v in vars(record).items()
            if k not in logging.LogRecord("", 0, "", 0, "", (), None).__dict__
        )
        self.lines.append(" ".join(parts))


@contextmanager
def all_logs() -> Iterator[_Everything]:
    handler = _Everything()
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(previous)


@pytest.fixture
async def loud_app(
    sqlite_db: Database,
    tmp_path: Path,
    clock: FakeClock,
    memory: MemoryPlatform,
    community_path: Path,
    stripe_fake: FakeStripe,
) -> AsyncIterator[tuple[App, FakeOpenAI]]:
    openai = await FakeOpenAI().start()
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'unused.db'}",
        slack_bot_token=SLACK_TOKEN,
        slack_signing_secret=SLACK_SIGNING,
        discord_token=DISCORD_TOKEN,
        stripe_api_key=STRIPE_KEY,
        stripe_webhook_secret=stripe_fake.webhook_secret,
        stripe_api_base=stripe_fake.base_url,
        openai_api_key=OPENAI_KEY,
        openai_base_url=openai.base_url,
        openai_timeout_seconds=2.0,
        public_url="https://club.example.test",
        _env_file=None,
    )
    application = await make_app(sqlite_db, settings, clock, {"memory": memory}, community_path)
    yield application, openai
    await application.services.answers.aclose()
    await application.stop()
    await openai.close()


async def test_a_full_scenario_logs_no_secret_and_no_personal_data(
    loud_app: tuple[App, FakeOpenAI], memory: MemoryPlatform, stripe_fake: FakeStripe, clock: FakeClock
) -> None:
    app, openai = loud_app
    client = TestClient(TestServer(app.web.application))
    await client.start_server()
    try:
        with all_logs() as logs:
            for user, name in MEMBERS.items():
                await memory.join(user, name)
            await app.settle()
            await memory.command("u1", "help")
            await memory.command("u1", "me")
            await memory.command("u1", "prefs", "dm")
            await memory.command(
                "u1", "ask", "Can my divorce lawyer zelda.q@example.com call +47 912 34 567 about pricing?"
            )
            openai.fail(500)
            await memory.command("u2", "ask", "How do I price a workshop? Thornbury asked me too")
            await memory.post(
                "u3", "Hi all, Ingrid Vasquez-Thornbury here, mail zelda.q@example.com", channel="welcome"
            )
            await memory.command("u2", "no-such-command", "Bartholomew Okonkwo-Lindahl")
            await memory.command("creator", "member", "add u3 inner-circle")

            mid = await member_id(app, "u1")
            stripe_fake.set_subscription("sub_1", status="active", metadata={"member_id": str(mid), "plan": "monthly"})
            assert (
                await post_event(
                    client, stripe_fake, stripe_fake.checkout_completed(member_id=mid, subscription="sub_1")
                )
                == 200
            )
            assert await post_event(client, stripe_fake, {"id": "evt_x"}, signature="t=1,v1=bad") == 400
            await app.services.billing.process_events()

            memory.fail_next(TransientError("upstream 502"), RateLimited(5), PermanentError("dm closed"))
            await app.advance_time(timedelta(days=3))
            await app.advance_time(timedelta(hours=1))
            await memory.command("u2", "my-data")
            await memory.command("u3", "forget-me")
            await app.settle()
    finally:
        await client.close()

    assert logs.lines, "the scenario should log something"
    secrets = [SLACK_TOKEN, SLACK_SIGNING, STRIPE_KEY, OPENAI_KEY, DISCORD_TOKEN, stripe_fake.webhook_secret]
    names = [part for name in MEMBERS.values() for part in (name, *name.split())]
    leaks = [(needle, line) for line in logs.lines for needle in [*secrets, *names, *PERSONAL] if needle in line]
    assert not leaks, leaks[:5]
