"""A wrong intake answer names its question and keeps the other answers: the form opens again
with them filled in and only that question to answer; where a form cannot open again (a Slack or
Discord modal), a time zone the bot does not know is left out and the rest is saved."""

from __future__ import annotations

from sqlalchemy import select

from bot.app import App
from bot.events import ActionClicked, FormSubmitted
from bot.platforms.memory import MemoryPlatform, MemoryResponder
from storage.models import Member, MemberPreferences
from tests.onboarding.test_onboarding import GOOD


async def saved(app: App) -> tuple[Member, MemberPreferences]:
    async with app.database.session() as session:
        member = await session.scalar(select(Member).where(Member.role == "member"))
        prefs = await session.get(MemberPreferences, member.id)
    assert member is not None and prefs is not None
    return member, prefs


async def submit_to_a_modal(memory: MemoryPlatform, values: dict[str, str]) -> MemoryResponder:
    """A submission answered with a message only, as Slack and Discord answer a modal's."""
    responder = MemoryResponder(can_open_forms=False)
    await memory.emit(
        FormSubmitted(
            user=memory.user("u1"), form_id="onboard.intake", values=values, event_id="modal-1", responder=responder
        )
    )
    return responder


async def test_a_bad_time_zone_opens_the_form_again_with_the_other_answers_kept(
    app: App, memory: MemoryPlatform
) -> None:
    reply = await memory.submit("u1", "onboard.intake", {**GOOD, "timezone": "Mars/Olympus"})
    assert reply.texts == [
        "I don't know the time zone “Mars/Olympus”. Use a name like Europe/Oslo or America/New_York."
    ]
    [form] = reply.forms
    initial = {f.name: f.initial for f in form.fields}
    assert initial == {**GOOD, "timezone": "Europe/Oslo"}  # the one to answer again starts afresh
    member, prefs = await saved(app)
    assert member.level is None and prefs.intake_done_at is None


async def test_a_too_long_answer_names_its_question_and_only_it_starts_empty(app: App, memory: MemoryPlatform) -> None:
    reply = await memory.submit("u1", "onboard.intake", {**GOOD, "why": "y" * 600})
    assert reply.texts[0].startswith("Your answer to “Why did you join?” is a bit long")
    [form] = reply.forms
    assert {f.name: f.initial for f in form.fields} == {**GOOD, "why": ""}


async def test_an_answer_nothing_of_which_can_be_seen_is_no_answer(app: App, memory: MemoryPlatform) -> None:
    """Found as an outsider: zero-width spaces passed for "why", and an unclosed right-to-left
    override in "goal" reached the creator's DM, flipping what followed it."""
    reply = await memory.submit("u1", "onboard.intake", {**GOOD, "why": "\u200b\u200b \u2060"})
    assert reply.texts[0].startswith("Please answer the question “Why did you join?”")
    member, _ = await saved(app)
    assert member.level is None
    await memory.submit("u1", "onboard.intake", {**GOOD, "goal": "\u202eTen clients by June"})
    await app.settle()
    [intro] = [
        m
        for m in memory.dms_to("creator")
        if "Ten clients by June" in m.text or any("Ten clients by June" in getattr(b, "text", "") for b in m.blocks)
    ]
    assert "\u202e" not in intro.text and all("\u202e" not in getattr(b, "text", "") for b in intro.blocks)


async def test_in_a_modal_a_bad_time_zone_keeps_the_other_answers_and_the_members_zone(
    app: App, memory: MemoryPlatform
) -> None:
    reply = await submit_to_a_modal(memory, {**GOOD, "timezone": "Mars/Olympus"})
    assert reply.texts[0] == (
        "I don't know the time zone “Mars/Olympus”, so I kept Europe/Oslo; your other answers are saved. "
        "Change it any time with /prefs timezone Europe/Oslo."
    )
    assert reply.texts[1] == "Thank you! I've set you up for level 2. Here's where to start:"
    member, prefs = await saved(app)
    assert (member.level, member.timezone, prefs.answers["goal"]) == (2, None, GOOD["goal"])


async def test_in_a_modal_any_other_wrong_answer_names_its_question_and_saves_nothing(
    app: App, memory: MemoryPlatform
) -> None:
    reply = await submit_to_a_modal(memory, {**GOOD, "goal": "g" * 501})
    assert reply.texts == [
        "Your answer to “What do you want to achieve in the next 3 months?” is a bit long: "
        "please keep it under 500 characters."
    ]
    member, prefs = await saved(app)
    assert member.level is None and prefs.intake_done_at is None


async def test_where_the_form_cannot_open_the_member_is_told_to_try_again_not_promised_a_chat(
    app: App, memory: MemoryPlatform
) -> None:
    """Found as an outsider: the fallback promised questions "one by one" by message, which only the
    console does; on Slack and Discord typing /start opens the same form."""
    responder = MemoryResponder(can_open_forms=False)
    await memory.emit(
        ActionClicked(user=memory.user("u1"), action_id="onboard.intake", event_id="click-1", responder=responder)
    )
    assert responder.texts == ["I couldn't open the questions just now. Type `/start` to try again."]
