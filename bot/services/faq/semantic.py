"""Dense (sentence-embedding) view of the knowledge: how close a message is in meaning.

The lexical index cannot know that "freeze my membership" asks for the entry titled
"pause", nor that "kundeservice" and "support" are the same request; a multilingual
sentence encoder does. The encoder itself lives behind :class:`Encoder` (the adapter
in ``bot.integrations.local_embeddings`` wraps a model that ships inside its package),
so this module stays pure NumPy and is tested with any encoder.

Each document gets two kinds of vectors:

* its question-like titles (question and alternative phrasings), encoded as *queries*,
  because a member's message is compared with another question (a symmetric task);
* one *passage*: title plus the start of the answer or body, because some messages
  match what the answer says rather than how the question was phrased.

A document's score is a weighted sum of its best title similarity and its passage
similarity. Encoding costs about a millisecond per token on a small CPU, so vectors are
kept in a :class:`VectorCache` keyed by the exact text: rebuilding the index after one
edit encodes only what changed.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Sequence
from typing import Protocol

import numpy as np

from bot.services.faq.index import Document

W_TITLE = 0.4
"""Weight of the best title similarity; the passage similarity gets the rest."""
PASSAGE_CHARS = 700
"""Passages are cut to about this many characters: the start of an answer or a library
item says what it is about, and encoding time grows with length (a long article would
otherwise take seconds to index)."""

ENCODE_BATCH = 16
"""Texts per encoder call when indexing: a batch of 100 passages briefly needs ~60 MB of
activations (peak RSS 240 MB for the sample); 16 at a time keeps that small, same speed."""


class Encoder(Protocol):
    """A sentence encoder returning L2-normalised float32 rows."""

    model_id: str

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray: ...

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray: ...


class VectorCache:
    """Vectors by (model, role, text), shared by successive index builds of one process.

    Thread-safe: index builds run in worker threads. Unbounded on purpose: it holds one
    small vector per distinct knowledge text (1.5 KB each), which is the size of the
    knowledge itself; texts that disappear are dropped by :meth:`retain`.
    """

    def __init__(self) -> None:
        self._vectors: dict[tuple[str, str, str], np.ndarray] = {}
        self._lock = threading.Lock()
        self.encoded = 0
        """How many texts were actually encoded (the rest came from the cache)."""

    @staticmethod
    def _key(model_id: str, role: str, text: str) -> tuple[str, str, str]:
        return model_id, role, hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()

    def vectors(self, encoder: Encoder, role: str, texts: Sequence[str]) -> np.ndarray:
        """Rows for ``texts`` in order, encoding (in one batch) only those not cached yet."""
        keys = [self._key(encoder.model_id, role, text) for text in texts]
        with self._lock:
            todo = {key: text for key, text in zip(keys, texts, strict=True) if key not in self._vectors}
        encode = encoder.encode_queries if role == "query" else encoder.encode_passages
        pending = list(todo.items())
        for start in range(0, len(pending), ENCODE_BATCH):
            chunk = pending[start:start + ENCODE_BATCH]
            encoded = encode([text for _, text in chunk])
            with self._lock:
                for (key, _), row in zip(chunk, encoded, strict=True):
                    self._vectors[key] = np.asarray(row, dtype=np.float32)
                self.encoded += len(chunk)
        with self._lock:
            rows = [self._vectors[key] for key in keys]
        return np.vstack(rows) if rows else np.zeros((0, 0), dtype=np.float32)

    def retain(self, encoder: Encoder, texts: dict[str, Sequence[str]]) -> None:
        """Forget every vector of this model that is not for one of ``texts`` (by role)."""
        keep = {self._key(encoder.model_id, role, text) for role, items in texts.items() for text in items}
        with self._lock:
            for key in [k for k in self._vectors if k[0] == encoder.model_id and k not in keep]:
                del self._vectors[key]

    def __len__(self) -> int:
        return len(self._vectors)


def passage_text(doc: Document) -> str:
    """What a document's passage vector is made from."""
    text = f"{doc.title} {doc.text}"
    if len(text) <= PASSAGE_CHARS:
        return text
    return text[:PASSAGE_CHARS].rsplit(" ", 1)[0]


class SemanticIndex:
    """Title and passage vectors of every document, in the documents' order."""

    def __init__(self, encoder: Encoder, titles: np.ndarray, owner: np.ndarray, passages: np.ndarray,
                 n_docs: int) -> None:
        self.encoder = encoder
        self._titles = titles
        self._owner = owner
        self._passages = passages
        self._n_docs = n_docs

    @classmethod
    def build(cls, documents: Sequence[Document], encoder: Encoder,
              cache: VectorCache | None = None) -> SemanticIndex:
        cache = cache if cache is not None else VectorCache()
        titles: list[str] = []
        owner: list[int] = []
        for i, doc in enumerate(documents):
            for title in doc.titles:
                titles.append(title)
                owner.append(i)
        passages = [passage_text(doc) for doc in documents]
        title_vectors = cache.vectors(encoder, "query", titles)
        passage_vectors = cache.vectors(encoder, "passage", passages)
        cache.retain(encoder, {"query": titles, "passage": passages})
        return cls(encoder, title_vectors, np.array(owner, dtype=np.int32), passage_vectors, len(documents))

    def encode(self, question: str) -> np.ndarray:
        return np.asarray(self.encoder.encode_queries([question])[0], dtype=np.float32)

    def scores(self, query: np.ndarray) -> np.ndarray:
        """Per document: ``W_TITLE`` x best title cosine + the rest x passage cosine."""
        if self._n_docs == 0:
            return np.zeros(0)
        best_title = np.full(self._n_docs, -1.0)
        np.maximum.at(best_title, self._owner, self._titles @ query)
        return W_TITLE * best_title + (1.0 - W_TITLE) * (self._passages @ query)
