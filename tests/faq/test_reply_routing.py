"""Replies go to people: a DM within a day of a check-in or a personal note reaches the creator, not the FAQ.

Driven through the real app on the memory platform with a fake clock: the invitation is a
message the outbox has *sent*; the member's DM becomes a reply in the creator's inbox, the
member is told it was passed on, and the creator's answer goes back to them.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from sqlalchemy import func, select

from bot.app import App
from bot.events import ChannelRef, MessagePosted
from bot.messages import Buttons, OutboundMessage
from bot.platforms.memory import MemoryPlatform
from bot.services.engagement import NudgePolicy, NudgeStage
from bot.services.faq.replies import REPLY_WINDOW, inbound_key
from storage.models import FaqQuestion, MemberReply, OutboxMessage
from tests.kits.members import become_member, member_id

SWAMPED = "honestly I've been swamped"
CANCEL = "How do I cancel my membership?"
NOTE = "Hi Dana, we miss you at the Thursday live!"
ACK = "Thanks, I've passed this on to Maya, who'll reply here. (For a quick answer from the FAQ, use `/ask`.)"


def text_of(message: OutboundMessage) -> str:
    return "\n".join([message.text, *(getattr(b, "text", "") or "" for b in message.blocks)])


def actions(message: OutboundMessage) -> list[str]:
    return [b.action_id for block in message.blocks if isinstance(block, Buttons) for b in block.buttons if b.action_id]


def replies_to_creator(memory: MemoryPlatform) -> list[OutboundMessage]:
    return [m for m in memory.dms_to("creator") if " replied to " in m.text]


async def count(app: App, model: type) -> int:  # type: ignore[type-arg]
    async with app.database.session() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def reply_rows(app: App) -> list[MemberReply]:
    async with app.database.session() as session:
        return list((await session.scalars(select(MemberReply).order_by(MemberReply.id))).all())


async def dm(app: App, memory: MemoryPlatform, user: str, text: str) -> None:
    await memory.post(user, text, channel=f"D-{user}")
    await app.settle()


async def checked_in(app: App, memory: MemoryPlatform, user: str = "u1", name: str = "Dana Smith") -> None:
    """A member whose day-1 check-in (the personal-note kind) has just been sent."""
    await memory.command("creator", "help")  # the creator's account exists
    await become_member(memory, user, name)
    app.services.engagement.nudges.policy = NudgePolicy(stages=(NudgeStage(1, "note"),))
    await app.advance_time(timedelta(days=1))
    [note] = [m for m in memory.dms_to(user) if m.text.startswith("A personal note from")]
    assert "Just reply here" in text_of(note)


async def sent_note(app: App, memory: MemoryPlatform, *, deliver: bool = True) -> int:
    """The creator's one-click note from `/members at-risk` (its form), to Dana."""
    await memory.command("creator", "help")
    await become_member(memory, "u1", "Dana Smith")
    dana = await member_id(app, "u1")
    opened = await memory.click("creator", f"analytics.note:{dana}")
    assert opened.forms[0].form_id == "analytics.note"
    sent = await memory.submit("creator", "analytics.note", {"member_id": str(dana), "note": NOTE})
    assert sent.texts[0].startswith("Sent to Dana Smith.")
    if deliver:
        await app.settle()
    return dana


# -- a reply to a check-in -------------------------------------------------------------------


