"""What the bot answers from: FAQ entries, published content and live recordings, indexed and kept fresh.

Vectors of the sentence encoder (hybrid engine) are cached by text across rebuilds, so a
rebuild encodes only what changed; the first build runs when the app starts
(:meth:`Knowledge.warm_up`), not on a member's first question.

Freshness: before each question a cheap signature is read (counts, highest ids and total
text lengths of the three sources: three aggregate queries). The index is rebuilt when the
signature changed (a publish, a recording, an import in another process), when this process
changed the FAQ itself (`invalidate()`), or when it is older than `MAX_AGE` (a backstop for an
edit that kept every length the same). Building runs in a thread of its own; a build whose
caller is cancelled (the app is quitting) stops before its next batch of texts, and quitting
never waits for it.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import numpy as np

from bot.clock import Clock
from bot.notices.faq import SourceInfo
from bot.services.faq import Decision, Document, FaqAnswerer
from bot.services.faq.semantic import Encoder, VectorCache
from storage.database import Database, Session
from storage.repositories import faq as repo

log = logging.getLogger(__name__)

MAX_AGE = timedelta(minutes=10)
EXCERPT = 400


@dataclass(frozen=True)
class Snapshot:
    answerer: FaqAnswerer | None
    sources: Mapping[str, SourceInfo]
    signature: tuple[Any, ...]
    built_at: datetime
    documents: Mapping[str, Document] = field(default_factory=dict)

    async def decide(self, question: str, k: int = 5) -> Decision:
        """The answerer's decision; the hybrid one off the event loop (encoding takes tens of ms)."""
        if self.answerer is None:
            return Decision(doc=None, score=0.0, confidence=0.0, candidates=())
        if self.answerer.engine == "lexical":
            return self.answerer.answer(question, k=k)
        return await asyncio.to_thread(self.answerer.answer, question, k)

    def relates(self, question: str) -> bool:
        """Whether the message shares a term with anything we know ("thanks!" does not)."""
        return self.answerer is not None and self.answerer.relates(question)


def excerpt(text: str, limit: int = EXCERPT) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rsplit(" ", 1)[0] + "…"


async def signature(session: Session, community_id: int) -> tuple[Any, ...]:
    """Counts, highest ids and text lengths of everything indexed: changes when any of it does."""
    return await repo.signature(session, community_id)


async def load_documents(session: Session, community_id: int) -> tuple[list[Document], dict[str, SourceInfo]]:
    """Every indexable document, and how to cite each one."""
    documents: list[Document] = []
    sources: dict[str, SourceInfo] = {}
    for entry in await repo.all_entries(session, community_id):
        doc_id = f"faq:{entry.key}"
        documents.append(
            Document(
                doc_id=doc_id,
                kind="faq",
                title=entry.question,
                text=entry.answer,
                answer=entry.answer,
                alt_titles=tuple(str(q) for q in entry.alt_questions or ()),
                learned_titles=tuple(str(q) for q in entry.learned_questions or ()),
                tags=tuple(str(t) for t in entry.tags or ()),
            )
        )
        sources[doc_id] = SourceInfo(doc_id, "faq", entry.question)
    recordings = await repo.recordings(session, community_id)
    notes = {r.content_item_id: r for r in recordings if r.content_item_id is not None}
    for item in await repo.published_items(session, community_id):
        doc_id = f"content:{item.slug}"
        live = notes.pop(item.id, None)
        extra = [live.description] if live is not None and live.description else []
        body = "\n\n".join(part for part in (item.teaser, item.body, *extra) if part)
        documents.append(
            Document(
                doc_id=doc_id,
                kind="content",
                title=item.title,
                text=body,
                answer=item.teaser or excerpt(item.body),
                tags=tuple(str(t) for t in item.topics or ()),
            )
        )
        sources[doc_id] = SourceInfo(
            doc_id, "recording" if live else "content", item.title, item_id=item.id, url=item.url
        )
    for live in recordings:
        if live.content_item_id is not None and live.content_item_id not in notes:
            continue  # already indexed through its library item
        doc_id = f"live:{live.id}"
        text = live.description or live.title
        documents.append(Document(doc_id=doc_id, kind="recording", title=live.title, text=text, answer=excerpt(text)))
        sources[doc_id] = SourceInfo(doc_id, "recording", live.title, url=live.recording_url)
    return documents, sources


