"""/faq help names every creator subcommand; a subcommand missing its number or key shows how to
type it; `/faq reply N` where N is an open inbox question points to `/faq answer N`; `/faq answer N` alone
opens the answer form."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from bot.app import App
from bot.handlers.faq import SUBCOMMANDS
from bot.platforms.memory import MemoryPlatform
from storage.models import FaqQuestion

OFF_TOPIC = "Do you ship printed workbooks to Iceland?"


async def inbox_question(app: App, memory: MemoryPlatform) -> int:
    await memory.command("creator", "help")
    await memory.command("alice", "ask", OFF_TOPIC)
    async with app.database.session() as session:
        row = await session.scalar(select(FaqQuestion).order_by(FaqQuestion.id.desc()))
    assert row is not None and row.status != "resolved"
    return row.id


async def test_faq_help_lists_every_subcommand(app: App, memory: MemoryPlatform) -> None:
    reply = await memory.command("creator", "faq", "help")
    listed = set(re.findall(r"`/faq (\w+)", reply.texts[0]))
    assert listed == set(SUBCOMMANDS) - {"help"}


async def test_reply_with_an_inbox_questions_number_points_to_faq_answer(app: App, memory: MemoryPlatform) -> None:
    qid = await inbox_question(app, memory)
    for typed in (str(qid), f"#{qid}"):
        reply = await memory.command("creator", "faq", f"reply {typed} Not yet, sorry")
        assert reply.texts[0] == (
            f"#{qid} is a question in your FAQ inbox, not a reply: answer it with `/faq answer {qid} your answer`."
        )
    async with app.database.session() as session:
        assert (await session.get(FaqQuestion, qid)).status != "resolved"  # type: ignore[union-attr]

    await memory.command("creator", "faq", f"answer {qid} Not yet, sorry")
    after = await memory.command("creator", "faq", f"reply {qid} again")  # answered: no longer waiting
    assert after.texts[0] == f"There's no reply number {qid}. Type `/faq inbox` to see the replies waiting."


async def test_reply_with_a_number_that_is_nothing_says_there_is_no_such_reply(
    app: App, memory: MemoryPlatform
) -> None:
    await memory.command("creator", "help")
    reply = await memory.command("creator", "faq", "reply 42 hello")
    assert reply.texts[0] == "There's no reply number 42. Type `/faq inbox` to see the replies waiting."


@pytest.mark.parametrize(
    ("sub", "expected"),
    [
        ("edit", "Which entry? `/faq edit KEY` opens it in a form"),
        ("remove", "Which entry? Type `/faq remove KEY`"),
        ("answer", "Which question? Type `/faq answer ID your answer`"),
    ],
)
async def test_a_subcommand_without_its_key_or_number_shows_how_to_type_it(
    app: App, memory: MemoryPlatform, sub: str, expected: str
) -> None:
    await memory.command("creator", "help")
    reply = await memory.command("creator", "faq", sub)
    assert reply.texts[0].startswith(expected)
    assert "“?”" not in reply.texts[0]


async def test_answer_with_a_number_but_no_text_opens_the_form_or_says_the_number_is_wrong(
    app: App, memory: MemoryPlatform
) -> None:
    """`/faq answer 3` is the inbox's Answer button typed: not "The answer is empty"."""
    qid = await inbox_question(app, memory)
    opened = await memory.command("creator", "faq", f"answer {qid}")
    [form] = opened.forms
    assert form.form_id == "faq.answer"
    assert {f.name: f.initial for f in form.fields}["question_id"] == str(qid)
    assert "empty" not in " ".join(opened.texts)

    missing = await memory.command("creator", "faq", "answer 999")
    assert missing.texts == ["I can't find that question any more."]

    await memory.command("creator", "faq", f"answer {qid} Not yet, sorry")
    again = await memory.command("creator", "faq", f"answer {qid}")
    assert again.texts == ["That question has already been dealt with."]
