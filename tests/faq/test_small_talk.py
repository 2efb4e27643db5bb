"""Small talk to the bot ("thanks!", "hi", "ok") gets a friendly word, not "I don't know" and an inbox line;
a "yes" soon after the bot offered to pass a question on takes up the offer."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.app import App
from bot.clock import FakeClock
from bot.events import ChannelRef, MessagePosted
from bot.platforms.memory import MemoryPlatform
from bot.services.faq.small_talk import SmallTalk, small_talk
from storage.models import FaqQuestion

OFF_TOPIC = "Tell me a joke about cats"
INVOICES = "where do I get my invoices"


async def asked(app: App) -> list[FaqQuestion]:
    async with app.database.session() as session:
        return list((await session.scalars(select(FaqQuestion).order_by(FaqQuestion.id))).all())


async def dm(app: App, memory: MemoryPlatform, user: str, text: str) -> list[str]:
    """What the bot says back to a DM (after the outbox delivers)."""
    before = len(memory.dms_to(user))
    await memory.post(user, text, channel=f"D-{user}")
    await app.settle()
    return [m.text for m in memory.dms_to(user)[before:]]


@pytest.mark.parametrize(
    "text",
    [
        "thanks!",
        "Thank you so much 🙏",
        "ok",
        "👍",
        "hi",
        "hi Maya",
        "tusen takk",
        "dank je wel",
        "谢谢",
        "好的",
        "?",
        "??",
    ],
)
def test_greetings_thanks_and_acknowledgements_are_small_talk(text: str) -> None:
    assert small_talk(text, names=("Maya",)) is not None


@pytest.mark.parametrize(
    "text",
    [
        "pause?",
        "refund",
        "zoom link",
        "thanks, and how do I pause",
        "hi Bob",
        "ok but where is the replay",
        "退款",
        "2?",
    ],
)
def test_anything_that_may_ask_something_is_not(text: str) -> None:
    assert small_talk(text, names=("Maya",)) is None


def said(text: str) -> SmallTalk:
    found = small_talk(text)
    assert found is not None, text
    return found


def test_what_the_small_talk_says() -> None:
    assert said("Hei!") == said("god morgen") == said("你好") and said("hi").greeting
    assert said("yes please").yes and said("ja takk").yes and said("好的").yes
    assert not said("no thanks").yes and said("no thanks").thanks
    assert not said("不用了，谢谢").yes and not said("thanks").greeting
    assert said("no thanks").no and said("nei takk").no and not said("ok thanks").yes


async def test_small_talk_in_a_dm_is_answered_kindly_and_never_reaches_the_inbox(
    app: App, memory: MemoryPlatform
) -> None:
    assert await dm(app, memory, "alice", "thanks!") == [
        "You're welcome! 😊 Ask me anything else whenever it comes up."
    ]
    [greeting] = await dm(app, memory, "alice", "hi")
    assert greeting.startswith("Hi Alice!")
    assert await dm(app, memory, "alice", "👍") == ["👍 Ask me anything about the club whenever it comes up."]
    # Found as an outsider: a lone "?" was "I don't know", and the creator's inbox got "?".
    assert await dm(app, memory, "alice", "?") == ["👍 Ask me anything about the club whenever it comes up."]
    assert await asked(app) == []
    inbox = await memory.command("creator", "faq", "inbox")
    assert "empty" in inbox.texts[0]


async def test_small_talk_in_the_faq_channel_is_left_alone(app: App, memory: MemoryPlatform) -> None:
    await memory.post("alice", "thanks everyone!", channel="ask-maya")
    await app.settle()
    assert memory.sent == [] and await asked(app) == []


async def test_small_talk_said_to_the_bot_in_a_channel_is_answered_in_its_thread(
    app: App, memory: MemoryPlatform
) -> None:
    """Found as an outsider: "@bot hi" in #general got no reply at all, as if the bot were down."""
    await memory.post("alice", "hi", mentions_bot=True)
    await memory.post("bob", "thanks everyone!")  # not said to the bot: left alone
    await app.settle()
    [reply] = memory.sent
    assert reply.target.channel == "general" and reply.target.thread_id is not None
    assert reply.message.text.startswith("Hi Alice!")
    assert await asked(app) == []


