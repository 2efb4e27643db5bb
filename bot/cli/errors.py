"""How the command line fails: one sentence on stderr and a non-zero exit code, never a traceback.

`--debug` (or MEMBOT_DEBUG=1) lets the exception through with its traceback instead.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import typer
from typer.core import TyperGroup

from bot.cli.helptext import tidy
from bot.community.errors import CommunityFilesError
from bot.community.scaffold import ScaffoldError
from bot.logging_setup import redact
from bot.ports import StartupRefused
from bot.services.community import CommunityNotChosen, CommunityNotImported, SlugConflict
from bot.settings import SettingsError
from storage.backup import BackupError
from storage.database import (
    DatabaseURLError,
    describe_failure,
    redact_url,
    sqlite_folder_problem,
    sqlite_missing_problem,
)

T = TypeVar("T")
FIXABLE = 2  # the person can fix it: a setting, a file, a database that is not there
BUG = 1  # unexpected: run again with --debug and report it


class DatabaseUnavailable(RuntimeError):
    """The database could not be opened or reached; the message names it (password hidden) and why."""


FRIENDLY_ERRORS: tuple[type[Exception], ...] = (
    SettingsError,
    CommunityFilesError,
    CommunityNotImported,
    CommunityNotChosen,
    SlugConflict,
    DatabaseURLError,
    DatabaseUnavailable,
    ScaffoldError,
    BackupError,
    StartupRefused,
)


# Sentences we compose, with any database URL already masked by redact_url (user:***@host);
# anything else goes through the log redactor, which hides tokens and whole user:password pairs.
OURS: tuple[type[Exception], ...] = (DatabaseUnavailable, CommunityNotImported, CommunityNotChosen, SlugConflict)


@contextmanager
def database_errors(url: str | None) -> Iterator[None]:
    """Turn a failure to open or reach the database into DatabaseUnavailable."""
    try:
        yield
    except Exception as exc:
        sentence = describe_failure(exc, url)
        if sentence is None:
            raise
        raise DatabaseUnavailable(sentence) from exc


def run_async(url: str | None, work: Coroutine[Any, Any, T], *, existing: bool = False) -> T:
    """`asyncio.run(work)`, with database failures said in one sentence. A SQLite file whose folder
    is missing is refused before connecting (a failed connect leaves a worker thread behind), and
    with `existing` (commands that only read) so is a SQLite file that is not there: connecting
    would leave an empty database behind at a mistyped path."""
    problem = sqlite_folder_problem(url) if url else None
    if problem is None and existing and url:
        problem = sqlite_missing_problem(url)
    if problem is not None:
        work.close()
        raise DatabaseUnavailable(f"cannot use the database {redact_url(url or '')}: {problem}")
    with database_errors(url):
        return asyncio.run(work)


def sentence_for(exc: Exception) -> tuple[str, int]:
    """What to tell the person, and the exit code."""
    if isinstance(exc, FRIENDLY_ERRORS):
        return str(exc), FIXABLE
    if isinstance(exc, OSError):
        reason = exc.strerror or str(exc) or type(exc).__name__
        return (f"{exc.filename}: {reason}" if exc.filename else reason), FIXABLE
    sentence = describe_failure(exc, None)
    if sentence is not None:
        return sentence, FIXABLE
    detail = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return (
        f"unexpected {type(exc).__name__}{': ' + detail if detail else ''} (run again with --debug for the traceback)",
        BUG,
    )


class FriendlyGroup(TyperGroup):
    """The root command group: every subcommand's errors end here as one sentence, and every
    command's help shows plain placeholders (bot.cli.helptext)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        tidy(self)

    def invoke(self, ctx: typer.Context) -> Any:  # type: ignore[override]  # typer's Context narrows click's
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, typer.TyperException, KeyboardInterrupt):
            raise
        except Exception as exc:
            if ctx.params.get("debug"):
                raise
            sentence, code = sentence_for(exc)
            typer.echo(f"error: {sentence if isinstance(exc, OURS) else redact(sentence)}", err=True)
            raise typer.Exit(code) from None
