"""The `faq` CLI: eval prints one JSON object; ask answers; bad files exit 2 cleanly."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from bot.cli.faq import app

KB = """
[[faq]]
id = "kiln-booking"
question = "How do I book time in the kiln?"
answer = "Reserve a firing slot in the studio calendar."

[[faq]]
id = "clay-storage"
question = "Where can I store my clay between classes?"
answer = "Every member gets a numbered shelf for clay."

[[faq]]
id = "guest-pass"
question = "Can I bring a friend to the studio?"
answer = "One guest per month; register them at the front desk."
"""

METRIC_KEYS = {"hit_at_1", "wrong_rate", "abstain_precision", "abstain_recall", "p50_ms", "p95_ms"}

runner = CliRunner()


def _files(tmp_path: Path) -> tuple[Path, Path]:
    kb = tmp_path / "kb.toml"
    kb.write_text(KB, encoding="utf-8")
    questions = tmp_path / "q.jsonl"
    questions.write_text(
        '{"q": "where do i store clay?", "expected": "clay-storage"}\n'
        '{"q": "who won the chess world championship?", "expected": null}\n',
        encoding="utf-8",
    )
    return kb, questions


def test_eval_prints_one_json_object_with_the_metrics(tmp_path: Path) -> None:
    kb, questions = _files(tmp_path)
    result = runner.invoke(app, ["eval", "--kb", str(kb), "--questions", str(questions)])
    assert result.exit_code == 0, result.output
    metrics = json.loads(result.stdout)
    assert metrics.keys() >= METRIC_KEYS
    assert metrics["hit_at_1"] == 1.0
    assert metrics["abstain_recall"] == 1.0


def test_ask_prints_id_score_and_answer(tmp_path: Path) -> None:
    kb, _ = _files(tmp_path)
    result = runner.invoke(app, ["ask", "--kb", str(kb), "can i bring a friend along?"])
    assert result.exit_code == 0, result.output
    reply = json.loads(result.stdout)
    assert reply["id"] == "guest-pass"
    assert reply["answer"].startswith("One guest")
    assert reply["score"] > 0


def test_ask_off_topic_prints_null(tmp_path: Path) -> None:
    kb, _ = _files(tmp_path)
    result = runner.invoke(app, ["ask", "--kb", str(kb), "what's the weather in lima?"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["id"] is None


def test_missing_or_bad_file_exits_2_without_traceback(tmp_path: Path) -> None:
    _kb, questions = _files(tmp_path)
    missing = runner.invoke(app, ["eval", "--kb", str(tmp_path / "nope.toml"), "--questions", str(questions)])
    assert missing.exit_code == 2
    assert "nope.toml" in missing.output
    assert "Traceback" not in missing.output
    bad = tmp_path / "bad.toml"
    bad.write_text('[[faq]]\nid = "x"\nanswer = "a"\n', encoding="utf-8")
    result = runner.invoke(app, ["ask", "--kb", str(bad), "hello"])
    assert result.exit_code == 2
    assert "'question'" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_the_hybrid_engine_answers_by_meaning_where_the_lexical_one_abstains(tmp_path: Path, encoder: object) -> None:
    kb, _ = _files(tmp_path)
    question = "could I take a buddy with me one evening?"  # no word in common with the entry
    lexical = runner.invoke(app, ["ask", "--kb", str(kb), "--engine", "lexical", question])
    hybrid = runner.invoke(app, ["ask", "--kb", str(kb), "--engine", "hybrid", question])
    assert lexical.exit_code == 0 and hybrid.exit_code == 0, hybrid.output
    assert json.loads(lexical.stdout)["id"] is None
    assert json.loads(hybrid.stdout)["id"] == "guest-pass"


def test_an_unknown_engine_is_a_clear_error(tmp_path: Path) -> None:
    kb, questions = _files(tmp_path)
    result = runner.invoke(app, ["eval", "--kb", str(kb), "--questions", str(questions), "--engine", "magic"])
    assert result.exit_code == 2
    assert "--engine must be one of hybrid, lexical" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_eval_learn_replays_a_stream_and_learns_each_missed_wording(tmp_path: Path) -> None:
    kb, _ = _files(tmp_path)
    stream = tmp_path / "stream.jsonl"
    buddy = '{"q": "could I take a buddy with me one evening?", "expected": "guest-pass"}\n'
    stream.write_text(
        buddy * 4 + '{"q": "who won the chess world championship?", "expected": null}\n' * 2, encoding="utf-8"
    )
    args = ["eval", "--learn", "--seed", "3", "--engine", "lexical", "--kb", str(kb), "--questions", str(stream)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["seed"] == 3 and report["learned"] == 1  # the words alone miss it once, then know it
    assert report["first_half"]["n_questions"] + report["second_half"]["n_questions"] == 6
    assert report["second_half"]["wrong_rate"] == 0.0
    in_second = report["second_half"]["n_in_scope"]
    assert in_second == 0 or report["second_half"]["hit_at_1"] == 1.0
    assert json.loads(runner.invoke(app, args).stdout) == report  # the same seed, the same stream
