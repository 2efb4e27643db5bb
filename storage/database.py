"""The database handle: one async engine and its session factory, for SQLite or PostgreSQL."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

log = logging.getLogger(__name__)

SQLITE_DRIVER = "sqlite+aiosqlite"
POSTGRES_DRIVER = "postgresql+asyncpg"


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


class Database:
    """Owns the engine. `session()` gives a unit of work that commits on success."""

    def __init__(self, url: str, *, schema: str | None = None, echo: bool = False) -> None:
        self.url = normalise_url(url)
        kwargs: dict[str, Any] = {"echo": echo}
        connect_args: dict[str, Any] = {}
        if self.is_sqlite:
            connect_args["timeout"] = 30
        elif schema:
            # Tests isolate themselves in a schema of their own.
            connect_args["server_settings"] = {"search_path": schema}
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
