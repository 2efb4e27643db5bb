"""In-memory lexical index over FAQ entries and other documents (BM25 per field).

Each document is scored on three fields: its question-like titles (best single
phrasing wins), its body/answer text, and character 4-grams of its titles (for
typos, compounds and inflections the stemmer misses). Field scores are divided by
the query's own upper bound, so the combined score is roughly in [0, 1] whatever
the language or query length; that makes it usable as a confidence signal.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from bot.services.faq.text import CJK_RUN, char_ngrams, tokenize

K1 = 1.2
B = 0.75
# Relative weights of the fields in the combined score (they sum to 1). Titles carry
# most of the signal; a sweep of a few settings on the dev sets moved raw hit@1 by
# at most 1-2 questions, so these are kept as round a-priori values.
W_TITLE = 0.55
W_BODY = 0.15
W_NGRAM = 0.30


@dataclass(frozen=True)
class Document:
    """One retrievable item: an FAQ entry, a published post or a recording."""

    doc_id: str
    kind: str
    title: str
    text: str
    answer: str
    alt_titles: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    learned_titles: tuple[str, ...] = ()
    """Members' own wordings that the creator pointed at this entry from the inbox. The encoder
    counts one as a title only when a message is that wording again (``semantic.SAME_WORDING``).
    Beside an encoder the lexical index leaves them out: a chatty message's words are not the
    entry's words, and as lexical evidence they lent the entry to the next chatty message about
    something else (measured with ``membot faq eval --learn``)."""

    @property
    def titles(self) -> tuple[str, ...]:
        """Every question-like phrasing the creator wrote: the title first, then the alternatives."""
        return (self.title, *self.alt_titles)


@dataclass(frozen=True)
class Hit:
    """A scored document. ``coverage`` is the idf-weighted share of query terms found in it."""

    doc: Document
    score: float
    coverage: float
    agreement: float = 0.0
    """Share of the retrieval views (title words, body words, title n-grams) that rank this
    document strictly first, among the views that match the query at all."""


class _Field:
    """BM25 postings over a list of passages; ``owner[i]`` is the document of passage ``i``.

    Postings are stored CSR-style (one flat array sorted by term) so that building
    5,000 entries stays well under a second.
    """

    def __init__(self, passages: Sequence[list[str]], owner: np.ndarray, n_docs: int) -> None:
        self.owner = owner
        self.n_docs = n_docs
        self.n_passages = len(passages)
        vocab: dict[str, int] = {}
        term_ids = np.fromiter((vocab.setdefault(t, len(vocab)) for p in passages for t in p), dtype=np.int64)
        lengths = np.fromiter((len(p) for p in passages), dtype=np.int64, count=len(passages))
        passage_ids = np.repeat(np.arange(len(passages), dtype=np.int64), lengths)
        # One (term, passage) key per occurrence; unique keys give term frequencies.
        keys, tf = np.unique(term_ids * max(len(passages), 1) + passage_ids, return_counts=True)
        terms_of_key = keys // max(len(passages), 1)
        passages_of_key = keys % max(len(passages), 1)
        avg = float(lengths.mean()) if len(passages) and lengths.sum() else 1.0
        norm = K1 * (1.0 - B + B * lengths / avg)
        df = np.bincount(terms_of_key, minlength=len(vocab))
        n = max(len(passages), 1)
        idf = np.log(1.0 + (n - df + 0.5) / (df + 0.5))
        self.vocab = vocab
        self.idf_by_id = idf
        self.passage_of = passages_of_key.astype(np.int32)
        self.weight = idf[terms_of_key] * tf / (tf + norm[passages_of_key])
        self.indptr = np.concatenate(([0], np.cumsum(df)))
        self.unknown_idf = math.log(1.0 + (n + 0.5) / 0.5)

    def idf(self, term: str) -> float | None:
        tid = self.vocab.get(term)
        return None if tid is None else float(self.idf_by_id[tid])

    def docs_with(self, term: str) -> np.ndarray:
        """Documents having a passage that contains ``term`` (may repeat)."""
        tid = self.vocab.get(term)
        if tid is None:
            return np.zeros(0, dtype=np.int32)
        return self.owner[self.passage_of[self.indptr[tid] : self.indptr[tid + 1]]]

    def score(self, terms: Iterable[str]) -> np.ndarray:
        """Per-document score divided by the query's upper bound (sum of idfs), in [0, 1)."""
        passage_scores = np.zeros(self.n_passages)
        bound = 0.0
        for term in set(terms):
            tid = self.vocab.get(term)
            if tid is None:
                bound += self.unknown_idf
                continue
            bound += self.idf_by_id[tid]
            lo, hi = self.indptr[tid], self.indptr[tid + 1]
            passage_scores[self.passage_of[lo:hi]] += self.weight[lo:hi]
        if bound == 0.0:
            return np.zeros(self.n_docs)
        if self.n_passages == self.n_docs:  # one passage per document: no max needed
            return passage_scores / bound
        doc_scores = np.zeros(self.n_docs)
        np.maximum.at(doc_scores, self.owner, passage_scores)
        return doc_scores / bound


