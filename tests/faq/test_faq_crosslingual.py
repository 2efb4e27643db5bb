"""Answers across languages, through the app on the hybrid engine: a question in Norwegian, Danish,
Dutch or Chinese is answered from an English knowledge base when the meaning matches (and an
English one from a Norwegian knowledge base), and the reply says the source is in another language.

The knowledge bases and questions are our own (a fictional course platform), ten entries each.
"""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import select

from bot.app import App
from bot.clock import FakeClock
from bot.messages import Context
from bot.platforms.memory import MemoryPlatform
from bot.services.faq import Document, FaqAnswerer
from bot.services.faq.calibrate import CROSS, CROSS_FEATURES, FEATURES, GUARD_SIGNALS
from bot.services.faq.semantic import Encoder, answer_sentences, passage_text
from bot.services.faq.text import language, languages, text_languages
from bot.settings import Settings
from storage.database import Database
from storage.models import FaqQuestion
from tests.conftest import SAMPLE, make_app

ENGLISH = [
    (
        "pause",
        "Can I pause my membership?",
        "Yes. Under Account → Billing you can pause your membership for one to three months. You pay nothing "
        "while it is paused, and everything comes back when the pause ends.",
    ),
    (
        "cancel",
        "How do I end my membership?",
        "Go to Account → Billing and choose 'End membership'. You keep access until the end of the period you have paid for.",
    ),
    (
        "receipts",
        "Where can I find my receipts?",
        "Every receipt is under Account → Receipts as a PDF, with your company's VAT number if you added one.",
    ),
    (
        "recordings",
        "Are the live sessions recorded?",
        "Yes. Every live session is recorded, and the recording appears in the library within a day.",
    ),
    (
        "email",
        "How do I change the e-mail address on my account?",
        "Open Account → Profile, type the new address and confirm it from the message we send there.",
    ),
    (
        "phone",
        "Is there a phone app?",
        "There is no app to install: the member site works in the browser on any phone.",
    ),
    (
        "refund",
        "Can I get my money back?",
        "Within 14 days of joining you get a full refund, no questions asked. Write to the team from Account → Help.",
    ),
    (
        "password",
        "I forgot my password. What now?",
        "Click 'Forgot password' on the sign-in page and we send you a link to choose a new one.",
    ),
    (
        "guests",
        "Can I bring a guest to a workshop?",
        "Each member may bring one guest to one workshop a month; add their name when you book.",
    ),
    (
        "certificate",
        "Do I get a certificate when I finish a course?",
        "Yes. When you have finished every lesson of a course, a certificate with your name appears under Account → Courses.",
    ),
]
NORWEGIAN = [
    (
        "pause",
        "Kan jeg sette medlemskapet på pause?",
        "Ja. Under Konto → Betaling kan du sette medlemskapet på pause i én til tre måneder. Du betaler ingenting så "
        "lenge pausen varer.",
    ),
    (
        "cancel",
        "Hvordan avslutter jeg medlemskapet?",
        "Gå til Konto → Betaling og velg «Avslutt medlemskap». Du har tilgang ut perioden du har betalt for.",
    ),
    (
        "receipts",
        "Hvor finner jeg kvitteringene mine?",
        "Alle kvitteringer ligger under Konto → Kvitteringer som PDF, med organisasjonsnummeret ditt hvis du har lagt det inn.",
    ),
    (
        "recordings",
        "Blir direktesendingene tatt opp?",
        "Ja. Hver direktesending blir tatt opp, og opptaket kommer i biblioteket innen et døgn.",
    ),
    (
        "email",
        "Hvordan bytter jeg e-postadressen på kontoen min?",
        "Åpne Konto → Profil, skriv inn den nye adressen og bekreft den fra meldingen vi sender dit.",
    ),
    (
        "phone",
        "Finnes det en app til mobilen?",
        "Det finnes ingen app å installere: medlemssidene virker i nettleseren på alle telefoner.",
    ),
    (
        "refund",
        "Kan jeg få pengene tilbake?",
        "Innen 14 dager etter at du ble med, får du alle pengene tilbake. Skriv til oss fra Konto → Hjelp.",
    ),
    (
        "password",
        "Jeg har glemt passordet mitt. Hva gjør jeg?",
        "Trykk «Glemt passord» på innloggingssiden, så sender vi deg en lenke der du velger et nytt.",
    ),
    (
        "guests",
        "Kan jeg ta med en gjest på et verksted?",
        "Hvert medlem kan ta med én gjest på ett verksted i måneden; skriv navnet når du bestiller plass.",
    ),
    (
        "certificate",
        "Får jeg et kursbevis når jeg er ferdig med et kurs?",
        "Ja. Når du har fullført alle leksjonene i et kurs, finner du et kursbevis med navnet ditt under Konto → Kurs.",
    ),
]
ANSWERS = {"en": {key: answer for key, _, answer in ENGLISH}, "nb": {key: answer for key, _, answer in NORWEGIAN}}


