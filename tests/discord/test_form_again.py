"""On Discord, through the gateway payloads and the fake REST API: a modal can't show an error, so
a refusal comes as a reply with a button, and the button opens the modal again holding what was typed."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.app import App
from bot.clock import FakeClock
from bot.platforms.discord.adapter import DiscordPlatform
from bot.settings import Settings
from bot.testing.fake_discord import FakeDiscord
from storage.database import Database
from tests.conftest import make_app
from tests.kits.community import edited_copy
from tests.kits.discord import Recorder, build_adapter, observe

from . import payloads

CREATOR = "940000000000000009"
CALLBACK = r"/interactions/\d+/[^/]+/callback"
TYPED = {"title": "Hot seats", "date": "2026-11-30", "time": "25:00"}


@pytest.fixture
async def running(
    sqlite_db: Database, settings: Settings, clock: FakeClock, community_path: Path, fake: FakeDiscord, tmp_path: Path
) -> AsyncIterator[tuple[App, DiscordPlatform, Recorder]]:
    folder = edited_copy(community_path, tmp_path, lambda t: t.replace('"memory:creator"', f'"discord:{CREATOR}"'))
    # A modal can open only as the first response, so nothing is deferred before the handler answers.
    adapter = build_adapter(fake, defer_after=2.5, commands={"help": "What membot can do", "live": "Live Q&A"})
    app = await make_app(sqlite_db, settings, clock, {"discord": adapter}, folder)
    recorder = observe(adapter, app.router.dispatch, payloads.guild())
    yield app, adapter, recorder
    await app.stop()


def modal_values(body: dict[str, Any]) -> dict[str, str]:
    """What each text input of a modal callback (type 9) holds, by custom_id."""
    inputs = [row["component"] for row in body["data"]["components"]]
    return {i["custom_id"]: i["value"] for i in inputs if i.get("type") == 4 and i.get("value")}


def buttons(body: dict[str, Any]) -> list[tuple[str, str]]:
    rows = body["data"].get("components", [])
    return [(c["custom_id"], c["label"]) for row in rows for c in row["components"] if c["type"] == 2]


async def refused(adapter: DiscordPlatform, recorder: Recorder, fake: FakeDiscord) -> tuple[dict[str, str], Any]:
    """The creator opens `/live schedule` and sends it with a time the bot can't read: what was sent,
    and the interaction response that refused it."""
    state = adapter.client._connection
    state.parse_interaction_create(payloads.slash("live", "schedule", user_id=CREATOR))  # type: ignore[arg-type]
    [opened] = await fake.wait_for("POST", CALLBACK)
    assert opened.body["type"] == 9, opened.body
    assert opened.body["data"]["custom_id"] == "qa.schedule"
    filled = {**modal_values(opened.body), **TYPED}  # what the form showed (zone, duration), plus what was typed
    state.parse_interaction_create(payloads.modal_submit("qa.schedule", filled, user_id=CREATOR))  # type: ignore[arg-type]
    await recorder.wait(2)
    return filled, fake.requests("POST", CALLBACK)[-1].body


async def test_a_refused_modal_comes_back_filled_in(
    running: tuple[App, DiscordPlatform, Recorder], fake: FakeDiscord
) -> None:
    _, adapter, recorder = running
    filled, refusal = await refused(adapter, recorder, fake)
    assert refusal["type"] == 4 and "25:00" in str(refusal["data"])
    # The fake's modal submissions come from a Norwegian client, and the refusal speaks it.
    assert ("form.again:qa.schedule", "Endre og send på nytt") in buttons(refusal)

    click = payloads.button_click("form.again:qa.schedule", user_id=CREATOR)
    adapter.client._connection.parse_interaction_create(click)  # type: ignore[arg-type]
    await recorder.wait(3)
    again = fake.requests("POST", CALLBACK)[-1].body
    assert again["type"] == 9 and again["data"]["custom_id"] == "qa.schedule"
    assert modal_values(again) == filled


async def test_another_person_gets_no_form_back(
    running: tuple[App, DiscordPlatform, Recorder], fake: FakeDiscord
) -> None:
    _, adapter, recorder = running
    await refused(adapter, recorder, fake)
    adapter.client._connection.parse_interaction_create(payloads.button_click("form.again:qa.schedule"))  # type: ignore[arg-type]
    await recorder.wait(3)
    answer = fake.requests("POST", CALLBACK)[-1].body
    assert answer["type"] != 9 and "Hot seats" not in str(answer)