async def test_a_reply_to_a_check_in_reaches_the_creator_not_the_faq(app: App, memory: MemoryPlatform) -> None:
    await checked_in(app, memory)
    before = len(memory.dms_to("u1"))

    await dm(app, memory, "u1", SWAMPED)

    [notice] = replies_to_creator(memory)
    [row] = await reply_rows(app)
    assert notice.text == "Dana Smith replied to your day-1 check-in"
    assert f"> {SWAMPED}" in text_of(notice)
    assert "Replying to: “A personal note from Maya Lindqvist”" in text_of(notice)
    assert actions(notice) == [f"reply.answer:{row.id}", f"reply.done:{row.id}", "faq.inbox"]
    [ack] = memory.dms_to("u1")[before:]  # the acknowledgement and nothing else: no FAQ answer, no "I don't know"
    assert ack.text == ACK
    assert await count(app, FaqQuestion) == 0
    assert (row.text, row.status, row.invited_by.startswith("nudge:day-1:member:")) == (SWAMPED, "open", True)

    inbox = await memory.command("creator", "faq", "inbox")
    assert inbox.texts[0] == "1 reply from a member waiting"
    listed = text_of(inbox.replies[0][0])
    assert f"*R{row.id}* · Dana Smith" in listed and "to your day-1 check-in" in listed and SWAMPED in listed
    assert inbox.texts[1] == "No FAQ questions are waiting."  # not "your inbox is empty" under a list of replies


async def test_after_the_window_a_dm_goes_to_the_faq_again(app: App, memory: MemoryPlatform) -> None:
    await checked_in(app, memory)
    assert timedelta(hours=24) == REPLY_WINDOW
    await app.advance_time(timedelta(hours=25))
    before = len(memory.dms_to("u1"))

    await dm(app, memory, "u1", CANCEL)

    assert replies_to_creator(memory) == [] and await reply_rows(app) == []
    [question] = await _questions(app)
    assert (question.question, question.status, question.place["via"]) == (CANCEL, "answered", "dm")
    [answer] = memory.dms_to("u1")[before:]
    assert answer.text != ACK and f"faq.up:{question.id}" in actions(answer)


async def test_a_redelivered_message_is_forwarded_once(app: App, memory: MemoryPlatform) -> None:
    await checked_in(app, memory)
    user = memory.user("u1")
    event = MessagePosted(
        user=user,
        channel=ChannelRef("memory", user.workspace_id, "D-u1", is_dm=True),
        text=SWAMPED,
        message_id="1733.0001",
        event_id="ev-1",
    )
    await memory.emit(event)
    await memory.emit(event)  # the same delivery: the router drops it
    await memory.emit(replace(event, event_id="ev-2"))  # the same message under another event id: our key holds
    await app.settle()

    assert len(replies_to_creator(memory)) == 1
    assert [m.text for m in memory.dms_to("u1")].count(ACK) == 1
    assert len(await reply_rows(app)) == 1 and await count(app, FaqQuestion) == 0
    async with app.database.session() as session:
        keys = (
            await session.scalars(select(OutboxMessage.dedupe_key).where(OutboxMessage.dedupe_key.like("reply:%")))
        ).all()
    named = inbound_key("memory:W1:D-u1:1733.0001")  # the inbound message, as a digest
    assert sorted(keys) == [f"{named}:ack", f"{named}:creator:{await member_id(app, 'creator')}"]


async def test_commands_channel_posts_and_other_members_still_reach_the_faq(app: App, memory: MemoryPlatform) -> None:
    await checked_in(app, memory)
    await become_member(memory, "u2", "Eli Park")  # never checked in on

    asked = await memory.command("u1", "ask", CANCEL)  # /ask is always for the FAQ
    await memory.post("u1", "morning all, back at it", channel="general")
    await dm(app, memory, "u2", CANCEL)

    assert await reply_rows(app) == [] and replies_to_creator(memory) == []
    assert [q.question for q in await _questions(app)] == [CANCEL, CANCEL]
    assert "faq.up:" in " ".join(actions(asked.replies[0][0]))


async def test_an_over_long_reply_is_refused_and_changes_nothing(app: App, memory: MemoryPlatform) -> None:
    await checked_in(app, memory)
    await dm(app, memory, "u1", "word " * 1000)
    assert await reply_rows(app) == [] and replies_to_creator(memory) == []
    assert await count(app, FaqQuestion) == 0


async def test_a_member_who_left_after_the_check_in_still_reaches_the_creator(app: App, memory: MemoryPlatform) -> None:
    await checked_in(app, memory)
    await memory.leave("u1")
    await dm(app, memory, "u1", "I left because the timing was wrong for me")
    [notice] = replies_to_creator(memory)
    assert "I left because the timing" in text_of(notice)