async def test_a_redelivered_thanks_is_answered_once(app: App, memory: MemoryPlatform) -> None:
    user = memory.user("alice")
    where = ChannelRef(memory.name, user.workspace_id, "D-alice", is_dm=True)
    event = MessagePosted(user=user, channel=where, text="thanks", message_id="m-1", event_id="e-1")
    await memory.emit(event)
    await memory.emit(MessagePosted(user=user, channel=where, text="thanks", message_id="m-1", event_id="e-2"))
    await app.settle()
    assert len(memory.dms_to("alice")) == 1


async def test_yes_takes_up_the_offer_to_pass_the_question_on(app: App, memory: MemoryPlatform) -> None:
    await memory.command("creator", "help")  # the creator has an account the bot knows
    [offer] = await dm(app, memory, "alice", OFF_TOPIC)
    assert "I don't know" in offer and "Shall I ask Maya to answer you personally?" in offer
    assert await dm(app, memory, "alice", "yes please") == [
        "Done: I've passed your question to Maya. You'll get the answer here by direct message."
    ]
    [row] = await asked(app)
    assert row.status == "forwarded"
    [notice] = memory.dms_to("creator")
    assert "Alice" in notice.text
    # A second "ok" is an acknowledgement, not a second hand-over.
    assert await dm(app, memory, "alice", "ok") == ["👍 Ask me anything about the club whenever it comes up."]
    assert len(memory.dms_to("creator")) == 1


async def test_yes_after_an_answer_or_an_hour_later_passes_nothing_on(
    app: App, memory: MemoryPlatform, clock: FakeClock
) -> None:
    await memory.command("creator", "help")
    await dm(app, memory, "alice", INVOICES)
    await dm(app, memory, "alice", "yes")
    await dm(app, memory, "bob", OFF_TOPIC)
    clock.advance(timedelta(hours=1, minutes=1))
    await dm(app, memory, "bob", "yes")
    assert [row.status for row in await asked(app)] == ["answered", "unanswered"]
    assert memory.dms_to("creator") == []


async def test_no_thanks_to_the_offer_passes_nothing_on(app: App, memory: MemoryPlatform) -> None:
    await memory.command("creator", "help")
    await dm(app, memory, "alice", OFF_TOPIC)
    assert await dm(app, memory, "alice", "no thanks") == [
        "👍 OK, I won't ask Maya. Ask me anything else whenever it comes up."
    ]
    assert await dm(app, memory, "alice", "yes") == ["👍 Ask me anything about the club whenever it comes up."]
    assert [row.status for row in await asked(app)] == ["unanswered"], "still in the inbox, as every miss is"
    assert memory.dms_to("creator") == []


@pytest.mark.parametrize("reply", ["please do", "go ahead", "yes, ask her", "y", "ja takk", "好的"])
async def test_the_ways_people_say_yes_pass_the_question_on(app: App, memory: MemoryPlatform, reply: str) -> None:
    """Found as an outsider: "please do" and "go ahead" became questions of their own."""
    await memory.command("creator", "help")
    await dm(app, memory, "alice", OFF_TOPIC)
    [done] = await dm(app, memory, "alice", reply)
    assert done.startswith("Done: I've passed your question to Maya.")


async def test_ok_thanks_closes_the_matter_instead(app: App, memory: MemoryPlatform) -> None:
    await memory.command("creator", "help")
    await dm(app, memory, "alice", OFF_TOPIC)
    assert await dm(app, memory, "alice", "ok thanks") == [
        "You're welcome! 😊 Ask me anything else whenever it comes up."
    ]
    assert memory.dms_to("creator") == []
