"""The creator trying their own FAQ: shown what a member would get, with nothing recorded and no
offer to ask themselves (found by an outsider: "Shall I ask Jonas?" to Jonas, whose click put
"Jonas has a question for you" in his own inbox and counted as an FAQ miss)."""

from __future__ import annotations

from bot.app import App
from bot.events import ChannelRef, MessagePosted
from bot.messages import Buttons, OutboundMessage
from bot.platforms.memory import MemoryPlatform

from .test_faq_answers import INVOICES, OFF_TOPIC, asked, small_print, text_of
from .test_faq_suggestions import VAGUE, entry

UNKNOWN = (
    "I don't know that one yet. A member who asks it is offered to ask you, and the question reaches your "
    "`/faq inbox`. `/faq add` adds an entry that answers it."
)


def buttons(message: OutboundMessage) -> list[str]:
    return [b.action_id for block in message.blocks if isinstance(block, Buttons) for b in block.buttons]


async def test_the_creator_gets_the_answer_a_member_would_without_buttons_to_rate(
    app: App, memory: MemoryPlatform
) -> None:
    reply = await memory.command("creator", "ask", INVOICES)
    [message] = [m for m, _ in reply.replies]
    invoices = await entry(app, "receipts-and-invoices")
    assert message.text == invoices.answer
    assert small_print(message) == f"Source: FAQ “{invoices.question}”"
    assert buttons(message) == []
    assert await asked(app) == []  # not a member's question: no inbox line, no /stats figure


async def test_the_creator_is_not_offered_to_ask_themselves(app: App, memory: MemoryPlatform) -> None:
    reply = await memory.command("creator", "ask", OFF_TOPIC)
    [message] = [m for m, _ in reply.replies]
    assert message.text == UNKNOWN and buttons(message) == []
    vague = await memory.command("creator", "ask", VAGUE)
    [shown] = [m for m, _ in vague.replies]
    guidelines = await entry(app, "community-guidelines")
    assert shown.text == UNKNOWN and buttons(shown) == []
    assert f"A member would also be offered these entries to pick from: “{guidelines.question}”" in text_of(shown)
    assert await asked(app) == []
    inbox = await memory.command("creator", "faq", "inbox")
    assert inbox.texts == ["Your FAQ inbox is empty: every question has an answer. 🎉"]


async def test_a_members_question_is_still_recorded_and_offered_to_the_creator(
    app: App, memory: MemoryPlatform
) -> None:
    reply = await memory.command("alice", "ask", OFF_TOPIC)
    [row] = await asked(app)
    assert buttons(reply.replies[0][0]) == [f"faq.forward:{row.id}"]


async def test_the_creators_dm_is_answered_once_when_the_same_message_arrives_twice(
    app: App, memory: MemoryPlatform
) -> None:
    await memory.command("creator", "help")
    ref = memory.user("creator")
    where = ChannelRef(memory.name, ref.workspace_id, "D-creator", is_dm=True)
    for event_id in ("ev-1", "ev-2"):  # the same message, delivered twice under two event ids
        await memory.emit(MessagePosted(user=ref, channel=where, text=INVOICES, message_id="m-1", event_id=event_id))
    await app.settle()
    answer = (await entry(app, "receipts-and-invoices")).answer
    assert [m.text for m in memory.dms_to("creator")].count(answer) == 1
    assert await asked(app) == []