def _toml(entries: list[tuple[str, str, str]]) -> str:
    def quoted(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

    return "\n".join(
        f"[[faq]]\nid = {quoted(key)}\nquestion = {quoted(q)}\nanswer = {quoted(a)}\n" for key, q, a in entries
    )


def community(root: Path, locale: str, entries: list[tuple[str, str, str]]) -> Path:
    """The sample community with our own FAQ in its place, in ``locale``."""
    path = root / f"community-{locale}"
    shutil.copytree(SAMPLE, path)
    toml = path / "community.toml"
    text = toml.read_text(encoding="utf-8")
    assert 'locale = "en"' in text, "sample community.toml changed shape"
    toml.write_text(text.replace('locale = "en"', f'locale = "{locale}"', 1), encoding="utf-8")
    (path / "faq.toml").write_text(_toml(entries), encoding="utf-8")
    return path


@pytest.fixture
def hybrid_app(
    sqlite_db: Database, settings: Settings, clock: FakeClock, memory: MemoryPlatform, tmp_path: Path, encoder: Encoder
) -> Callable[[str, list[tuple[str, str, str]]], AsyncIterator[App]]:
    """Starts the real app on the hybrid engine with a community in ``locale`` whose FAQ is ``entries``."""

    @asynccontextmanager
    async def start(locale: str, entries: list[tuple[str, str, str]]) -> AsyncIterator[App]:
        application = await make_app(
            sqlite_db,
            settings.model_copy(update={"faq_engine": "hybrid"}),
            clock,
            {"memory": memory},
            community(tmp_path, locale, entries),
        )
        try:
            yield application
        finally:
            await application.stop()

    return start


async def last_question(app: App) -> FaqQuestion:
    async with app.database.session() as session:
        return (await session.scalars(select(FaqQuestion).order_by(FaqQuestion.id.desc()))).first()  # type: ignore[return-value]


def notes(reply_blocks: tuple[object, ...]) -> list[str]:
    return [block.text for block in reply_blocks if isinstance(block, Context)]


async def test_an_english_faq_answers_norwegian_danish_dutch_and_chinese_questions_and_says_so(
    hybrid_app: Callable, memory: MemoryPlatform
) -> None:
    asked = {
        "Kan jeg sette medlemskapet mitt på pause?": "pause",
        "Jeg har glemt min adgangskode": "password",
        "Ik ben mijn wachtwoord vergeten": "password",
        "我能拿回我的钱吗？": "refund",
        "完成课程后我会得到证书吗？": "certificate",
    }
    async with hybrid_app("en", ENGLISH) as app:
        for question, key in asked.items():
            reply = await memory.command("alice", "ask", question)
            [(message, _)] = reply.replies
            row = await last_question(app)
            assert (row.status, row.cited) == ("answered", f"faq:{key}"), question
            assert message.text == ANSWERS["en"][key]
            assert "This answer comes from a source in English." in notes(message.blocks), question

        same = await memory.command("alice", "ask", "I forgot my password, what now?")
        [(message, _)] = same.replies
        assert (await last_question(app)).cited == "faq:password"
        assert not any("source in" in note for note in notes(message.blocks))  # same language: no note


async def test_off_topic_questions_in_another_language_are_not_answered(
    hybrid_app: Callable, memory: MemoryPlatform
) -> None:
    async with hybrid_app("en", ENGLISH) as app:
        for question in (
            "Hva blir været i Bergen i morgen?",
            "明天北京天气怎么样？",
            "Kan jeg betale med bitcoin?",
            "可以用比特币付款吗？",
        ):
            reply = await memory.command("alice", "ask", question)
            assert "I don't know" in reply.replies[0][0].text, question
            assert (await last_question(app)).status == "unanswered"


async def test_a_norwegian_faq_answers_english_and_chinese_questions(
    hybrid_app: Callable, memory: MemoryPlatform
) -> None:
    async with hybrid_app("nb", NORWEGIAN) as app:
        for question, key in {
            "Can I bring a friend to a workshop?": "guests",
            "I forgot my password": "password",
            "我忘记密码了，怎么办？": "password",
        }.items():
            reply = await memory.command("alice", "ask", question)
            [(message, _)] = reply.replies
            assert (await last_question(app)).cited == f"faq:{key}", question
            assert message.text == ANSWERS["nb"][key]
            # The member's locale is unknown here, so the note is in the community's language.
            assert "Svaret kommer fra en kilde på norsk." in notes(message.blocks)

        await memory.command("alice", "ask", "What will the weather be like in Bergen tomorrow?")
        assert (await last_question(app)).status == "unanswered"


# -- telling the language -------------------------------------------------------------------


def test_chinese_is_told_by_script_even_with_a_few_english_words() -> None:
    assert languages("我忘记密码了，怎么办？") == {"zh"}
    assert languages("portal里的calendar写着周二") == {"zh"}
    assert languages("can I talk to 李明 about my invoice?") == {"en"}


def test_latin_languages_are_told_by_function_words_and_norwegian_comes_with_danish() -> None:
    assert languages("Where can I find my receipts?") == {"en"}
    assert languages("Ik ben mijn wachtwoord vergeten") == {"nl"}
    assert languages("Hvor finner jeg kvitteringene mine?") == {"nb", "da"}
    assert languages("Hvad gør jeg, hvis jeg har glemt min adgangskode?") == {"nb", "da"}
    assert languages("refund?") == frozenset()  # too short to tell: decided as the knowledge's own language
    assert language("Hvad gør jeg, hvis jeg ikke kan finde mine kvitteringer? Jeg har ledt overalt.") == "da"


def test_an_unclear_entry_takes_the_knowledge_bases_main_language() -> None:
    texts = [f"{q}\n{a}" for _, q, a in NORWEGIAN] + ["Where can I find my receipts?\nUnder Account → Receipts."]
    found = text_languages(texts)
    assert found[:-1] == ["nb"] * len(NORWEGIAN)
    assert found[-1] == "en"


class Meanings:
    """A stand-in encoder: each text means what ``meaning`` says (one direction per meaning), so the
    routing can be tested without the model's opinion."""

    model_id = "meanings-test"

    def __init__(self, meaning: dict[str, int], size: int = 16) -> None:
        self._meaning = meaning
        self._size = size

    def _rows(self, texts: Sequence[str]) -> np.ndarray:
        rows = np.zeros((len(texts), self._size), dtype=np.float32)
        for n, text in enumerate(texts):
            rows[n, self._meaning.get(text, self._size - 1)] = 1.0
        return rows

    encode_queries = encode_passages = _rows


def test_a_message_in_another_language_is_ranked_by_meaning_and_decided_by_the_cross_language_model() -> None:
    docs = [Document(key, "faq", q, a, a) for key, q, a in ENGLISH]
    meaning = {q: n for n, (_, q, _) in enumerate(ENGLISH)}
    meaning |= {passage_text(d): n for n, d in enumerate(docs)}
    meaning |= {s: n for n, d in enumerate(docs) for s in answer_sentences(d)}
    meaning |= {"我忘记密码了，怎么办？": 7, "I have forgotten my password, what now?": 7, "Jeg har glemt passordet": 7}
    answerer = FaqAnswerer(docs, Meanings(meaning))

    chinese = answerer.rank("我忘记密码了，怎么办？")
    assert chinese.source_language == "en" and chinese.hits[0].doc.doc_id == "password"
    assert len(chinese.features) == len(CROSS_FEATURES) + 1  # and the background guard
    decision = answerer.answer("我忘记密码了，怎么办？")
    assert decision.doc is not None and decision.source_language == "en"
    assert decision.confidence == pytest.approx(CROSS.confidence(chinese.features))

    assert answerer.answer("Jeg har glemt passordet").source_language == "en"
    english = answerer.answer("I have forgotten my password, what now?")
    assert english.doc is not None and english.source_language is None  # same language: the usual model
    assert answerer.rank("I have forgotten my password, what now?").features.shape == (
        len(FEATURES) + len(GUARD_SIGNALS),
    )
    assert FaqAnswerer(docs).answer("我忘记密码了，怎么办？").source_language is None  # words only: never across
