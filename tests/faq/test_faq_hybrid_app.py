"""The app on the hybrid FAQ engine (the product default): warm-up, answers by meaning, cheap rebuilds."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.app import App
from bot.clock import FakeClock
from bot.platforms.memory import MemoryPlatform
from bot.services.faq import FaqAnswerer
from bot.services.faq.semantic import Encoder
from bot.settings import Settings
from storage.database import Database
from storage.models import FaqQuestion
from tests.conftest import make_app

# Neither shares an indexed word with its entry ("Where should I start?", "How do I cancel...").
MEANING_ONLY = {"where do I begin?": "start-here-path", "I want to leave the club": "cancel-membership"}


@pytest.fixture
async def hybrid_app(
    sqlite_db: Database,
    settings: Settings,
    clock: FakeClock,
    memory: MemoryPlatform,
    community_path: Path,
    encoder: Encoder,
) -> AsyncIterator[App]:
    application = await make_app(
        sqlite_db, settings.model_copy(update={"faq_engine": "hybrid"}), clock, {"memory": memory}, community_path
    )
    yield application
    await application.stop()


async def asked(app: App) -> list[FaqQuestion]:
    async with app.database.session() as session:
        return list((await session.scalars(select(FaqQuestion).order_by(FaqQuestion.id))).all())


@pytest.mark.long
async def test_warm_up_builds_once_and_members_get_answers_the_words_alone_miss(
    hybrid_app: App, memory: MemoryPlatform
) -> None:
    knowledge = hybrid_app.services.answers.knowledge
    await knowledge.warm_up()
    snapshot = await knowledge.current()
    assert knowledge.builds == 1
    assert snapshot.answerer is not None and snapshot.answerer.engine == "hybrid"
    words_only = FaqAnswerer(list(snapshot.documents.values()))

    for question, key in MEANING_ONLY.items():
        assert words_only.answer(question).doc is None
        reply = await memory.command("alice", "ask", question)
        [(message, _)] = reply.replies
        row = (await asked(hybrid_app))[-1]
        assert (row.status, row.cited) == ("answered", f"faq:{key}")
        assert message.text == snapshot.documents[f"faq:{key}"].answer

    reply = await memory.command("alice", "ask", "what's the weather like in Lisbon tomorrow?")
    assert "I don't know" in reply.replies[0][0].text  # and no entries offered: it is an everyday question
    assert "suggested" not in (await asked(hybrid_app))[-1].place
    # The README's example: "freeze" is no closer to *cancel* than *pause*'s own question is.
    await memory.command("alice", "ask", "can I freeze my membership?")
    assert (await asked(hybrid_app))[-1].cited in (None, "faq:pause-membership")
    assert knowledge.builds == 1  # questions reuse the warm index


@pytest.mark.long
async def test_a_new_entry_is_answerable_at_once_and_only_its_texts_are_encoded(
    hybrid_app: App, memory: MemoryPlatform
) -> None:
    knowledge = hybrid_app.services.answers.knowledge
    await knowledge.warm_up()
    encoded = knowledge.vectors.encoded

    await memory.command(
        "creator", "faq", "add Do you offer a student discount? | Yes: 30% off with a valid student card."
    )
    reply = await memory.command("alice", "ask", "is there a cheaper price for students?")

    assert "30% off" in reply.replies[0][0].text
    assert knowledge.builds == 2
    assert knowledge.vectors.encoded - encoded == 3  # the new question, its passage and its one answer sentence
