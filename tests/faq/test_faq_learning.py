"""The learning loop through the real app: the creator points a missed question at its entry,
the member gets that answer, and the member's wording answers the next member."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from bot.app import App
from bot.clock import FakeClock
from bot.community.loader import load_community
from bot.platforms.memory import MemoryPlatform
from bot.services.importer import import_community
from storage.models import FaqEntry, FaqQuestion

# Not the sample's words for *pause*: the bot does not answer it with pause-membership at first.
FREEZE = "Could my membership be frozen over the summer holidays?"


async def last_question(app: App) -> FaqQuestion:
    async with app.database.session() as session:
        return (await session.scalars(select(FaqQuestion).order_by(FaqQuestion.id.desc()))).first()  # type: ignore[return-value]


async def entry(app: App, key: str) -> FaqEntry:
    async with app.database.session() as session:
        return (await session.scalars(select(FaqEntry).where(FaqEntry.key == key))).one()


async def test_linking_a_missed_question_answers_the_member_and_teaches_the_bot(
    app: App, memory: MemoryPlatform
) -> None:
    await memory.command("creator", "help")
    first = await memory.command("alice", "ask", FREEZE)
    row = await last_question(app)
    assert row.cited != "faq:pause-membership", first.texts

    if row.status == "answered":  # answered with another entry: the member says 👎
        await memory.click("alice", f"faq.down:{row.id}")
    linked = await memory.command("creator", "faq", f"link {row.id} pause-membership")
    await app.settle()

    assert linked.texts == [
        f"Sent Alice the answer of `pause-membership`, and learned their wording of #{row.id} as another way to ask it."
    ]
    pause = await entry(app, "pause-membership")
    assert FREEZE in pause.learned_questions
    [dm] = memory.dms_to("alice")
    assert "pause for one, two or three months" in dm.text or "pause for one, two or three months" in " ".join(
        getattr(b, "text", "") for b in dm.blocks
    )
    resolved = await last_question(app)
    assert (resolved.status, resolved.cited) == ("resolved", "faq:pause-membership")

    again = await memory.command("bob", "ask", FREEZE)
    assert (await last_question(app)).cited == "faq:pause-membership"
    assert again.replies[0][0].text == pause.answer

    twice = await memory.command("creator", "faq", f"link {row.id} pause-membership")
    assert twice.texts == ["That question has already been dealt with."]
    assert (await entry(app, "pause-membership")).learned_questions.count(FREEZE) == 1


async def test_a_thumbs_down_then_link_moves_the_wording_to_the_right_entry(app: App, memory: MemoryPlatform) -> None:
    wrong = "how do I freeze my subscription for the summer?"
    await memory.command("creator", "help")
    await memory.command("alice", "ask", wrong)
    row = await last_question(app)
    assert (row.status, row.cited) == ("answered", "faq:cancel-membership")  # the wrong entry
    await memory.click("alice", f"faq.down:{row.id}")
    inbox = await memory.command("creator", "faq", "inbox")
    assert wrong in " ".join([inbox.texts[0], *(getattr(b, "text", "") for m, _ in inbox.replies for b in m.blocks)])

    await memory.command("creator", "faq", f"link {row.id} pause-membership")
    await memory.command("bob", "ask", wrong)

    assert (await last_question(app)).cited == "faq:pause-membership"
    assert wrong in (await entry(app, "pause-membership")).learned_questions


async def test_link_needs_a_question_and_a_known_key_and_the_creator(app: App, memory: MemoryPlatform) -> None:
    await memory.command("creator", "help")
    await memory.command("alice", "ask", "Do you ship printed workbooks to Iceland?")
    row = await last_question(app)

    usage = await memory.command("creator", "faq", f"link {row.id}")
    unknown = await memory.command("creator", "faq", f"link {row.id} no-such-entry")
    member = await memory.command("alice", "faq", f"link {row.id} pause-membership")

    assert "/faq link ID KEY" in usage.texts[0]
    assert "no-such-entry" in unknown.texts[0]
    assert "creator" in member.texts[0].lower() or "only" in member.texts[0].lower()
    assert (await last_question(app)).status == "unanswered"
    assert "Do you ship printed workbooks to Iceland?" not in (await entry(app, "pause-membership")).learned_questions


async def _learn(app: App, memory: MemoryPlatform, wording: str, key: str) -> None:
    await memory.command("creator", "help")
    await memory.command("alice", "ask", wording)
    row = await last_question(app)
    if row.status == "answered":
        await memory.click("alice", f"faq.down:{row.id}")
    await memory.command("creator", "faq", f"link {row.id} {key}")


async def test_a_learned_wording_survives_importing_the_community_folder_again(
    app: App, memory: MemoryPlatform, clock: FakeClock, community_path: Path
) -> None:
    await _learn(app, memory, FREEZE, "pause-membership")
    before = await entry(app, "pause-membership")

    await import_community(app.database, load_community(community_path), clock.now())  # `membot import` again

    after = await entry(app, "pause-membership")
    assert (after.alt_questions, after.learned_questions) == (before.alt_questions, [FREEZE])
    await memory.command("bob", "ask", FREEZE)
    assert (await last_question(app)).cited == "faq:pause-membership"


async def test_the_edit_form_lists_learned_wordings_and_leaving_one_out_forgets_it(
    app: App, memory: MemoryPlatform
) -> None:
    await _learn(app, memory, FREEZE, "pause-membership")
    original = await entry(app, "pause-membership")
    [form] = (await memory.command("creator", "faq", "edit pause-membership")).forms
    listed = {f.name: f.initial for f in form.fields}["alt_questions"].splitlines()
    assert listed == [*original.alt_questions, FREEZE]

    typed = await memory.command("creator", "faq", f"edit pause-membership {original.question} | {original.answer}")
    assert "Updated" in typed.texts[0]
    assert (await entry(app, "pause-membership")).learned_questions == [FREEZE]  # a typed edit never shows them

    values = {"key": "pause-membership", "question": original.question, "answer": original.answer}
    await memory.submit("creator", "faq.edit", {**values, "alt_questions": "\n".join(listed)})
    kept = await entry(app, "pause-membership")
    assert (kept.alt_questions, kept.learned_questions) == (original.alt_questions, [FREEZE])
    await memory.submit("creator", "faq.edit", {**values, "alt_questions": "\n".join(listed[:-1])})
    assert (await entry(app, "pause-membership")).learned_questions == []


async def test_learned_wordings_too_long_for_one_form_field_are_not_listed_and_so_not_forgotten(
    app: App, memory: MemoryPlatform
) -> None:
    await memory.command("creator", "help")
    wordings = [f"Member wording number {n}: " + "so " * 90 + "can I pause?" for n in range(10)]  # ~300 characters each
    async with app.database.session() as session:
        row = await session.scalar(select(FaqEntry).where(FaqEntry.key == "pause-membership"))
        assert row is not None
        row.learned_questions = wordings
    original = await entry(app, "pause-membership")
    [form] = (await memory.command("creator", "faq", "edit pause-membership")).forms
    listed = {f.name: f.initial for f in form.fields}["alt_questions"]
    assert listed.splitlines() == original.alt_questions  # the creator's own only: all of them would not fit

    values = {"key": "pause-membership", "question": original.question, "answer": original.answer}
    await memory.submit("creator", "faq.edit", {**values, "alt_questions": listed})
    assert (await entry(app, "pause-membership")).learned_questions == wordings