# -- the creator's personal note -------------------------------------------------------------


async def test_a_reply_to_a_personal_note_reaches_the_creator(app: App, memory: MemoryPlatform) -> None:
    await sent_note(app, memory)
    assert "just reply here" in text_of(memory.dms_to("u1")[-1])

    await dm(app, memory, "u1", SWAMPED)

    [notice] = replies_to_creator(memory)
    assert notice.text == "Dana Smith replied to your personal note"
    assert f"Replying to: “{NOTE}”" in text_of(notice)
    assert memory.dms_to("u1")[-1].text == ACK
    assert await count(app, FaqQuestion) == 0


async def test_a_note_still_queued_captures_nothing(app: App, memory: MemoryPlatform) -> None:
    await sent_note(app, memory, deliver=False)  # in the outbox, not yet sent

    await dm(app, memory, "u1", CANCEL)  # this delivers the note too, after the DM was handled

    assert await reply_rows(app) == [] and replies_to_creator(memory) == []
    assert [q.question for q in await _questions(app)] == [CANCEL]
    await dm(app, memory, "u1", SWAMPED)  # the note is sent now: this one is a reply
    assert len(replies_to_creator(memory)) == 1 and len(await _questions(app)) == 1


# -- the creator answers ---------------------------------------------------------------------


async def test_the_creators_answer_reaches_the_member_who_may_answer_back(app: App, memory: MemoryPlatform) -> None:
    await checked_in(app, memory)
    await dm(app, memory, "u1", SWAMPED)
    [row] = await reply_rows(app)
    await app.advance_time(timedelta(hours=20))

    refused = await memory.click("u1", f"reply.answer:{row.id}")
    assert "for the creator only" in refused.texts[0] and not refused.forms
    opened = await memory.click("creator", f"reply.answer:{row.id}")
    [form] = opened.forms
    assert form.form_id == "reply.answer" and {f.name: f.initial for f in form.fields}["reply_id"] == str(row.id)
    sent = await memory.submit(
        "creator", "reply.answer", {"reply_id": str(row.id), "answer": "No worries at all, see you Thursday?"}
    )
    await app.settle()

    assert sent.texts == ["Sent your answer to Dana Smith by direct message."]
    answer = memory.dms_to("u1")[-1]
    assert answer.text == "Maya replied\nNo worries at all, see you Thursday?"
    assert f"You wrote: “{SWAMPED}”" in text_of(answer) and "Just reply here to answer Maya." in text_of(answer)
    [row] = await reply_rows(app)
    assert (row.status, row.answer, row.answered_at) == (
        "answered",
        "No worries at all, see you Thursday?",
        app.clock.now(),
    )
    again = await memory.submit("creator", "reply.answer", {"reply_id": str(row.id), "answer": "again"})
    assert again.texts == [f"Reply R{row.id} has already been dealt with."]
    empty = await memory.command("creator", "faq", "inbox")
    assert len(empty.texts) == 1 and "FAQ inbox is empty" in empty.texts[0]

    await app.advance_time(timedelta(hours=10))  # past the check-in's day, within the answer's
    await dm(app, memory, "u1", "Yes! I'll be there")
    assert replies_to_creator(memory)[-1].text == "Dana Smith replied to your answer"


async def test_answer_by_command_close_and_friendly_errors(app: App, memory: MemoryPlatform) -> None:
    await checked_in(app, memory)
    await dm(app, memory, "u1", SWAMPED)
    await dm(app, memory, "u1", "and my kid was sick")
    first, second = await reply_rows(app)

    bad = await memory.command("creator", "faq", "reply twelve hello")
    unknown = await memory.command("creator", "faq", f"reply {second.id + 50} hello")
    blank = await memory.command("creator", "faq", f"reply R{first.id}    ")
    assert "isn't a reply number" in bad.texts[0]
    assert f"no reply number {second.id + 50}" in unknown.texts[0]
    assert blank.texts == ["The answer is empty. Nothing was sent."]
    assert all(r.status == "open" for r in await reply_rows(app))

    done = await memory.command("creator", "faq", f"reply R{first.id} Hope they feel better soon!")
    closed = await memory.click("creator", f"reply.done:{second.id}")
    await app.settle()
    assert done.texts == ["Sent your answer to Dana Smith by direct message."]
    assert closed.texts == ["Took Dana Smith's reply off your list."]
    assert [r.status for r in await reply_rows(app)] == ["answered", "closed"]
    assert memory.dms_to("u1")[-1].text == "Maya replied\nHope they feel better soon!"


