"""INTERACTION_CREATE payloads fed to discord.py (command tree attached) -> neutral events, and
replies that travel back through the interaction callback / follow-up webhook on the fake."""

from __future__ import annotations

from typing import Any

from bot.events import ActionClicked, CommandInvoked, Event, FormSubmitted
from bot.messages import Form, FormField, text_message
from bot.platforms.discord.adapter import DiscordPlatform
from bot.testing.fake_discord import APPLICATION_ID, GUILD_ID, FakeDiscord
from tests.kits.discord import Recorder, StartAdapter

from . import payloads

CALLBACK = r"/interactions/\d+/[^/]+/callback"
FOLLOWUP = rf"/webhooks/{APPLICATION_ID}/[^/]+"


def feed(adapter: DiscordPlatform, payload: dict[str, Any]) -> None:
    adapter.client._connection.parse_interaction_create(payload)  # type: ignore[arg-type]


async def reply_with(event: Event, text: str = "Here you go", *, ephemeral: bool = True) -> None:
    assert event.responder is not None
    await event.responder.reply(text_message(text), ephemeral=ephemeral)


async def test_slash_command_is_deferred_then_answered_through_the_followup_webhook(
    started: tuple[DiscordPlatform, Recorder], fake: FakeDiscord
) -> None:
    adapter, recorder = started
    recorder.handler = reply_with
    payload = payloads.slash("library", "pricing", locale="no")
    feed(adapter, payload)

    [event] = await recorder.wait()
    assert isinstance(event, CommandInvoked)
    assert (event.name, event.args, event.event_id, event.user.locale) == ("library", "pricing", payload["id"], "nb")
    assert event.user.user_id == "940000000000000001" and event.user.display_name == "Dana Smith"

    [followup] = await fake.wait_for("POST", FOLLOWUP)
    [callback] = fake.requests("POST", CALLBACK)
    assert callback.path == f"/interactions/{payload['id']}/{payload['token']}/callback"
    assert callback.body == {"type": 5, "data": {"flags": 64}}  # deferred, ephemeral: sent before the handler ran
    assert fake.calls.index(callback) < fake.calls.index(followup)
    assert followup.path.endswith(payload["token"]) and followup.body["content"] == "Here you go"
    assert followup.body["flags"] & 64  # ephemeral


async def test_a_fast_handler_answers_in_the_first_response_without_deferring(
    fake: FakeDiscord, start_adapter: StartAdapter
) -> None:
    adapter, recorder = await start_adapter(defer_after=2.5)
    recorder.handler = lambda event: reply_with(event, "Quick", ephemeral=False)
    feed(adapter, payloads.slash("help"))

    [callback] = await fake.wait_for("POST", CALLBACK)
    assert callback.body["type"] == 4 and callback.body["data"]["content"] == "Quick"
    assert "flags" not in callback.body["data"] or not callback.body["data"]["flags"] & 64
    assert fake.requests("POST", FOLLOWUP) == []


async def test_a_handler_can_open_a_modal_as_the_first_response(fake: FakeDiscord, start_adapter: StartAdapter) -> None:
    adapter, recorder = await start_adapter(defer_after=2.5)
    opened: list[bool] = []

    async def ask(event: Event) -> None:
        assert event.responder is not None
        opened.append(
            await event.responder.open_form(
                Form("qa.ask", "Ask Maya", (FormField("question", "Question", "multiline"),))
            )
        )

    recorder.handler = ask
    feed(adapter, payloads.slash("help"))
    [callback] = await fake.wait_for("POST", CALLBACK)
    await recorder.wait()
    assert opened == [True]
    assert callback.body["type"] == 9 and callback.body["data"]["custom_id"] == "qa.ask"


async def test_once_deferred_a_form_cannot_open_and_the_handler_is_told(
    started: tuple[DiscordPlatform, Recorder], fake: FakeDiscord
) -> None:
    adapter, recorder = started  # defer_after=0: defers before the handler runs
    results: list[bool] = []

    async def ask(event: Event) -> None:
        results.append(await event.responder.open_form(Form("qa.ask", "Ask", (FormField("q", "Q"),))))  # type: ignore[union-attr]
        await reply_with(event, "Use /ask with your question instead")

    recorder.handler = ask
    feed(adapter, payloads.slash("help"))
    await fake.wait_for("POST", FOLLOWUP)
    assert results == [False]
    assert [c.body["type"] for c in fake.requests("POST", CALLBACK)] == [5]


