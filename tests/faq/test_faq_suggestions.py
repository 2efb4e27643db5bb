"""The "is it one of these?" offer: the FAQ entries an "I don't know" offers, and the member's pick.

The engine's own opinion is tested on a running club's FAQ written here (the real encoder);
the pick itself through the app, on the sample community with the lexical engine.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.app import App
from bot.i18n import Catalog
from bot.messages import Button, Buttons, OutboundMessage
from bot.notices.faq import FaqAnswer, SourceInfo
from bot.platforms.discord.render import decode_custom_id, render_view
from bot.platforms.memory import MemoryPlatform
from bot.platforms.slack.render import action_ids_in, decode_action_id
from bot.platforms.slack.render import render_message as slack_render
from bot.services.faq import Document, FaqAnswerer
from bot.services.faq.evaluate import Question, score_offers
from bot.services.faq.semantic import Encoder
from bot.views import faq as views
from storage.models import FaqEntry
from tests.conftest import REPO_ROOT

from .test_faq_answers import asked, small_print, text_of

CLUB = [
    ("training-plans", "Where do I find this week's training plan?", "Every Monday the new plan is posted in #plans."),
    ("race-entry", "Does the club pay my race entry fees?", "Members get 20 % off entries to partner races."),
    ("injury", "What should I do if I get injured?", "Stop running and see a physiotherapist first."),
    ("group-runs", "When are the group runs?", "Wednesday at 18:30 and Saturday at 08:00, from the park gate."),
    ("cancel", "How do I cancel my membership?", "Type /leave; you keep access until the end of the month."),
    ("kit", "Do members get club kit?", "Every member can order the club shirt at cost price in #kit."),
]

# What a member of the sample community types: the words of an entry, but too few to answer on.
VAGUE = "community rules"


@pytest.fixture(scope="module")
def club(encoder: Encoder) -> FaqAnswerer:
    documents = [Document(doc_id=f"faq:{k}", kind="faq", title=q, text=a, answer=a) for k, q, a in CLUB]
    return FaqAnswerer(documents, encoder)


def test_an_unsure_answer_offers_the_entries_it_may_be(club: FaqAnswerer) -> None:
    decision = club.answer("is there a discount on marathons")
    assert decision.doc is None  # not sure enough to answer
    assert [d.doc_id for d in decision.suggestions][:1] == ["faq:race-entry"]
    assert len(decision.suggestions) == 3


def test_a_confident_answer_offers_nothing(club: FaqAnswerer) -> None:
    decision = club.answer("what time do you all meet up to run together")
    assert decision.doc is not None and decision.doc.doc_id == "faq:group-runs"
    assert decision.suggestions == ()


@pytest.mark.parametrize(
    "message",
    ["what's the weather like tomorrow?", "can you recommend a good pizza place", "asdkjh", "tell me a joke please"],
)
def test_everyday_and_nonsense_messages_are_offered_no_entries(club: FaqAnswerer, message: str) -> None:
    decision = club.answer(message)
    assert decision.doc is None
    assert decision.suggestions == ()


def test_the_offers_are_counted_apart_from_answers() -> None:
    questions = [Question("a", "faq:x"), Question("b", "faq:y"), Question("c", "faq:z"), Question("d", None)]
    outcomes = {"a": ("faq:x", ()), "b": (None, ("faq:q", "faq:y")), "c": (None, ("faq:q",)), "d": (None, ("faq:q",))}
    assert score_offers(questions, outcomes) == {"answered_or_offered": 0.6667, "offered_off_topic": 1.0}


# -- in the app ------------------------------------------------------------------------------


def picks(message: OutboundMessage) -> list[Button]:
    return [b for block in message.blocks if isinstance(block, Buttons) for b in block.buttons]


async def entry(app: App, key: str) -> FaqEntry:
    async with app.database.session() as session:
        found = await session.scalar(select(FaqEntry).where(FaqEntry.key == key))
    assert found is not None
    return found


async def test_i_dont_know_offers_entries_and_a_pick_answers_with_the_source(app: App, memory: MemoryPlatform) -> None:
    reply = await memory.command("alice", "ask", VAGUE)
    [message] = [m for m, _ in reply.replies]
    [row] = await asked(app)
    guidelines = await entry(app, "community-guidelines")
    assert "Is it one of these?" in message.text and "Maya" in message.text
    buttons = picks(message)
    assert [b.action_id for b in buttons] == [f"faq.pick:{row.id}"] * 3 + [f"faq.forward:{row.id}"]
    assert [b.value for b in buttons[:3]] == ["1", "2", "3"]
    assert buttons[0].label == guidelines.question
    assert row.place["suggested"][0] == "faq:community-guidelines"

    picked = await memory.click("alice", f"faq.pick:{row.id}", "1")
    [(answer, ephemeral)] = picked.replies
    assert answer.text == guidelines.answer and ephemeral
    assert small_print(answer) == f"Source: FAQ “{guidelines.question}”"
    assert [b.action_id for b in picks(answer)] == [f"faq.up:{row.id}", f"faq.down:{row.id}"]
    [after] = await asked(app)
    # The member's pick, not the bot's answer: still open for the creator, marked with the pick.
    assert (after.status, after.place["picked"]) == ("unanswered", "faq:community-guidelines")


async def test_the_creator_sees_the_pick_and_can_teach_that_wording(app: App, memory: MemoryPlatform) -> None:
    await memory.command("creator", "help")
    await memory.command("alice", "ask", VAGUE)
    [row] = await asked(app)
    await memory.click("alice", f"faq.pick:{row.id}", "1")
    inbox = await memory.command("creator", "faq", "inbox")
    listing = text_of(inbox.replies[0][0])
    assert "picked `community-guidelines`" in listing and f"/faq link {row.id} community-guidelines" in listing
    await memory.command("creator", "faq", f"link {row.id} community-guidelines")
    assert VAGUE in (await entry(app, "community-guidelines")).learned_questions
    again = await memory.command("bob", "ask", VAGUE)
    assert again.replies[0][0].text == (await entry(app, "community-guidelines")).answer


@pytest.mark.parametrize("choice", ["0", "4", "-1", "x", "", "1 OR 1=1", "²", "9" * 400])
async def test_a_forged_or_stale_pick_is_refused_and_changes_nothing(
    app: App, memory: MemoryPlatform, choice: str
) -> None:
    await memory.command("alice", "ask", VAGUE)
    [row] = await asked(app)
    reply = await memory.click("alice", f"faq.pick:{row.id}", choice)
    assert reply.texts == ["That suggestion isn't available any more. Ask me again with `/ask`."]
    assert "picked" not in (await asked(app))[0].place


async def test_only_the_asker_can_pick_and_a_removed_entry_is_not_shown(app: App, memory: MemoryPlatform) -> None:
    await memory.command("alice", "ask", VAGUE)
    [row] = await asked(app)
    other = await memory.click("bob", f"faq.pick:{row.id}", "1")
    assert other.texts == ["Only the person who asked can do that."]
    await app.services.answers.entries.remove("community-guidelines")
    gone = await memory.click("alice", f"faq.pick:{row.id}", "1")
    assert gone.texts == ["That suggestion isn't available any more. Ask me again with `/ask`."]
    assert "picked" not in (await asked(app))[0].place


async def test_a_message_that_relates_to_nothing_gets_the_plain_offer_to_ask_the_creator(
    app: App, memory: MemoryPlatform
) -> None:
    reply = await memory.command("alice", "ask", "Tell me a joke about cats")
    [message] = [m for m, _ in reply.replies]
    [row] = await asked(app)
    assert "I don't know" in message.text
    assert [b.action_id for b in picks(message)] == [f"faq.forward:{row.id}"]
    assert "suggested" not in row.place


def test_the_offer_renders_on_slack_and_discord_with_one_id_per_button() -> None:
    """Three picks share the action `faq.pick:7`: each platform must still tell them apart."""
    t = Catalog.load(REPO_ROOT / "prompts").for_locale("en")
    long = "How do I " + "really " * 20 + "cancel?"
    offered = tuple(SourceInfo(f"faq:e{n}", "faq", title) for n, title in enumerate(("A?", "B?", long), start=1))
    message = views.answer_message(FaqAnswer(7, "Maya", False, "", (), suggestions=offered), t, ZoneInfo("UTC"))
    [*choices, forward] = picks(message)
    assert len(choices[2].label) <= views.PICK_LABEL and choices[2].label.endswith("…")
    slack_ids = action_ids_in(slack_render(message)["blocks"])
    assert len(set(slack_ids)) == 4 and {decode_action_id(i) for i in slack_ids} == {"faq.pick:7", "faq.forward:7"}
    view = render_view(message)
    assert view is not None
    custom_ids = [getattr(item, "custom_id", "") for item in view.children]
    assert [decode_custom_id(c) for c in custom_ids] == [
        ("faq.pick:7", "1"),
        ("faq.pick:7", "2"),
        ("faq.pick:7", "3"),
        ("faq.forward:7", ""),
    ]
    assert forward.label == "Ask Maya"