class BuildCanceled(Exception):
    """The index build was stopped between two batches because its caller went away."""


class StoppableEncoder:
    """The encoder for one build: before each batch (semantic.ENCODE_BATCH texts; the engine is
    several times faster on a batch than on single texts) it checks whether the build was called off."""

    def __init__(self, encoder: Encoder, stop: threading.Event) -> None:
        self._encoder = encoder
        self._stop = stop
        self.model_id = encoder.model_id

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        self._check()
        return self._encoder.encode_queries(texts)

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        self._check()
        return self._encoder.encode_passages(texts)

    def _check(self) -> None:
        if self._stop.is_set():
            raise BuildCanceled("the FAQ index build was called off")


class Knowledge:
    """The current index, rebuilt when what it was built from changed."""

    def __init__(self, database: Database, clock: Clock, community_id: int, encoder: Encoder | None = None) -> None:
        self._database = database
        self._clock = clock
        self._community_id = community_id
        self._encoder = encoder
        self.vectors = VectorCache()
        self._snapshot: Snapshot | None = None
        self._stale = True
        self._lock = asyncio.Lock()
        self.builds = 0

    def invalidate(self) -> None:
        """Rebuild before the next question (this process changed the FAQ)."""
        self._stale = True

    async def current(self) -> Snapshot:
        async with self._database.session() as session:
            seen = await signature(session, self._community_id)
        if self._fresh(seen):
            assert self._snapshot is not None
            return self._snapshot
        async with self._lock:
            if self._fresh(seen):
                assert self._snapshot is not None
                return self._snapshot
            self._stale = False  # a change from here on marks the new snapshot stale again
            async with self._database.session() as session:
                documents, sources = await load_documents(session, self._community_id)
            answerer = await self._build(documents) if documents else None
            self._snapshot = Snapshot(answerer, sources, seen, self._clock.now(), {d.doc_id: d for d in documents})
            self.builds += 1
            log.info("faq index built: %d documents (%s)", len(documents), answerer.engine if answerer else "empty")
            return self._snapshot

    async def _build(self, documents: list[Document]) -> FaqAnswerer:
        """Build in a thread of its own. If the caller is cancelled (the app is quitting), the build
        is called off: its thread stops before its next batch and nobody waits for it. (A daemon
        thread, not asyncio.to_thread: asyncio.run waits for the default executor's threads, and a
        batch of long passages takes seconds on a busy machine.)"""
        loop = asyncio.get_running_loop()
        done: asyncio.Future[FaqAnswerer] = loop.create_future()
        stop = threading.Event()
        encoder = StoppableEncoder(self._encoder, stop) if self._encoder is not None else None

        def settle(outcome: Callable[[], None]) -> None:
            if not done.done():
                outcome()

        def build() -> None:
            try:
                answerer = FaqAnswerer(documents, encoder, self.vectors)
            except BuildCanceled:
                return
            except BaseException as exc:  # handed to the awaiting coroutine, which logs or raises it
                outcome: Callable[[], None] = functools.partial(done.set_exception, exc)
            else:
                outcome = functools.partial(done.set_result, answerer)
            try:
                loop.call_soon_threadsafe(settle, outcome)
            except RuntimeError:  # the loop is closed: the app quit while this built
                pass

        threading.Thread(target=build, name="faq-index-build", daemon=True).start()
        try:
            return await done
        except asyncio.CancelledError:
            stop.set()
            log.info("faq index build called off")
            raise

    async def warm_up(self) -> None:
        """Build the index now (at start), so the first question does not wait for the encoder."""
        try:
            await self.current()
        except Exception:  # a failed warm-up is retried by the first question
            log.exception("faq index warm-up failed; building on the first question instead")

    def _fresh(self, seen: tuple[Any, ...]) -> bool:
        snapshot = self._snapshot
        return (
            snapshot is not None
            and not self._stale
            and snapshot.signature == seen
            and self._clock.now() - snapshot.built_at < MAX_AGE
        )
