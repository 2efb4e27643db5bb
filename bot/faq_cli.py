"""`membot faq` commands: evaluate the local FAQ answerer and ask it one question."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from bot.integrations.local_embeddings import ENGINES, load_encoder
from bot.services.faq import FaqAnswerer, KbError, evaluate, evaluate_learning, load_faq_toml, load_questions_jsonl
from bot.services.faq.semantic import Encoder

app = typer.Typer(help="Local FAQ retrieval: evaluate on labelled questions or ask one.",
                  no_args_is_help=True)


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code=2)


ENGINE_HELP = ("hybrid: a local multilingual sentence encoder plus the lexical index (default); "
               "lexical: the lexical index alone (no model, ~100x faster, fewer paraphrases).")


def _encoder(engine: str) -> Encoder | None:
    if engine not in ENGINES:
        raise _fail(f"--engine must be one of {', '.join(ENGINES)}, not {engine!r}")
    return load_encoder(engine)


@app.command("eval")
def eval_command(
    kb: Path = typer.Option(..., "--kb", help="FAQ knowledge base (.toml with [[faq]] tables)."),
    questions: Path = typer.Option(..., "--questions", help="JSONL with q / expected."),
    engine: str = typer.Option("hybrid", "--engine", envvar="MEMBOT_FAQ_ENGINE", help=ENGINE_HELP),
    learn: bool = typer.Option(False, "--learn", help="Replay the questions as a stream (seeded shuffle); "
                               "each miss on an in-scope message becomes an alternative question of its "
                               "entry. Prints each half's metrics."),
    seed: int = typer.Option(0, "--seed", help="Shuffle seed for --learn."),
) -> None:
    """Print one JSON object with hit@1, wrong rate, abstention P/R and latency."""
    try:
        documents = load_faq_toml(kb)
        rows = load_questions_jsonl(questions)
    except KbError as exc:
        raise _fail(str(exc)) from None
    if learn:
        typer.echo(json.dumps(evaluate_learning(documents, rows, _encoder(engine), seed), ensure_ascii=False))
        return
    typer.echo(json.dumps(evaluate(documents, rows, _encoder(engine)), ensure_ascii=False))


@app.command("ask")
def ask_command(
    question: str = typer.Argument(..., help="The member's message."),
    kb: Path = typer.Option(..., "--kb", help="FAQ knowledge base (.toml with [[faq]] tables)."),
    engine: str = typer.Option("hybrid", "--engine", envvar="MEMBOT_FAQ_ENGINE", help=ENGINE_HELP),
) -> None:
    """Print the chosen entry id (or null), its score and answer as one JSON object."""
    try:
        documents = load_faq_toml(kb)
    except KbError as exc:
        raise _fail(str(exc)) from None
    decision = FaqAnswerer(documents, _encoder(engine)).answer(question)
    typer.echo(json.dumps({
        "id": decision.doc.doc_id if decision.doc else None,
        "score": round(decision.score, 4),
        "confidence": round(decision.confidence, 4),
        "answer": decision.doc.answer if decision.doc else None,
    }, ensure_ascii=False))
