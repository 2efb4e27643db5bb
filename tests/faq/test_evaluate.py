"""Metric definitions on a tiny hand-computed example, and the evaluation loop."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.services.faq import KbError, Question, evaluate, load_questions_jsonl, score_answers

from .kbs import ENGLISH


def test_metrics_match_hand_computed_values() -> None:
    expected = ["a", "b", "c", "d", None, None, None]
    got = ["a", "x", None, "d", None, "a", None]
    m = score_answers(expected, got)
    # in scope: a ok, b wrong, c abstained, d ok -> 2/4
    assert m["hit_at_1"] == pytest.approx(0.5)
    # wrong: "x" for b and "a" on a null -> 2/7
    assert m["wrong_rate"] == pytest.approx(2 / 7)
    # abstentions: c (in scope), two nulls -> 2/3 on nulls
    assert m["abstain_precision"] == pytest.approx(2 / 3)
    # nulls: abstained on 2 of 3
    assert m["abstain_recall"] == pytest.approx(2 / 3)
    assert (m["n_questions"], m["n_in_scope"], m["n_null"], m["n_wrong"]) == (7, 4, 3, 2)


def test_no_abstentions_reports_zero_precision() -> None:
    m = score_answers(["a", None], ["a", "a"])
    assert m["abstain_precision"] == 0.0
    assert m["abstain_recall"] == 0.0
    assert m["wrong_rate"] == pytest.approx(0.5)


def test_evaluate_runs_the_answerer_and_times_it() -> None:
    questions = [
        Question("where do i keep my clay between classes?", "clay-storage"),
        Question("what is the capital of australia?", None),
    ]
    m = evaluate(ENGLISH, questions)
    assert m["hit_at_1"] == 1.0
    assert m["abstain_recall"] == 1.0
    assert m["wrong_rate"] == 0.0
    assert 0.0 < m["p50_ms"] <= m["p95_ms"]


def test_load_questions_jsonl(tmp_path: Path) -> None:
    path = tmp_path / "q.jsonl"
    path.write_text(
        json.dumps({"q": "hei", "expected": None})
        + "\n\n"
        + json.dumps({"q": "ovn?", "expected": "kiln-booking"})
        + "\n",
        encoding="utf-8",
    )
    assert load_questions_jsonl(path) == [Question("hei", None), Question("ovn?", "kiln-booking")]


def test_load_questions_jsonl_names_the_line_and_field(tmp_path: Path) -> None:
    path = tmp_path / "q.jsonl"
    path.write_text('{"q": "ok", "expected": null}\n{"question": "x"}\n', encoding="utf-8")
    with pytest.raises(KbError, match=r"q\.jsonl:2: field 'q'"):
        load_questions_jsonl(path)
