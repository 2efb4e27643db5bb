"""The database handle: one async engine and its session factory, for SQLite or PostgreSQL."""

from __future__ import annotations

import logging
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

log = logging.getLogger(__name__)

SQLITE_DRIVER = "sqlite+aiosqlite"
POSTGRES_DRIVER = "postgresql+asyncpg"


Session = AsyncSession
"""The unit of work services hold open and pass to repositories (so services need not import SQLAlchemy)."""


class DatabaseURLError(ValueError):
    """A database URL this project cannot use; the message says which and why."""


def normalise_url(url: str) -> str:
    """Accept the URLs people paste (`postgres://`, `sqlite:///x.db`) and pick the async driver."""
    try:
        parsed = make_url(url)
    except Exception as exc:  # sqlalchemy raises ArgumentError with a terse message
        raise DatabaseURLError(f"not a database URL: {exc}") from None
    backend = parsed.get_backend_name()
    if backend in ("postgres", "postgresql"):
        parsed = parsed.set(drivername=POSTGRES_DRIVER)
    elif backend == "sqlite":
        parsed = parsed.set(drivername=SQLITE_DRIVER)
    else:
        raise DatabaseURLError(f"unsupported database {backend!r}: use sqlite or postgresql")
    return parsed.render_as_string(hide_password=False)


def redact_url(url: str) -> str:
    """The URL with its password hidden, fit for a log line."""
    return make_url(url).render_as_string(hide_password=True)


def describe_failure(exc: BaseException, url: str | None) -> str | None:
    """One sentence for a database that cannot be reached or opened, naming it with the password
    hidden; None when `exc` is not about reaching the database."""
    where = f"the database {redact_url(url)}" if url else "the database"
    reason = _failure_reason(exc, url)
    return f"cannot use {where}: {reason}" if reason else None


def sqlite_file(url: str) -> Path | None:
    """The file a SQLite URL names; None for PostgreSQL or an in-memory database."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def sqlite_folder_problem(url: str) -> str | None:
    """Why a SQLite file cannot be created where the URL says (its folder is missing), else None."""
    file = sqlite_file(url)
    if file is None or file.parent.is_dir():
        return None
    return f"the folder {file.parent} does not exist (create it first)"


def sqlite_missing_problem(url: str) -> str | None:
    """Why a command that reads cannot use this SQLite URL (there is no file there), else None."""
    file = sqlite_file(url)
    if file is None or file.is_file():
        return None
    return f"there is no database file {file} (check --db; `membot run` creates one)"


def _failure_reason(exc: BaseException, url: str | None) -> str | None:
    if isinstance(exc, socket.gaierror):
        return "its host name is unknown (check the host in the URL)"
    if isinstance(exc, ConnectionRefusedError):
        return "the server refused the connection (is it running, and is the port right?)"
    if isinstance(exc, TimeoutError):
        return "the server did not answer in time"
    if isinstance(exc, OSError) and (isinstance(exc, ConnectionError) or "connect" in str(exc).lower()):
        return f"cannot connect ({exc.strerror or exc})"
    if isinstance(exc, DBAPIError):
        message = str(exc.orig).strip().splitlines()[0] if exc.orig is not None else type(exc).__name__
        if "unable to open database file" in message and url:
            return sqlite_folder_problem(url) or message
        if "no such table" in message or ("relation" in message and "does not exist" in message):
            return f"{message} (run `membot db upgrade` first)"
        return message
    if isinstance(exc, SQLAlchemyError) or type(exc).__module__.startswith(("asyncpg", "sqlite3", "aiosqlite")):
        return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return None


class Database:
    """Owns the engine. `session()` gives a unit of work that commits on success."""

    def __init__(self, url: str, *, schema: str | None = None, echo: bool = False) -> None:
        self.url = normalise_url(url)
        kwargs: dict[str, Any] = {"echo": echo}
        connect_args: dict[str, Any] = {}
        if self.is_sqlite:
            connect_args["timeout"] = 30
        else:
            # No JIT: the scans' plans are cheap index reads whose cost estimates can still cross
            # jit_above_cost, and compiling them took 0.1-0.8 s a query at a million members.
            server_settings = {"jit": "off"}
            if schema:  # tests isolate themselves in a schema of their own
                server_settings["search_path"] = schema
            connect_args["server_settings"] = server_settings
        self.engine: AsyncEngine = create_async_engine(self.url, connect_args=connect_args, **kwargs)
        if self.is_sqlite:
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite")

    @property
    def dialect(self) -> str:
        return "sqlite" if self.is_sqlite else "postgresql"

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A transaction: committed when the block ends, rolled back if it raises."""
        async with self.sessions() as session, session.begin():
            yield session

    async def dispose(self) -> None:
        await self.engine.dispose()


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
    finally:
        cursor.close()
