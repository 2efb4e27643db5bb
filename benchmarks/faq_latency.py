"""Latency benchmark: build a synthetic 5,000-entry multilingual FAQ index and time 1,000 queries.

Prints one JSON line. Entries are generated from a seeded random vocabulary (no eval data).
"""

from __future__ import annotations

import json
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.services.faq import Document, FaqAnswerer  # noqa: E402

ENTRIES = 5000
QUERIES = 1000
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
        docs.append(Document(doc_id=f"entry-{i}", kind="faq", title=title, text=body,
                             answer=body, alt_titles=alts, tags=(rng.choice(vocab),)))
    return docs


def main() -> None:
    rng = random.Random(20260101)
    docs = make_kb(rng)
    start = time.perf_counter()
    answerer = FaqAnswerer(docs)
    build_s = time.perf_counter() - start
    queries = []
    for _ in range(QUERIES):
        doc = rng.choice(docs)
        words = (doc.title + " " + doc.text).split()
        if doc.title.endswith("？"):  # Chinese: a slice of the title plus noise
            queries.append(doc.title[2:12] + _sentence(rng, [], True, 3))
        else:
            queries.append(" ".join(rng.sample(words, min(len(words), 12))))
    latencies = []
    for query in queries:
        t0 = time.perf_counter()
        answerer.answer(query)
        latencies.append((time.perf_counter() - t0) * 1000.0)
    latencies.sort()
    p50 = latencies[len(latencies) // 2]
    p95 = latencies[int(len(latencies) * 0.95) - 1]
    print(json.dumps({"benchmark": "faq_latency", "entries": ENTRIES, "build_s": round(build_s, 3),
                      "p50_ms": round(p50, 3), "p95_ms": round(p95, 3),
                      "target_p95_ms": TARGET_P95_MS, "ok": p95 <= TARGET_P95_MS}))


if __name__ == "__main__":
    main()
