"""`membot faq` commands: evaluate the local FAQ answerer and ask it one question."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from bot.services.faq import FaqAnswerer, KbError, evaluate, load_faq_toml, load_questions_jsonl

app = typer.Typer(help="Local FAQ retrieval: evaluate on labelled questions or ask one.",
                  no_args_is_help=True)


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code=2)


@app.command("eval")
def eval_command(
    kb: Path = typer.Option(..., "--kb", help="FAQ knowledge base (.toml with [[faq]] tables)."),
    questions: Path = typer.Option(..., "--questions", help="JSONL with q / expected."),
) -> None:
    """Print one JSON object with hit@1, wrong rate, abstention P/R and latency."""
    try:
        documents = load_faq_toml(kb)
        rows = load_questions_jsonl(questions)
    except KbError as exc:
        raise _fail(str(exc)) from None
    typer.echo(json.dumps(evaluate(documents, rows), ensure_ascii=False))


@app.command("ask")
def ask_command(
    question: str = typer.Argument(..., help="The member's message."),
    kb: Path = typer.Option(..., "--kb", help="FAQ knowledge base (.toml with [[faq]] tables)."),
) -> None:
    """Print the chosen entry id (or null), its score and answer as one JSON object."""
    try:
        documents = load_faq_toml(kb)
    except KbError as exc:
        raise _fail(str(exc)) from None
    decision = FaqAnswerer(documents).answer(question)
    typer.echo(json.dumps({
        "id": decision.doc.doc_id if decision.doc else None,
        "score": round(decision.score, 4),
        "confidence": round(decision.confidence, 4),
        "answer": decision.doc.answer if decision.doc else None,
    }, ensure_ascii=False))
