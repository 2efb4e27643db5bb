"""Launch windows: `/doors open founding [until DATE]` and `[[doors.windows]]` in community.toml open and
close the doors by themselves, and a founding window offers the founding price to everyone who joins."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient
from pydantic import ValidationError

from bot.app import App
from bot.clock import FakeClock
from bot.community.schema import DoorWindow
from bot.jobs import all_jobs
from bot.platforms.memory import MemoryPlatform
from bot.settings import Settings
from bot.testing.fake_stripe import FakeStripe
from storage.database import Database
from tests.conftest import make_app
from tests.kits.billing import button_actions, deliver, member_id, membership_of, newcomer, texts


async def test_a_founding_launch_offers_the_founding_price_to_a_newcomer(
    paid_app: App, stripe_fake: FakeStripe, memory: MemoryPlatform
) -> None:
    """The defect: `/doors open founding` promised a price that only invited waitlisters ever saw."""
    await memory.command("creator", "doors", "open founding")
    await newcomer(paid_app, memory, "u3", "Cy")
    link = (await memory.command("u3", "join")).replies[0][0]  # the one founding plan: straight to its link
    assert link.text.startswith("Here's your checkout link for *Founding price, monthly* ($29 / month)")
    call = stripe_fake.calls_to("POST", "/v1/checkout/sessions")[-1]
    assert call.params["metadata"]["founding"] == "1"


async def test_open_founding_until_a_date_closes_by_itself_and_tells_the_creator_once(
    paid_app: App, webhook: TestClient, stripe_fake: FakeStripe, memory: MemoryPlatform, clock: FakeClock
) -> None:
    await memory.command("creator", "doors", "close")
    await newcomer(paid_app, memory, "u1", "Ann")
    await memory.command("u1", "join")  # on the waitlist
    assert (await memory.command("creator", "doors", "open founding until 2026-11-27")).texts == [
        "The doors are open with the founding price. I'm inviting 1 person from the waitlist."
        " They close by themselves Fri 27 Nov, 23:59 CET."
    ]
    status = dict((await memory.command("creator", "doors")).replies[0][0].blocks[1].items)  # type: ignore[attr-defined]
    assert status["Doors"] == "Open, founding price for everyone who joins"
    assert status["Launch window"] == "closes by itself Fri 27 Nov, 23:59 CET"

    # Ann takes the founding price while the window is open.
    mid = await member_id(paid_app, "u1")
    meta = {"member_id": str(mid), "plan": "founding-monthly", "founding": "1"}
    stripe_fake.set_subscription("sub_f", status="active", price="price_founding_monthly_sample", metadata=meta)
    await deliver(paid_app, webhook, stripe_fake, stripe_fake.checkout_completed(member_id=mid, subscription="sub_f"))
    memory.sent.clear()

    clock.advance(timedelta(days=7, hours=11))  # Fri 27 Nov 23:00 UTC: past 23:59 in Oslo
    await paid_app.services.billing.run_doors()
    await paid_app.services.billing.run_doors()  # a rerun changes nothing and says nothing twice
    await paid_app.settle()
    assert texts(memory, "creator") == [
        "Your founding launch is over and the doors are closed: newcomers are no longer offered the founding price"
        " (founding members keep theirs). New people who /join go on the waitlist."
    ]
    await newcomer(paid_app, memory, "u3", "Cy")
    assert "you're number 1" in (await memory.command("u3", "join")).texts[0]
    membership = await membership_of(paid_app, "u1")
    assert membership is not None and membership.founding and membership.status == "active"
    assert memory.access[("W1", "u1")] == {"member", "founding"}


async def test_the_until_date_must_be_readable_ahead_and_within_a_year(paid_app: App, memory: MemoryPlatform) -> None:
    await memory.command("creator", "help")
    cases = {
        "open founding until soon": "I can't read “soon” as a date. Write it like 2026-11-27, or 2026-11-27 18:00.",
        "open until 2026-11-19": "That moment has already passed. Pick a later date for the doors to close.",
        "open until 2028-01-01": "That's more than a year away. Pick a date within the next year (or leave out `until`).",
        "open founding forever": "Use: /doors open [founding] [until 2026-11-27 [18:00]], /doors close or /doors cap N|off",
    }
    for args, error in cases.items():
        assert (await memory.command("creator", "doors", args)).texts == [error], args
    status = dict((await memory.command("creator", "doors")).replies[0][0].blocks[1].items)  # type: ignore[attr-defined]
    assert status["Doors"] == "Open" and status["Launch window"] == "none planned"  # nothing changed
    reply = await memory.command("creator", "doors", "open until 2026-11-21 18:00")
    assert reply.texts[0].endswith("They close by themselves Sat 21 Nov, 18:00 CET.")


# -- windows in community.toml --------------------------------------------------------------

WINDOWS = """
[[doors.windows]]
opens = 2026-11-23T09:00:00
closes = 2026-11-30T18:00:00
founding = true

