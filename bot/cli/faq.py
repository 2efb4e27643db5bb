"""`membot faq` commands: evaluate the FAQ answerer and ask it one question, locally or with an LLM judge."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from pathlib import Path

import typer

from bot.integrations import llm_judge
from bot.integrations.local_embeddings import ENGINES, load_encoder
from bot.services.faq import (
    Decision,
    Document,
    FaqAnswerer,
    KbError,
    evaluate,
    evaluate_learning,
    load_faq_toml,
    load_questions_jsonl,
)
from bot.services.faq.evaluate import Question, evaluate_judged
from bot.services.faq.judge import Judge, rule
from bot.services.faq.semantic import Encoder
from bot.settings import SettingsError, load_settings

app = typer.Typer(help="FAQ retrieval: evaluate on labelled questions or ask one.", no_args_is_help=True)

LLM = "llm"
CLI_ENGINES = (*ENGINES, LLM)


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code=2)


ENGINE_HELP = (
    "hybrid: a local multilingual sentence encoder plus the lexical index (default); "
    "lexical: the lexical index alone (no model, ~100x faster, fewer paraphrases); "
    "llm: the hybrid ranking's top 5 judged by the LLM of MEMBOT_OPENAI_API_KEY / "
    "MEMBOT_OPENAI_BASE_URL (any OpenAI-compatible server)."
)


def _encoder(engine: str) -> Encoder | None:
    if engine not in CLI_ENGINES:
        raise _fail(f"--engine must be one of {', '.join(CLI_ENGINES)}, not {engine!r}")
    return load_encoder("hybrid" if engine == LLM else engine)


def _judge() -> Judge:
    """The LLM judge from the MEMBOT_OPENAI_* settings, or a one-line error."""
    try:
        judge = llm_judge(load_settings())
    except SettingsError as exc:
        raise _fail(str(exc)) from None
    if judge is None:
        raise _fail(
            "--engine llm needs an LLM: set MEMBOT_OPENAI_API_KEY (OpenAI) or MEMBOT_OPENAI_BASE_URL "
            "(an OpenAI-compatible server such as Ollama or vLLM)"
        )
    return judge


async def _eval_judged(
    documents: Sequence[Document], rows: Sequence[Question], encoder: Encoder | None, judge: Judge
) -> dict[str, float]:
    try:
        return await evaluate_judged(documents, rows, judge, encoder)
    finally:
        await judge.aclose()


@app.command("eval")
def eval_command(
    kb: Path = typer.Option(..., "--kb", help="FAQ knowledge base (.toml with [[faq]] tables)."),
    questions: Path = typer.Option(..., "--questions", help="JSONL with q / expected."),
    engine: str = typer.Option("hybrid", "--engine", envvar="MEMBOT_FAQ_ENGINE", help=ENGINE_HELP),
    learn: bool = typer.Option(
        False,
        "--learn",
        help="Replay the questions as a stream (seeded shuffle); "
        "each miss on an in-scope message becomes an alternative question of its "
        "entry. Prints each half's metrics.",
    ),
    seed: int = typer.Option(0, "--seed", help="Shuffle seed for --learn."),
) -> None:
    """Print one JSON object with hit@1, wrong rate, abstention P/R and latency."""
    try:
        documents = load_faq_toml(kb)
        rows = load_questions_jsonl(questions)
    except KbError as exc:
        raise _fail(str(exc)) from None
    encoder = _encoder(engine)
    if engine == LLM:
        if learn:
            raise _fail("--learn replays the local engines only (hybrid or lexical)")
        metrics = asyncio.run(_eval_judged(documents, rows, encoder, _judge()))
        typer.echo(json.dumps(metrics, ensure_ascii=False))
        return
    if learn:
        typer.echo(json.dumps(evaluate_learning(documents, rows, encoder, seed), ensure_ascii=False))
        return
    typer.echo(json.dumps(evaluate(documents, rows, encoder), ensure_ascii=False))


async def _ask_judged(answerer: FaqAnswerer, question: str, judge: Judge) -> dict[str, object]:
    try:
        decision = answerer.answer(question)
        ruling = await rule(judge, decision, question)
    finally:
        await judge.aclose()
    return {**_reply(ruling.applied_to(decision)), "judge": ruling.reason}


def _reply(decision: Decision) -> dict[str, object]:
    doc = decision.doc
    return {
        "id": doc.doc_id if doc else None,
        "score": round(decision.score, 4),
        "confidence": round(decision.confidence, 4),
        "answer": doc.answer if doc else None,
    }


@app.command("ask")
def ask_command(
    question: str = typer.Argument(..., help="The member's message."),
    kb: Path = typer.Option(..., "--kb", help="FAQ knowledge base (.toml with [[faq]] tables)."),
    engine: str = typer.Option("hybrid", "--engine", envvar="MEMBOT_FAQ_ENGINE", help=ENGINE_HELP),
) -> None:
    """Print the chosen entry id (or null), its score and answer as one JSON object (with --engine llm,
    also what the judge did: picked, none, or why the local decision stands)."""
    try:
        documents = load_faq_toml(kb)
    except KbError as exc:
        raise _fail(str(exc)) from None
    encoder = _encoder(engine)
    judge = _judge() if engine == LLM else None
    answerer = FaqAnswerer(documents, encoder)
    if judge is not None:
        typer.echo(json.dumps(asyncio.run(_ask_judged(answerer, question, judge)), ensure_ascii=False))
        return
    typer.echo(json.dumps(_reply(answerer.answer(question)), ensure_ascii=False))