async def test_button_in_a_dm_after_a_restart_dispatches_action_clicked(
    started: tuple[DiscordPlatform, Recorder], fake: FakeDiscord
) -> None:
    adapter, recorder = started  # a fresh client: nothing was stored for this message
    recorder.handler = reply_with
    payload = payloads.button_click("content.next")
    feed(adapter, payload)
    [event] = await recorder.wait()
    assert isinstance(event, ActionClicked)
    assert (event.action_id, event.value, event.channel.is_dm) == ("content.next", "", True)
    await fake.wait_for("POST", FOLLOWUP)
    [callback] = fake.requests("POST", CALLBACK)
    assert callback.body == {"type": 5, "data": {"flags": 64}}


async def test_button_value_and_select_choice(started: tuple[DiscordPlatform, Recorder]) -> None:
    adapter, recorder = started
    feed(adapter, payloads.button_click("qa.rsvp:42 maybe", guild_id=GUILD_ID))
    feed(adapter, payloads.select_choice("qa.topic", "hiring"))
    events = await recorder.wait(2)
    assert sorted((e.action_id, e.value) for e in events) == [("qa.rsvp:42", "maybe"), ("qa.topic", "hiring")]  # type: ignore[attr-defined]


async def test_a_click_with_no_reply_is_acknowledged_silently(fake: FakeDiscord, start_adapter: StartAdapter) -> None:
    adapter, _ = await start_adapter(defer_after=2.5)
    feed(adapter, payloads.button_click("content.next"))
    [callback] = await fake.wait_for("POST", CALLBACK)
    assert callback.body == {"type": 6}  # deferred update: no "interaction failed", no empty message


async def test_foreign_custom_ids_are_ignored(started: tuple[DiscordPlatform, Recorder], fake: FakeDiscord) -> None:
    adapter, recorder = started
    feed(adapter, payloads.button_click("Some Other Bot:button"))
    feed(adapter, payloads.button_click("help.show"))
    [event] = await recorder.wait()
    assert event.action_id == "help.show"  # type: ignore[attr-defined]


async def test_modal_submit_dispatches_form_submitted(
    started: tuple[DiscordPlatform, Recorder], fake: FakeDiscord
) -> None:
    adapter, recorder = started
    recorder.handler = reply_with
    feed(adapter, payloads.modal_submit("qa.ask", {"question": "How do I raise prices?", "when": "Thursday"}))
    [event] = await recorder.wait()
    assert isinstance(event, FormSubmitted)
    assert (event.form_id, dict(event.values), event.user.locale) == (
        "qa.ask",
        {"question": "How do I raise prices?", "when": "Thursday"},
        "nb",
    )
    await fake.wait_for("POST", FOLLOWUP)


async def test_autocomplete_suggests_topics(fake: FakeDiscord, start_adapter: StartAdapter) -> None:
    async def topics(current: str) -> list[str]:
        return [t for t in ("pricing", "positioning", "hiring") if t.startswith(current)]

    adapter, _ = await start_adapter(suggest={"library": topics})
    feed(adapter, payloads.autocomplete("library", "p"))
    [callback] = await fake.wait_for("POST", CALLBACK)
    assert callback.body == {
        "type": 8,
        "data": {"choices": [{"name": "pricing", "value": "pricing"}, {"name": "positioning", "value": "positioning"}]},
    }


async def test_interactions_from_another_guild_are_ignored(
    started: tuple[DiscordPlatform, Recorder], fake: FakeDiscord
) -> None:
    adapter, recorder = started
    feed(adapter, payloads.button_click("help.show", guild_id="900000000000000777"))
    feed(adapter, payloads.button_click("content.next"))
    [event] = await recorder.wait()
    assert event.action_id == "content.next"  # type: ignore[attr-defined]


async def test_a_file_reply_is_uploaded_with_the_interaction_answer(
    fake: FakeDiscord, start_adapter: StartAdapter
) -> None:
    from bot.messages import Attachment, OutboundMessage

    adapter, recorder = await start_adapter(defer_after=2.5)

    async def chart(event: Event) -> None:
        assert event.responder is not None
        await event.responder.reply(
            OutboundMessage(text="Your numbers", attachment=Attachment("stats.png", b"\x89PNG-bytes", "image/png"))
        )

    recorder.handler = chart
    feed(adapter, payloads.slash("help"))
    [callback] = await fake.wait_for("POST", CALLBACK)
    assert callback.files == ["stats.png"]  # sent as multipart with the answer, in one request
    assert callback.body["type"] == 4 and callback.body["data"]["flags"] & 64  # private, like the reply
