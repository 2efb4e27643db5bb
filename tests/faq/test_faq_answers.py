"""FAQ answers: cited answers from the sample community, "I don't know", the ways to ask, feedback, freshness."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.app import App
from bot.clock import FakeClock
from bot.events import ChannelRef, MessagePosted
from bot.messages import Buttons, Context, OutboundMessage
from bot.platforms.memory import MemoryPlatform
from storage.models import FaqEntry, FaqQuestion, OutboxMessage

# Our own phrasings of entries in examples/strategy-club/faq.toml.
INVOICES = "where do I get my invoices"
SCHEDULE = "when do new trainings get released?"
HIRING = "how do I hire my first assistant"
OFF_TOPIC = "Tell me a joke about cats"


def text_of(message: OutboundMessage) -> str:
    return " ".join([message.text, *(getattr(b, "text", "") for b in message.blocks)])


def actions(message: OutboundMessage) -> list[str]:
    return [c.action_id for c in message.choices()]  # type: ignore[union-attr]


def small_print(message: OutboundMessage) -> str:
    return " ".join(b.text for b in message.blocks if isinstance(b, Context))


async def asked(app: App) -> list[FaqQuestion]:
    async with app.database.session() as session:
        return list((await session.scalars(select(FaqQuestion).order_by(FaqQuestion.id))).all())


async def outbox_keys(app: App) -> set[str]:
    async with app.database.session() as session:
        return set((await session.scalars(select(OutboxMessage.dedupe_key))).all())


async def in_thread(
    memory: MemoryPlatform, user: str, channel: str, thread: str, text: str, *, mentions_bot: bool = False
) -> None:
    """A reply inside a thread (MemoryPlatform.post only posts at the top level)."""
    ref = memory.user(user)
    where = ChannelRef(memory.name, ref.workspace_id, channel, thread_id=thread)
    await memory.emit(
        MessagePosted(
            user=ref,
            channel=where,
            text=text,
            message_id=f"r-{uuid.uuid4().hex[:8]}",
            mentions_bot=mentions_bot,
            event_id=uuid.uuid4().hex,
        )
    )


# -- /ask -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "key", "entry_question"),
    [
        (INVOICES, "receipts-and-invoices", "Where can I find my receipts or invoices?"),
        (SCHEDULE, "drop-schedule", "When does new content come out?"),
        (HIRING, "first-hire", "When should I make my first hire?"),
    ],
)
async def test_ask_answers_with_the_entry_and_cites_it(
    app: App, memory: MemoryPlatform, question: str, key: str, entry_question: str
) -> None:
    reply = await memory.command("alice", "ask", question)
    [(message, ephemeral)] = reply.replies
    [row] = await asked(app)
    async with app.database.session() as session:
        entry = await session.scalar(select(FaqEntry).where(FaqEntry.key == key))
    assert entry is not None
    assert message.text == entry.answer
    assert small_print(message) == f"Source: FAQ “{entry_question}”"
    assert actions(message) == [f"faq.up:{row.id}", f"faq.down:{row.id}"]
    assert ephemeral
    assert (row.status, row.cited, row.question, row.answer) == ("answered", f"faq:{key}", question, entry.answer)
    assert row.score is not None and row.score > 0
    assert row.place["via"] == "command" and row.place["platform"] == "memory"


async def test_off_topic_question_gets_i_dont_know_and_an_offer_to_ask_the_creator(
    app: App, memory: MemoryPlatform
) -> None:
    reply = await memory.command("alice", "ask", OFF_TOPIC)
    [message] = [m for m, _ in reply.replies]
    [row] = await asked(app)
    assert "I don't know" in message.text and "Maya" in message.text
    assert actions(message) == [f"faq.forward:{row.id}"]
    assert (row.status, row.cited, row.answer) == ("unanswered", None, None)


async def test_ask_without_a_question_explains_and_records_nothing(app: App, memory: MemoryPlatform) -> None:
    first = (await app.services.answers.entries.list())[0].question
    for nothing in ("   ", "?", "...", "🤔"):  # found as an outsider: "?" was "I don't know" and went to the inbox
        reply = await memory.command("alice", "ask", nothing)
        # the example is the community's own first question, one this FAQ answers
        assert reply.texts == [f"Ask me anything about the club, for example: `/ask {first}`"], nothing
    too_long = await memory.command("alice", "ask", "why " * 300)
    assert "shorten" in too_long.texts[0]
    assert await asked(app) == []
    assert "I don't know" not in (await memory.command("alice", "ask", first)).texts[0]  # the example is answered


async def test_ask_without_a_question_in_a_club_without_an_faq_gives_no_example(
    app: App, memory: MemoryPlatform
) -> None:
    for entry in await app.services.answers.entries.list():
        await app.services.answers.entries.remove(entry.key)
    reply = await memory.command("alice", "ask", "")
    assert reply.texts == ["Ask me anything about the club: `/ask` and then your question."]


# -- forwarding to the creator -----------------------------------------------------------------


async def test_forward_tells_the_creator_once_and_fills_the_inbox(app: App, memory: MemoryPlatform) -> None:
    await memory.command("creator", "help")  # the creator has an account the bot knows
    await memory.command("alice", "ask", OFF_TOPIC)
    [row] = await asked(app)
    reply = await memory.click("alice", f"faq.forward:{row.id}")
    again = await memory.click("alice", f"faq.forward:{row.id}")
    await app.settle()
    assert "passed your question to Maya" in reply.texts[0]
    assert "already with Maya" in again.texts[0]
    [notice] = memory.dms_to("creator")
    assert "Alice" in notice.text and OFF_TOPIC in text_of(notice)
    assert actions(notice) == [f"faq.answer:{row.id}", f"faq.to-live:{row.id}", "faq.inbox"]
    assert (await asked(app))[0].status == "forwarded"
    inbox = await memory.command("creator", "faq", "inbox")
    [listing] = [m for m, _ in inbox.replies]
    assert listing.text == "FAQ inbox: 1 question waiting"
    assert OFF_TOPIC in text_of(listing) and "passed on to you" in text_of(listing)


async def test_only_the_asker_can_forward_or_rate(app: App, memory: MemoryPlatform) -> None:
    await memory.command("alice", "ask", OFF_TOPIC)
    [row] = await asked(app)
    for action in ("faq.forward", "faq.up", "faq.down"):
        reply = await memory.click("bob", f"{action}:{row.id}")
        assert reply.texts == ["Only the person who asked can do that."]
    after = (await asked(app))[0]
    assert (after.status, after.feedback) == ("unanswered", None)
    assert (await memory.click("alice", "faq.forward:999")).texts == ["I can't find that question any more."]


# -- feedback ------------------------------------------------------------------------------------


async def test_thumbs_up_and_down_are_recorded_and_down_goes_to_the_inbox(app: App, memory: MemoryPlatform) -> None:
    await memory.command("alice", "ask", INVOICES)
    await memory.command("bob", "ask", SCHEDULE)
    first, second = await asked(app)
    up = await memory.click("alice", f"faq.up:{first.id}")
    down = await memory.click("bob", f"faq.down:{second.id}")
    assert up.texts == ["Thanks! Glad that helped."]
    [offer] = [m for m, _ in down.replies]
    assert actions(offer) == [f"faq.forward:{second.id}"]
    first, second = await asked(app)
    assert (first.feedback, second.feedback) == ("up", "down")
    assert (first.status, second.status) == ("answered", "answered")
    inbox = await memory.command("creator", "faq", "inbox")
    listing = inbox.replies[0][0]
    assert listing.text == "FAQ inbox: 1 question waiting"
    assert SCHEDULE in text_of(listing) and "marked 👎" in text_of(listing) and INVOICES not in text_of(listing)


# -- where questions come from -------------------------------------------------------------------


async def test_a_question_in_the_faq_channel_is_answered_in_its_thread_through_the_outbox(
    app: App, memory: MemoryPlatform
) -> None:
    await memory.post("alice", HIRING, channel="ask-maya")
    [row] = await asked(app)
    assert memory.sent == []  # nothing leaves until the outbox delivers
    await app.settle()
    [delivery] = memory.sent
    assert delivery.target.channel == "ask-maya"
    assert delivery.target.thread_id == row.place["message"] == row.place["thread"]
    assert "When should I make my first hire?" in small_print(delivery.message)
    assert f"faq:answer:{row.id}" in await outbox_keys(app)
    assert (row.status, row.cited, row.place["via"]) == ("answered", "faq:first-hire", "channel")


async def test_a_follow_up_in_the_thread_is_read_with_the_first_question(app: App, memory: MemoryPlatform) -> None:
    follow_up = "does that take effect immediately?"
    await memory.post("alice", "How do I switch to the yearly plan?", channel="ask-maya")
    await app.settle()
    thread = memory.sent[0].target.thread_id
    assert thread is not None
    await in_thread(memory, "alice", "ask-maya", thread, follow_up)
    await in_thread(memory, "alice", "ask-maya", thread, "thanks!")  # relates to nothing: no reply
    await app.settle()
    first, second = await asked(app)
    assert first.cited == "faq:switch-plan"
    assert (second.question, second.cited, second.place["follow_up_of"]) == (follow_up, "faq:switch-plan", first.id)
    assert [d.target.thread_id for d in memory.sent] == [thread, thread]
    # Alone, the same words point somewhere else: the thread's context is what made the difference.
    await memory.command("bob", "ask", follow_up)
    assert (await asked(app))[-1].cited != "faq:switch-plan"


async def test_staff_replies_in_a_thread_and_member_chatter_are_left_alone(app: App, memory: MemoryPlatform) -> None:
    await memory.post("alice", HIRING, channel="ask-maya")
    await app.settle()
    thread = memory.sent[0].target.thread_id
    assert thread is not None
    await in_thread(memory, "creator", "ask-maya", thread, "Also read the operations manual template!")
    await memory.post("creator", "Welcome to #ask-maya, ask me anything here", channel="ask-maya")
    await memory.post("bob", "how do I hire my first assistant", channel="general")  # not addressed to the bot
    await in_thread(memory, "bob", "general", "some-thread", "where do I get my invoices")
    await app.settle()
    assert len(await asked(app)) == 1 and len(memory.sent) == 1


async def test_a_dm_to_the_bot_is_answered_by_dm(app: App, memory: MemoryPlatform) -> None:
    await memory.post("alice", INVOICES, channel="D-alice")
    await app.settle()
    [row] = await asked(app)
    [delivery] = memory.sent
    assert (delivery.target.user_id, delivery.target.channel, delivery.target.thread_id) == ("alice", None, None)
    assert "receipt" in delivery.message.text
    assert (row.place["via"], row.cited) == ("dm", "faq:receipts-and-invoices")


async def test_a_mention_elsewhere_is_answered_in_a_thread_and_unknowns_offer_forwarding(
    app: App, memory: MemoryPlatform
) -> None:
    await memory.post("alice", OFF_TOPIC, channel="general", mentions_bot=True)
    await app.settle()
    [row] = await asked(app)
    [delivery] = memory.sent
    assert (delivery.target.channel, delivery.target.thread_id) == ("general", row.place["message"])
    assert actions(delivery.message) == [f"faq.forward:{row.id}"]
    assert (row.status, row.place["via"]) == ("unanswered", "mention")


# -- what the bot knows, and keeping it fresh ------------------------------------------------------


async def test_published_content_is_cited_with_a_library_button_once_published(
    app: App, memory: MemoryPlatform
) -> None:
    question = "value pricing calculator"
    await memory.command("alice", "join")  # opening a drop is for members
    await memory.command("alice", "ask", question)
    before = (await asked(app))[-1]
    assert before.cited is None or not before.cited.startswith("content:")
    item = await app.services.content.publish_now("w2-value-pricing-calculator")
    reply = await memory.command("alice", "ask", question)
    message = reply.replies[0][0]
    after = (await asked(app))[-1]
    assert after.cited == "content:w2-value-pricing-calculator"
    assert small_print(message) == "Source: Library “The value pricing calculator”"
    assert actions(message)[0] == f"library.open:{item.id}"
    opened = await memory.click("alice", actions(message)[0])
    assert "The value pricing calculator" in opened.texts[0]


async def test_a_recording_is_searchable_by_its_session_description(
    app: App, memory: MemoryPlatform, clock: FakeClock
) -> None:
    await memory.command(
        "creator",
        "live",
        "schedule 2026-11-22 17:00 | Bakery hot seat | Croissant margins and wholesale café contracts",
    )
    clock.advance(timedelta(days=3))
    done = await memory.command("creator", "live", "recording 1 https://rec.example/bakery Watch the replay")
    assert "recording" in done.texts[0]
    await memory.command("alice", "join")  # the recording is for members
    reply = await memory.command("alice", "ask", "croissant margins for wholesale café contracts")
    row = (await asked(app))[-1]
    assert row.cited == "content:live-1-recording"
    assert "Live recording “Bakery hot seat”" in small_print(reply.replies[0][0])
    assert actions(reply.replies[0][0])[0].startswith("library.open:")


async def test_someone_who_is_not_a_member_is_told_where_the_answer_is_not_given_it(
    app: App, memory: MemoryPlatform, clock: FakeClock
) -> None:
    await memory.command("creator", "live", "schedule 2026-11-22 17:00 | Bakery hot seat | Croissant margins")
    clock.advance(timedelta(days=3))
    await memory.command("creator", "live", "recording 1 https://rec.example/bakery Watch the replay")
    await app.services.content.publish_now("w2-value-pricing-calculator")
    for question, title in (
        ("croissant margins", "Bakery hot seat"),
        ("value pricing calculator", "The value pricing calculator"),
    ):
        reply = await memory.command("bob", "ask", question)  # bob never joined
        [message] = [m for m, _ in reply.replies]
        row = (await asked(app))[-1]
        assert row.cited is not None and row.status == "members_only"  # not counted as answered for bob
        assert (
            message.text
            == f"That's covered in “{title}”, in the members' library. Type `/join` to become a member (or to come back)."
        )
        assert message.choices() == [], "no recording link and no library button for a non-member"
    # An FAQ entry is for everyone.
    reply = await memory.command("bob", "ask", INVOICES)
    assert "receipt" in reply.replies[0][0].text


async def test_the_index_is_rebuilt_only_when_what_it_covers_changes(app: App, memory: MemoryPlatform) -> None:
    knowledge = app.services.answers.knowledge
    await memory.command("alice", "ask", INVOICES)
    await memory.command("alice", "ask", SCHEDULE)
    assert knowledge.builds == 1
    await app.services.content.publish_now("w4-the-weekly-ceo-hour")
    await memory.command("alice", "ask", INVOICES)
    assert knowledge.builds == 2
    await memory.command(
        "creator", "faq", "add Do you have a podcast? | Not yet, but the live recordings are in the library."
    )
    await memory.command("alice", "ask", "do you have a podcast")
    assert knowledge.builds == 3
    assert (await asked(app))[-1].cited == "faq:do-you-have-a-podcast"


async def test_buttons_on_an_answer_render_within_one_row(app: App, memory: MemoryPlatform) -> None:
    await memory.command("alice", "ask", INVOICES)
    [message] = [m for m, _ in (await memory.command("alice", "ask", SCHEDULE)).replies]
    rows = [b for b in message.blocks if isinstance(b, Buttons)]
    assert len(rows) == 1 and len(rows[0].buttons) <= 5