[[doors.windows]]
opens = 2026-12-14T09:00:00
closes = 2026-12-15T09:00:00
"""


@pytest.fixture
async def windowed_app(
    sqlite_db: Database,
    paid_settings: Settings,
    clock: FakeClock,
    memory: MemoryPlatform,
    community_path: Path,
    tmp_path: Path,
) -> AsyncIterator[App]:
    path = tmp_path / "windowed"
    shutil.copytree(community_path, path)
    (path / "community.toml").write_text((path / "community.toml").read_text() + WINDOWS)
    application = await make_app(sqlite_db, paid_settings, clock, {"memory": memory}, path)
    yield application
    await application.stop()


async def test_windows_in_community_toml_open_and_close_the_doors_by_themselves(
    windowed_app: App, memory: MemoryPlatform, clock: FakeClock
) -> None:
    app = windowed_app
    await memory.command("creator", "doors", "close")
    status = dict((await memory.command("creator", "doors")).replies[0][0].blocks[1].items)  # type: ignore[attr-defined]
    assert status["Launch window"] == "next opens by itself Mon 23 Nov, 09:00 CET, with the founding price"
    await newcomer(app, memory, "u1", "Ann")
    assert "you're number 1" in (await memory.command("u1", "join")).texts[0]
    memory.sent.clear()

    clock.advance(timedelta(days=2, hours=20, minutes=5))  # Mon 23 Nov 08:05 UTC = 09:05 Oslo
    assert "billing.doors" in [job.name for job in all_jobs(app.services)]
    for _ in range(2):
        await app.services.billing.run_doors()
    await app.settle()
    assert texts(memory, "creator") == [
        "Your founding launch has opened the doors: everyone who joins now is offered the founding price. I'm"
        " inviting 1 person from the waitlist. They close by themselves Mon 30 Nov, 18:00 CET."
    ]
    [invite] = memory.dms_to("u1")
    assert button_actions(invite) == ["billing.checkout:founding-monthly"]
    await newcomer(app, memory, "u2", "Bo")
    link = (await memory.command("u2", "join")).replies[0][0]
    assert link.text.startswith("Here's your checkout link for *Founding price, monthly*")

    clock.advance(timedelta(days=7, hours=9))  # Mon 30 Nov 18:05 Oslo
    memory.sent.clear()
    await newcomer(app, memory, "u3", "Cy")
    # A /join between the closing time and the job's next run already finds the doors closed
    # (behind Ann, invited but never paid, who keeps her place).
    assert "you're number 2" in (await memory.command("u3", "join")).texts[0]
    await app.services.billing.run_doors()
    await app.settle()
    assert texts(memory, "creator") == [
        "Your founding launch is over and the doors are closed: newcomers are no longer offered the founding price"
        " (founding members keep theirs). New people who /join go on the waitlist."
        " The next window opens by itself Mon 14 Dec, 09:00 CET."
    ]

    # The second window is a regular one: the doors open without the founding price.
    clock.advance(timedelta(days=14))
    await app.services.billing.run_doors()
    await newcomer(app, memory, "u4", "Di")
    reply = (await memory.command("u4", "join")).replies[0][0]
    assert button_actions(reply) == ["billing.checkout:monthly", "billing.checkout:yearly"]


async def test_a_window_the_creator_closed_early_or_one_missed_while_down_does_not_reopen(
    windowed_app: App, memory: MemoryPlatform, clock: FakeClock
) -> None:
    app = windowed_app
    clock.advance(timedelta(days=3))  # Mon 23 Nov 13:00 Oslo: the founding window is on
    await app.services.billing.run_doors()
    await memory.command("creator", "doors", "close")
    clock.advance(timedelta(hours=1))
    await app.services.billing.run_doors()
    await newcomer(app, memory, "u1", "Ann")
    assert "you're number 1" in (await memory.command("u1", "join")).texts[0]

    clock.advance(timedelta(days=30))  # the bot was down through the whole second window
    memory.sent.clear()
    await app.services.billing.run_doors()
    await app.settle()
    assert texts(memory, "creator") == [] and texts(memory, "u1") == []
    status = dict((await memory.command("creator", "doors")).replies[0][0].blocks[1].items)  # type: ignore[attr-defined]
    assert status["Doors"] == "Closed" and status["Launch window"] == "none planned"


def test_a_window_closes_after_it_opens() -> None:
    with pytest.raises(ValidationError, match="a window closes after it opens"):
        DoorWindow(opens=datetime(2027, 1, 2), closes=datetime(2027, 1, 1))
    with pytest.raises(ValidationError, match="both with a UTC offset or both without"):
        DoorWindow(opens=datetime(2027, 1, 1), closes=datetime(2027, 1, 2, tzinfo=UTC))