def _agreement(views: Sequence[np.ndarray], n_docs: int) -> np.ndarray:
    """Per document: share of the views with any match whose single best document it is."""
    firsts = np.zeros(n_docs)
    active = 0
    for view in views:
        best = view.max(initial=0.0)
        if best <= 0.0:
            continue
        active += 1
        leaders = np.flatnonzero(view == best)
        if len(leaders) == 1:
            firsts[leaders[0]] += 1
    return firsts / active if active else firsts


class FaqIndex:
    """Immutable index; rebuild with :meth:`build` whenever the documents change."""

    def __init__(self, documents: Sequence[Document], title: _Field, body: _Field, ngram: _Field) -> None:
        self.documents = tuple(documents)
        self._title = title
        self._body = body
        self._ngram = ngram

    @classmethod
    def build(cls, documents: Iterable[Document], learned: bool = True) -> FaqIndex:
        """``learned``: index the documents' learned wordings too (the lexical engine's only way to
        learn; the hybrid engine leaves them to the encoder, see :attr:`Document.learned_titles`)."""
        docs = list(documents)
        seen: set[str] = set()
        for doc in docs:
            if doc.doc_id in seen:
                raise ValueError(f"duplicate document id {doc.doc_id!r}")
            seen.add(doc.doc_id)
        n = len(docs)
        stems: dict[str, str] = {}
        title_passages: list[list[str]] = []
        ngram_passages: list[list[str]] = []
        owners: list[int] = []
        for i, doc in enumerate(docs):
            tags = tokenize(" ".join(doc.tags), stems)
            for title in (*doc.titles, *doc.learned_titles) if learned else doc.titles:
                title_passages.append(tokenize(title, stems) + tags)
                ngram_passages.append(char_ngrams(title))
                owners.append(i)
        owner = np.array(owners, dtype=np.int32)
        body_passages = [tokenize(doc.text, stems) for doc in docs]
        titles = _Field(title_passages, owner, n)
        ngram = _Field(ngram_passages, owner, n)
        body = _Field(body_passages, np.arange(n, dtype=np.int32), n)
        return cls(docs, titles, body, ngram)

    def __len__(self) -> int:
        return len(self.documents)

    def _coverage(self, terms: list[str]) -> np.ndarray:
        """Idf-weighted share of the query's terms that occur anywhere in each document.

        CJK character bigrams are left out: unsegmented Chinese yields a bigram across
        every word boundary, and such a straddle missing from an entry says nothing about
        the message being off-topic (the characters' unigrams carry that signal).
        """
        covered = np.zeros(len(self.documents))
        total = 0.0
        for term in set(terms):
            if len(term) == 2 and CJK_RUN.match(term):
                continue
            idf = self._body.idf(term)
            if idf is None:
                idf = self._title.idf(term)
            if idf is None:
                total += self._body.unknown_idf
                continue
            total += idf
            present = np.zeros(len(self.documents), dtype=bool)
            present[self._body.docs_with(term)] = True
            present[self._title.docs_with(term)] = True
            covered += idf * present
        return covered / total if total else covered

    def lexical(self, query: str, kinds: Callable[[str], bool] | None = None) -> LexicalScores:
        """Every document's combined score, coverage and view agreement for ``query``."""
        n = len(self.documents)
        terms = tokenize(query)
        grams = char_ngrams(query)
        views = [self._title.score(terms), self._body.score(terms)]
        if grams:
            views.append(self._ngram.score(grams))
        if kinds is not None:
            mask = np.array([kinds(d.kind) for d in self.documents], dtype=bool)
            views = [np.where(mask, view, 0.0) for view in views]
        scores = W_TITLE * views[0] + W_BODY * views[1]
        if grams:
            scores += W_NGRAM * views[2]
        else:  # e.g. a Chinese-only query: keep the scale comparable across languages
            scores /= W_TITLE + W_BODY
        if not scores.any():
            return LexicalScores(scores, np.zeros(n), np.zeros(n))
        return LexicalScores(scores, self._coverage(terms), _agreement(views, n))

    def search(self, query: str, k: int = 5, kinds: Callable[[str], bool] | None = None) -> list[Hit]:
        """Top ``k`` documents for ``query``, best first (optionally only some kinds)."""
        if not self.documents or k <= 0:
            return []
        lexical = self.lexical(query, kinds)
        return lexical.hits(self.documents, top_k(lexical.score, k))


@dataclass(frozen=True)
class LexicalScores:
    """Per-document arrays, in the index's document order."""

    score: np.ndarray
    coverage: np.ndarray
    agreement: np.ndarray

    def hits(self, documents: Sequence[Document], order: Sequence[int], scores: np.ndarray | None = None) -> list[Hit]:
        """Hits for the documents at ``order`` (scored by ``scores``, default the lexical score)."""
        scores = self.score if scores is None else scores
        return [Hit(documents[i], float(scores[i]), float(self.coverage[i]), float(self.agreement[i])) for i in order]


def top_k(scores: np.ndarray, k: int) -> list[int]:
    """Indexes of the ``k`` highest positive scores, best first (ties keep document order)."""
    k = min(k, len(scores))
    if k <= 0:
        return []
    top = np.argpartition(-scores, k - 1)[:k]
    top = top[np.argsort(-scores[top], kind="stable")]
    return [int(i) for i in top if scores[i] > 0.0]
