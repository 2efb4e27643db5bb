"""A form the bot turns down comes back as it was sent: the refusal carries a button that opens the
same form again, filled in, for the person who sent it, for a day (bot/services/form_drafts.py)."""

from __future__ import annotations

from datetime import timedelta

from bot.app import App
from bot.clock import FakeClock
from bot.events import ActionClicked
from bot.messages import Buttons, Form, OutboundMessage
from bot.platforms.memory import MemoryPlatform, MemoryResponder

SESSION = {
    "title": "Pricing clinic, round two",
    "date": "2026-11-30",
    "time": "25:00",  # no such time: turned down
    "zone": "Europe/Oslo",
    "duration": "45",
    "link": "https://meet.example.com/clinic",
    "description": "Bring one price you are unsure of.",
}


def again_button(message: OutboundMessage) -> str:
    [action] = [b.action_id for block in message.blocks if isinstance(block, Buttons) for b in block.buttons]
    return action


def filled(form: Form) -> dict[str, str]:
    return {f.name: f.initial for f in form.fields}


async def refused_schedule(memory: MemoryPlatform) -> OutboundMessage:
    opened = await memory.command("creator", "live", "schedule")
    assert [f.form_id for f in opened.forms] == ["qa.schedule"]
    sent = await memory.submit("creator", "qa.schedule", SESSION)
    [(message, ephemeral)] = sent.replies
    assert ephemeral and "Scheduled" not in message.text
    return message


async def test_the_refusal_opens_the_form_again_holding_what_was_sent(app: App, memory: MemoryPlatform) -> None:
    message = await refused_schedule(memory)
    assert [b.label for block in message.blocks if isinstance(block, Buttons) for b in block.buttons] == [
        "Change it and send again"
    ]

    reopened = await memory.click("creator", again_button(message))
    [form] = reopened.forms
    assert form.form_id == "qa.schedule" and filled(form) == SESSION
    assert reopened.replies == []

    fixed = await memory.submit("creator", "qa.schedule", filled(form) | {"time": "17:00"})
    assert any(t.startswith("Scheduled #1 *Pricing clinic, round two* for Mon 30 Nov, 17:00 CET") for t in fixed.texts)


async def test_nobody_else_gets_the_form_and_it_is_forgotten_after_a_day(
    app: App, memory: MemoryPlatform, clock: FakeClock
) -> None:
    button = again_button(await refused_schedule(memory))
    await memory.join("u1", "Mallory")
    stranger = await memory.click("u1", button)
    assert stranger.forms == [] and stranger.texts == [
        "I no longer have that form (they're kept for a day). Please start again from the command."
    ]

    clock.advance(timedelta(days=1, minutes=1))
    late = await memory.click("creator", button)
    assert late.forms == [] and "start again from the command" in late.texts[0]


async def test_a_form_this_process_never_opened_is_refused_without_a_button(app: App, memory: MemoryPlatform) -> None:
    sent = await memory.submit("creator", "qa.schedule", SESSION)  # opened before a restart, say
    [(message, _)] = sent.replies
    assert not any(isinstance(block, Buttons) for block in message.blocks)


async def test_an_interaction_that_cannot_open_a_form_says_so(app: App, memory: MemoryPlatform) -> None:
    button = again_button(await refused_schedule(memory))
    cannot = MemoryResponder(can_open_forms=False)  # as a click replayed after a restart
    await memory.emit(ActionClicked(user=memory.user("creator"), action_id=button, event_id="e-1", responder=cannot))
    assert cannot.texts == ["I can't open the form from here. Please start again from the command."]
