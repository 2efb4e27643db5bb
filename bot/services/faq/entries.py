"""FAQ entries edited in chat: add, edit, remove and list, with the same checks as faq.toml."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from bot.community.checks import unsafe_link
from bot.notices.faq import FAQ_ANSWER, FAQ_QUESTION, Entry
from bot.services.community import CommunityContext
from bot.services.errors import UserError
from bot.services.faq.knowledge import Knowledge
from storage.database import Database, Session
from storage.models import FaqEntry
from storage.repositories import faq as repo

log = logging.getLogger(__name__)

MAX_QUESTION = FAQ_QUESTION
MAX_ANSWER = FAQ_ANSWER
MAX_ALTS = 10
MAX_LEARNED = 10
"""Members' wordings an entry keeps (the newest); the creator's own alternatives are apart."""
KEY = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
KEY_WORDS = 8


def entry_data(row: FaqEntry) -> Entry:
    """An entry as the views show it (plain data, not the stored row)."""
    return Entry(row.key, row.question, row.answer, tuple(row.alt_questions or ()), tuple(row.learned_questions or ()))


@dataclass(frozen=True)
class EntryDraft:
    """What the creator typed; `alt_questions` is one per line.

    ``lists_learned``: the creator edited a form that listed the entry's learned wordings among the
    alternatives (`Entry.form_lists_learned`), so a learned wording left out is forgotten. A typed
    `/faq edit` never shows them, and keeps them all.
    """

    question: str
    answer: str
    alt_questions: str = ""
    lists_learned: bool = False


@dataclass(frozen=True)
class CleanEntry:
    question: str
    answer: str
    alt_questions: tuple[str, ...]
    learned_questions: tuple[str, ...] = ()


def validate(draft: EntryDraft, learned: Sequence[str] = ()) -> CleanEntry:
    """Check every field; the first problem is raised as a `UserError` and nothing is saved.

    ``learned``: the entry's learned wordings. Lines of the draft that repeat one stay learned (and
    do not count towards the creator's own alternatives).
    """
    question = " ".join(draft.question.split())
    answer = draft.answer.strip()
    if not question:
        raise UserError("faq.errors.empty_entry_question")
    if len(question) > MAX_QUESTION:
        raise UserError("faq.errors.long_entry_question", count=len(question), limit=MAX_QUESTION)
    if not answer:
        raise UserError("faq.errors.empty_answer")
    if len(answer) > MAX_ANSWER:
        raise UserError("faq.errors.long_answer", count=len(answer), limit=MAX_ANSWER)
    if (link := unsafe_link(answer)) is not None:
        raise UserError("faq.errors.unsafe_link", link=link)
    lines = tuple(dict.fromkeys(" ".join(line.split()) for line in draft.alt_questions.splitlines() if line.strip()))
    listed = {line.casefold() for line in lines}
    kept = tuple(w for w in learned if not draft.lists_learned or w.casefold() in listed)
    is_learned = {w.casefold() for w in kept}
    alts = tuple(line for line in lines if line.casefold() not in is_learned)
    if len(alts) > MAX_ALTS:
        raise UserError("faq.errors.too_many_alts", count=len(alts), limit=MAX_ALTS)
    for alt in alts:
        if len(alt) > MAX_QUESTION:
            raise UserError("faq.errors.long_entry_question", count=len(alt), limit=MAX_QUESTION)
    folded = question.casefold()
    return CleanEntry(
        question,
        answer,
        tuple(a for a in alts if a.casefold() != folded),
        tuple(w for w in kept if w.casefold() != folded),
    )


def unique_key(question: str, taken: set[str]) -> str:
    """A kebab-case key from the question's first words (`how-do-i-pause`), unique among `taken`."""
    words = re.findall(r"[a-z0-9]+", question.lower())
    base = "-".join(words[:KEY_WORDS])[:60].strip("-") or "question"
    key, n = base, 2
    while key in taken:
        key, n = f"{base}-{n}", n + 1
    return key


def check_key(key: str) -> str:
    key = key.strip().lower()
    if not KEY.match(key) or len(key) > 80:
        raise UserError("faq.errors.bad_key", entry=key[:80] or "?")
    return key


class FaqEntries:
    def __init__(self, database: Database, community: CommunityContext, knowledge: Knowledge) -> None:
        self._database = database
        self._community = community
        self._knowledge = knowledge

    async def add(self, draft: EntryDraft) -> FaqEntry:
        clean = validate(draft)
        async with self._database.session() as session:
            await self._refuse_duplicate(session, clean.question)
            taken = await repo.entry_keys(session, self._community.id)
            entry = await repo.insert_entry(
                session,
                community_id=self._community.id,
                key=unique_key(clean.question, taken),
                question=clean.question,
                answer=clean.answer,
                alt_questions=list(clean.alt_questions),
                learned_questions=[],
                tags=[],
                source="chat",
            )
        self._knowledge.invalidate()
        log.info("faq entry %s added in chat", entry.key)
        return entry

    async def edit(self, key: str, draft: EntryDraft) -> FaqEntry:
        async with self._database.session() as session:
            entry = await self._find(session, key)
            shown = draft.lists_learned and entry_data(entry).form_lists_learned
            clean = validate(replace(draft, lists_learned=shown), tuple(entry.learned_questions or ()))
            await self._refuse_duplicate(session, clean.question, except_key=entry.key)
            entry.question, entry.answer, entry.alt_questions = clean.question, clean.answer, list(clean.alt_questions)
            entry.learned_questions = list(clean.learned_questions)
        self._knowledge.invalidate()
        log.info("faq entry %s edited in chat", entry.key)
        return entry

    async def remove(self, key: str) -> FaqEntry:
        async with self._database.session() as session:
            entry = await self._find(session, key)
            await repo.remove_entry(session, entry)
        self._knowledge.invalidate()
        log.info("faq entry %s removed in chat", entry.key)
        return entry

    async def get(self, key: str) -> FaqEntry:
        async with self._database.session() as session:
            return await self._find(session, key)

    async def list(self, tag: str = "") -> Sequence[FaqEntry]:
        """Every entry, or those with `tag`, in the order they were added."""
        async with self._database.session() as session:
            rows = await repo.all_entries(session, self._community.id)
        wanted = tag.strip().lstrip("#").casefold()
        return [e for e in rows if not wanted or wanted in (str(t).casefold() for t in e.tags or ())]

    async def _find(self, session: Session, key: str) -> FaqEntry:
        clean = check_key(key)
        entry = await repo.entry(session, self._community.id, clean)
        if entry is None:
            raise UserError("faq.errors.unknown_key", entry=clean)
        return entry

    async def _refuse_duplicate(self, session: Session, question: str, except_key: str | None = None) -> None:
        same = await repo.key_asking(session, self._community.id, question, except_key=except_key or "")
        if same is not None:
            raise UserError("faq.errors.duplicate", entry=same)
