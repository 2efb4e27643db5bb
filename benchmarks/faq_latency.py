"""Latency benchmark: a 5,000-entry FAQ index, timed per question for both engines.

Prints one JSON line. Entries are generated from a seeded random vocabulary; questions are
sentences of the bundled sample community (realistic length and language, no eval data).

* lexical: the whole answerer as the app runs it with MEMBOT_FAQ_ENGINE=lexical.
* hybrid (the default): the whole answerer, including encoding each question with the real
  bundled model. Encoding 5,000 random-word passages would take about 20 minutes here, so
  the documents' vectors are 100 real encodings reused across the 5,000 rows: the matrix
  each question is scored against has the real size, which is all the search cost depends on.
  ``encode_p95_ms`` is the encoder alone, so the two parts of the time can be told apart.
"""

from __future__ import annotations

import json
import random
import re
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.integrations.local_embeddings import load_encoder  # noqa: E402
from bot.services.faq import Document, FaqAnswerer  # noqa: E402
from bot.services.faq.semantic import Encoder  # noqa: E402

ENTRIES = 5000
QUERIES = 300
DISTINCT_VECTORS = 100
TARGET_P95_MS = 20.0
LATIN = "abcdefghijklmnoprstuvyæøåéë"
CJK_START, CJK_SPAN = 0x4E00, 3000


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(LATIN) for _ in range(rng.randint(3, 11)))


def _sentence(rng: random.Random, vocab: list[str], cjk: bool, n: int) -> str:
    if cjk:
        return "".join(chr(CJK_START + rng.randrange(CJK_SPAN)) for _ in range(n * 2)) + "？"
    return " ".join(rng.choice(vocab) for _ in range(n)).capitalize() + "?"


def make_kb(rng: random.Random) -> list[Document]:
    vocab = [_word(rng) for _ in range(8000)]
    docs = []
    for i in range(ENTRIES):
        cjk = i % 5 == 4  # one in five entries Chinese, the rest Latin-script
        title = _sentence(rng, vocab, cjk, rng.randint(5, 10))
        body = " ".join(_sentence(rng, vocab, cjk, rng.randint(8, 16)) for _ in range(4))
        alts = tuple(_sentence(rng, vocab, cjk, rng.randint(5, 10)) for _ in range(rng.randint(0, 2)))
        docs.append(
            Document(
                doc_id=f"entry-{i}",
                kind="faq",
                title=title,
                text=body,
                answer=body,
                alt_titles=alts,
                tags=(rng.choice(vocab),),
            )
        )
    return docs


def sample_questions(rng: random.Random) -> list[str]:
    """Sentences of 5-30 words from the sample community's FAQ and library."""
    community = ROOT / "examples" / "strategy-club"
    text = "\n".join(
        p.read_text(encoding="utf-8") for p in [community / "faq.toml", *(community / "content").glob("*.md")]
    )
    sentences = [s.strip(" \"'#*-") for s in re.split(r"(?<=[.?!])\s+|\n+", text)]
    usable = [s for s in sentences if 5 <= len(s.split()) <= 30 and "=" not in s]
    return rng.sample(usable, min(QUERIES, len(usable)))


class ReusedVectors:
    """Encodes only DISTINCT_VECTORS different document texts and reuses their vectors."""

    def __init__(self, real: Encoder, rng: random.Random) -> None:
        self.model_id = f"reused-{real.model_id}"
        self._real = real
        self._rng = rng
        self._pool: dict[str, np.ndarray] = {}

    def _rows(self, role: str, texts: Sequence[str]) -> np.ndarray:
        if role not in self._pool:
            chosen = list(texts[:DISTINCT_VECTORS])
            encode = self._real.encode_queries if role == "query" else self._real.encode_passages
            self._pool[role] = encode(chosen)
        pool = self._pool[role]
        return pool[[self._rng.randrange(len(pool)) for _ in texts]]

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._rows("query", texts)

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._rows("passage", texts)


def _percentiles(latencies: list[float]) -> tuple[float, float]:
    return round(float(np.percentile(latencies, 50)), 3), round(float(np.percentile(latencies, 95)), 3)


def _time(answerer: FaqAnswerer, questions: list[str]) -> tuple[float, float]:
    answerer.answer(questions[0])  # warm-up
    latencies = []
    for question in questions:
        t0 = time.perf_counter()
        answerer.answer(question)
        latencies.append((time.perf_counter() - t0) * 1000.0)
    return _percentiles(latencies)


def main() -> None:
    rng = random.Random(20260101)
    docs = make_kb(rng)
    questions = sample_questions(rng)
    result: dict[str, object] = {"benchmark": "faq_latency", "entries": ENTRIES, "questions": len(questions)}

    start = time.perf_counter()
    lexical = FaqAnswerer(docs)
    result["lexical_build_s"] = round(time.perf_counter() - start, 3)
    result["lexical_p50_ms"], result["lexical_p95_ms"] = _time(lexical, questions)

    encoder = load_encoder("hybrid")
    if encoder is None:
        result["hybrid"] = "unavailable on this platform"
    else:
        start = time.perf_counter()
        hybrid = FaqAnswerer(docs, ReusedVectors(encoder, rng))
        hybrid.semantic.encoder = encoder  # questions are encoded by the real model
        result["hybrid_build_s"] = round(time.perf_counter() - start, 3)
        result["hybrid_p50_ms"], result["hybrid_p95_ms"] = _time(hybrid, questions)
        encode_ms = []
        for question in questions:
            t0 = time.perf_counter()
            encoder.encode_queries([question])
            encode_ms.append((time.perf_counter() - t0) * 1000.0)
        result["encode_p50_ms"], result["encode_p95_ms"] = _percentiles(encode_ms)
    result["target_p95_ms"] = TARGET_P95_MS
    result["lexical_ok"] = result["lexical_p95_ms"] <= TARGET_P95_MS
    result["hybrid_ok"] = isinstance(result.get("hybrid_p95_ms"), float) and result["hybrid_p95_ms"] <= TARGET_P95_MS
    print(json.dumps(result))


if __name__ == "__main__":
    main()
