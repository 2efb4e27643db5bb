"""The creator's loop: the inbox, answering by DM, saving as FAQ, taking a question live, and /faq entries."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.app import App
from bot.messages import OutboundMessage
from bot.platforms.memory import MemoryPlatform
from storage.models import FaqEntry, FaqQuestion, LiveQuestion, OutboxMessage

OFF_TOPIC = "Do you ship printed workbooks to Iceland?"
ANSWER = "Not yet! Everything is digital for now, but printing works fine from the PDFs."


def text_of(message: OutboundMessage) -> str:
    return " ".join([message.text, *(getattr(b, "text", "") for b in message.blocks)])


def actions(message: OutboundMessage) -> list[str]:
    return [c.action_id for c in message.choices()]  # type: ignore[union-attr]


async def questions(app: App) -> list[FaqQuestion]:
    async with app.database.session() as session:
        return list((await session.scalars(select(FaqQuestion).order_by(FaqQuestion.id))).all())


async def entries(app: App) -> dict[str, FaqEntry]:
    async with app.database.session() as session:
        return {e.key: e for e in (await session.scalars(select(FaqEntry))).all()}


async def count(app: App, model: type) -> int:  # type: ignore[type-arg]
    async with app.database.session() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def forwarded_question(app: App, memory: MemoryPlatform, text: str = OFF_TOPIC) -> int:
    await memory.command("creator", "help")
    await memory.command("alice", "ask", text)
    row = (await questions(app))[-1]
    assert row.status == "unanswered"
    await memory.click("alice", f"faq.forward:{row.id}")
    await app.settle()
    return row.id


# -- answering from the inbox -----------------------------------------------------------------


async def test_answer_button_opens_a_form_and_the_answer_reaches_the_member_by_dm(
    app: App, memory: MemoryPlatform
) -> None:
    qid = await forwarded_question(app, memory)
    opened = await memory.click("creator", f"faq.answer:{qid}")
    [form] = opened.forms
    assert form.form_id == "faq.answer"
    assert {f.name: f.initial for f in form.fields}["question_id"] == str(qid)
    assert [f.kind for f in form.fields if f.name == "answer"] == ["multiline"]
    sent = await memory.submit("creator", "faq.answer", {"question_id": str(qid), "answer": ANSWER})
    await app.settle()
    [reply] = [m for m, _ in sent.replies]
    assert "Sent your answer to Alice" in reply.text
    assert f"faq.save:{qid}" in actions(reply)
    [dm] = memory.dms_to("alice")
    assert ANSWER in text_of(dm) and OFF_TOPIC in text_of(dm) and "Maya answered" in dm.text
    row = (await questions(app))[-1]
    assert (row.status, row.answer, row.resolved_at) == ("resolved", ANSWER, app.clock.now())
    async with app.database.session() as session:
        assert await session.scalar(select(OutboxMessage.id).where(OutboxMessage.dedupe_key == f"faq:reply:{qid}"))
    empty = await memory.command("creator", "faq", "inbox")
    assert "empty" in empty.texts[0]
    twice = await memory.submit("creator", "faq.answer", {"question_id": str(qid), "answer": "again"})
    assert twice.texts == ["That question has already been dealt with."]
    assert len(memory.dms_to("alice")) == 1


async def test_an_empty_answer_changes_nothing(app: App, memory: MemoryPlatform) -> None:
    qid = await forwarded_question(app, memory)
    reply = await memory.submit("creator", "faq.answer", {"question_id": str(qid), "answer": "   "})
    bad_id = await memory.submit("creator", "faq.answer", {"question_id": "twelve", "answer": ANSWER})
    await app.settle()
    assert reply.texts == ["The answer is empty. Nothing was saved."]
    assert "isn't a question number" in bad_id.texts[0]
    assert (await questions(app))[-1].status == "forwarded"
    assert memory.dms_to("alice") == []


async def test_save_as_faq_answers_the_next_identical_question(app: App, memory: MemoryPlatform) -> None:
    qid = await forwarded_question(app, memory)
    await memory.command("creator", "faq", f"answer {qid} {ANSWER}")
    saved = await memory.click("creator", f"faq.save:{qid}")
    key = "do-you-ship-printed-workbooks-to-iceland"
    assert saved.texts == [f"Saved as FAQ entry `{key}`. I'll answer that question myself from now on."]
    entry = (await entries(app))[key]
    assert (entry.question, entry.answer, entry.source) == (OFF_TOPIC, ANSWER, "chat")
    again = await memory.click("creator", f"faq.save:{qid}")
    assert f"already in the FAQ as `{key}`" in again.texts[0]
    reply = await memory.command("bob", "ask", OFF_TOPIC)
    assert reply.replies[0][0].text == ANSWER
    assert (await questions(app))[-1].cited == f"faq:{key}"


async def test_save_before_answering_is_refused(app: App, memory: MemoryPlatform) -> None:
    qid = await forwarded_question(app, memory)
    before = await count(app, FaqEntry)
    reply = await memory.click("creator", f"faq.save:{qid}")
    assert "Answer the question first" in reply.texts[0]
    assert await count(app, FaqEntry) == before


async def test_take_to_live_without_a_session_is_friendly_and_with_one_queues_the_question(
    app: App, memory: MemoryPlatform
) -> None:
    qid = await forwarded_question(app, memory)
    none = await memory.click("creator", f"faq.to-live:{qid}")
    assert "no live session scheduled" in none.texts[0]
    assert (await questions(app))[-1].status == "forwarded" and await count(app, LiveQuestion) == 0
    await memory.command("creator", "live", "schedule 2026-12-03 17:00 | Pricing clinic")
    taken = await memory.click("creator", f"faq.to-live:{qid}")
    await app.settle()
    assert "Added to the questions for *Pricing clinic*" in taken.texts[0]
    async with app.database.session() as session:
        [live_q] = (await session.scalars(select(LiveQuestion))).all()
    assert (live_q.text, live_q.source, live_q.session_id) == (OFF_TOPIC, "faq", 1)
    [dm] = memory.dms_to("alice")
    assert "Pricing clinic" in dm.text and "Maya will answer it" in dm.text
    assert (await questions(app))[-1].status == "resolved"
    listed = await memory.command("creator", "live", "questions 1")
    assert OFF_TOPIC in text_of(listed.replies[0][0])


# -- /faq entries ---------------------------------------------------------------------------------


async def test_faq_add_by_form_and_the_new_entry_answers(app: App, memory: MemoryPlatform) -> None:
    opened = await memory.command("creator", "faq", "add")
    [form] = opened.forms
    assert [f.name for f in form.fields] == ["question", "answer", "alt_questions"]
    reply = await memory.submit(
        "creator",
        "faq.add",
        {
            "question": "Is there a members' book club?",
            "answer": "Yes, on the first Tuesday of each month.",
            "alt_questions": "Do you read books together?\n\n",
        },
    )
    assert reply.texts == ["Added FAQ entry `is-there-a-members-book-club`. I'll use it for the next question."]
    entry = (await entries(app))["is-there-a-members-book-club"]
    assert (entry.alt_questions, entry.source) == (["Do you read books together?"], "chat")
    answered = await memory.command("alice", "ask", "do you read books together")
    assert answered.replies[0][0].text == "Yes, on the first Tuesday of each month."


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"question": "  ", "answer": "Something"}, "The question is empty"),
        ({"question": "Is there a dress code?", "answer": ""}, "The answer is empty"),
        ({"question": "Is there a dress code?", "answer": "x" * 3001}, "3001 characters"),
        (
            {
                "question": "Is there a dress code?",
                "answer": "No.",
                "alt_questions": "\n".join(f"Alt {n}?" for n in range(11)),
            },
            "11 other phrasings",
        ),
        (
            {"question": "How do I cancel my membership?", "answer": "Duplicate."},
            "already in the FAQ as `cancel-membership`",
        ),
        (  # found as an outsider: shown to members as it was
            {"question": "Is there a dress code?", "answer": "See [the rules](javascript:alert(1))."},
            "must start with https://, http:// or mailto: (not “javascript:alert(1”)",
        ),
        ({"question": "Is there a dress code?", "answer": "Ask <data:text/html,hi>"}, "not “data:text/html,hi”"),
    ],
)
async def test_faq_add_with_bad_input_explains_and_saves_nothing(
    app: App, memory: MemoryPlatform, values: dict[str, str], expected: str
) -> None:
    before = {k: (e.question, e.answer) for k, e in (await entries(app)).items()}
    reply = await memory.submit("creator", "faq.add", values)
    assert expected in reply.texts[0]
    assert {k: (e.question, e.answer) for k, e in (await entries(app)).items()} == before


async def test_links_an_answer_may_have(app: App, memory: MemoryPlatform) -> None:
    answer = (
        "Read [the rules](https://example.com/rules), write to <mailto:help@example.com>, "
        "see [the library](/library) or join us <t:1765000000:R>."
    )
    reply = await memory.submit("creator", "faq.add", {"question": "Is there a dress code?", "answer": answer})
    assert "`is-there-a-dress-code`" in reply.texts[0]


async def test_faq_add_inline(app: App, memory: MemoryPlatform) -> None:
    reply = await memory.command(
        "creator", "faq", "add Is there a mobile app? | Not a separate one: use the chat app. | Do you have an app?"
    )
    assert "`is-there-a-mobile-app`" in reply.texts[0]
    assert (await entries(app))["is-there-a-mobile-app"].alt_questions == ["Do you have an app?"]
    usage = await memory.command("creator", "faq", "add just a question without an answer")
    assert "/faq add question | answer" in usage.texts[0]


async def test_faq_edit_opens_a_filled_form_and_saves(app: App, memory: MemoryPlatform) -> None:
    opened = await memory.command("creator", "faq", "edit free-trial")
    [form] = opened.forms
    initial = {f.name: f.initial for f in form.fields}
    original = (await entries(app))["free-trial"]
    assert (form.form_id, initial["key"], initial["question"], initial["answer"]) == (
        "faq.edit",
        "free-trial",
        original.question,
        original.answer,
    )
    assert initial["alt_questions"] == "Will I be charged during the trial?"
    reply = await memory.submit(
        "creator",
        "faq.edit",
        {
            "key": "free-trial",
            "question": original.question,
            "answer": "Fourteen days free now.",
            "alt_questions": "Is the trial free?",
        },
    )
    assert "Updated FAQ entry `free-trial`" in reply.texts[0] and "faq.toml" in reply.texts[0]  # file entries warn
    edited = (await entries(app))["free-trial"]
    assert (edited.answer, edited.alt_questions) == ("Fourteen days free now.", ["Is the trial free?"])
    answered = await memory.command("alice", "ask", "is the trial free?")
    assert answered.replies[0][0].text == "Fourteen days free now."


@pytest.mark.parametrize(
    ("command", "values", "expected"),
    [
        ("edit no-such-entry", None, "There's no FAQ entry `no-such-entry`"),
        ("edit Bad_Key!", None, "isn't an FAQ key"),
        (
            None,
            {"key": "free-trial", "question": "How does the free trial work?", "answer": " "},
            "The answer is empty",
        ),
        (
            None,
            {"key": "free-trial", "question": "How do I cancel my membership?", "answer": "Taken"},
            "already in the FAQ as `cancel-membership`",
        ),
        ("remove no-such-entry", None, "There's no FAQ entry `no-such-entry`"),
        ("remove", None, "Which entry? Type `/faq remove KEY`"),
    ],
)
async def test_faq_edit_and_remove_with_bad_input_change_nothing(
    app: App, memory: MemoryPlatform, command: str | None, values: dict[str, str] | None, expected: str
) -> None:
    before = {k: (e.question, e.answer, e.alt_questions) for k, e in (await entries(app)).items()}
    if command is not None:
        reply = await memory.command("creator", "faq", command)
    else:
        reply = await memory.submit("creator", "faq.edit", values or {})
    assert expected in reply.texts[0]
    assert {k: (e.question, e.answer, e.alt_questions) for k, e in (await entries(app)).items()} == before


async def test_faq_remove_forgets_the_entry(app: App, memory: MemoryPlatform) -> None:
    question = "where do I get my invoices"
    await memory.command("alice", "ask", question)
    assert (await questions(app))[-1].cited == "faq:receipts-and-invoices"
    reply = await memory.command("creator", "faq", "remove receipts-and-invoices")
    assert "Removed FAQ entry `receipts-and-invoices`" in reply.texts[0]
    assert "receipts-and-invoices" not in await entries(app)
    await memory.command("alice", "ask", question)
    assert (await questions(app))[-1].cited != "faq:receipts-and-invoices"


async def test_faq_list_all_and_by_tag(app: App, memory: MemoryPlatform) -> None:
    everything = await memory.command("alice", "faq", "list")
    total = await count(app, FaqEntry)
    assert everything.replies[0][0].text == f"FAQ: {total} entries"
    # Found as an outsider: "…and 14 more." with no way shown to see them.
    assert f"…and {total - 30} more: `/faq list TAG` lists one topic" in text_of(everything.replies[0][0])
    privacy = await memory.command("alice", "faq", "list privacy")
    listing = text_of(privacy.replies[0][0])
    assert "`data-export`" in listing and "`delete-my-data`" in listing and "`cancel-membership`" not in listing
    assert privacy.replies[0][0].text == "FAQ entries tagged “privacy”: 2"
    nothing = await memory.command("alice", "faq", "list astrology")
    assert nothing.texts == ["No FAQ entries are tagged “astrology”."]


# -- members cannot run the creator's side ------------------------------------------------------------


@pytest.mark.parametrize("sub", ["inbox", "add Q? | A.", "edit free-trial", "remove free-trial", "answer 1 hi"])
async def test_members_are_politely_refused_creator_subcommands(app: App, memory: MemoryPlatform, sub: str) -> None:
    before = {k: e.answer for k, e in (await entries(app)).items()}
    reply = await memory.command("alice", "faq", sub)
    assert reply.texts == [
        f"Sorry, `/faq {sub.split()[0]}` is for the creator only. You can use `/faq list` and `/ask`."
    ]
    assert {k: e.answer for k, e in (await entries(app)).items()} == before


async def test_members_cannot_use_the_creators_buttons_or_forms(app: App, memory: MemoryPlatform) -> None:
    qid = await forwarded_question(app, memory)
    for action in ("faq.answer", "faq.save", "faq.to-live", "faq.inbox"):
        reply = await memory.click("bob", f"{action}:{qid}" if action != "faq.inbox" else action)
        assert "is for the creator only" in reply.texts[0]
        assert reply.forms == []
    for form_id, values in (
        ("faq.answer", {"question_id": str(qid), "answer": "hacked"}),
        ("faq.add", {"question": "Q?", "answer": "A"}),
        ("faq.edit", {"key": "free-trial", "question": "Q?", "answer": "A"}),
    ):
        reply = await memory.submit("bob", form_id, values)
        assert "is for the creator only" in reply.texts[0]
    await app.settle()
    assert (await questions(app))[-1].status == "forwarded"
    assert (await entries(app))["free-trial"].question == "How does the free trial work?"
    assert memory.dms_to("alice") == []


async def test_unknown_faq_subcommand(app: App, memory: MemoryPlatform) -> None:
    reply = await memory.command("alice", "faq", "frobnicate")
    assert "I don't know `/faq frobnicate`" in reply.texts[0]