async def _questions(app: App) -> list[FaqQuestion]:
    async with app.database.session() as session:
        return list((await session.scalars(select(FaqQuestion).order_by(FaqQuestion.id))).all())


async def test_a_yes_to_the_offer_to_ask_the_creator_is_not_taken_for_a_check_in_reply(
    app: App, memory: MemoryPlatform
) -> None:
    """Found as an outsider: within a day of a check-in, "yes" to "Shall I ask Maya?" reached Maya as
    a bare check-in reply, while the question stayed where it was and the member waited."""
    await checked_in(app, memory)
    offer = await memory.command("u1", "ask", "Tell me a joke about cats")
    assert "Shall I ask Maya" in offer.texts[0]
    await dm(app, memory, "u1", "yes")
    assert memory.dms_to("u1")[-1].text.startswith("Done: I've passed your question to Maya.")
    assert await reply_rows(app) == []
    async with app.database.session() as session:
        [question] = (await session.scalars(select(FaqQuestion))).all()
    assert question.status == "forwarded"
    # Anything else within the day is still a reply to the check-in.
    await dm(app, memory, "u1", SWAMPED)
    assert [row.text for row in await reply_rows(app)] == [SWAMPED]


# -- a reply to the welcome ------------------------------------------------------------------

POTTERY = "I joined to get better at selling my pottery online, super excited!"


async def welcomed(app: App, memory: MemoryPlatform) -> int:
    """Dana has just joined: the welcome DM ("…or just reply here") is sent."""
    await memory.command("creator", "help")
    await become_member(memory, "u1", "Dana Smith")
    await app.settle()
    assert any("just reply here" in text_of(m) for m in memory.dms_to("u1"))
    return len(memory.dms_to("u1"))


async def test_a_reply_to_the_welcome_the_faq_cannot_answer_reaches_the_creator(
    app: App, memory: MemoryPlatform
) -> None:
    before = await welcomed(app, memory)

    await dm(app, memory, "u1", POTTERY)

    [notice] = replies_to_creator(memory)
    assert notice.text == "Dana Smith replied to your welcome"
    assert f"> {POTTERY}" in text_of(notice)
    [ack] = memory.dms_to("u1")[before:]  # not "I don't know the answer to that one"
    assert ack.text == ACK
    [row] = await reply_rows(app)
    assert (row.text, row.invited_by.startswith("welcome:member:")) == (POTTERY, True)
    assert await count(app, FaqQuestion) == 0


async def test_a_question_in_reply_to_the_welcome_is_answered_from_the_faq(app: App, memory: MemoryPlatform) -> None:
    before = await welcomed(app, memory)

    await dm(app, memory, "u1", CANCEL)

    assert replies_to_creator(memory) == [] and await reply_rows(app) == []
    [question] = await _questions(app)
    assert question.status == "answered"
    [answer] = memory.dms_to("u1")[before:]
    assert f"faq.up:{question.id}" in actions(answer)


async def test_a_day_after_the_welcome_the_faq_says_it_does_not_know(app: App, memory: MemoryPlatform) -> None:
    await welcomed(app, memory)
    await app.advance_time(REPLY_WINDOW + timedelta(hours=1))
    before = len(memory.dms_to("u1"))

    await dm(app, memory, "u1", POTTERY)

    assert await reply_rows(app) == []
    [question] = await _questions(app)
    assert question.status == "unanswered"
    assert [m for m in memory.dms_to("u1")[before:] if f"faq.forward:{question.id}" in actions(m)]
