"""Which database a URL names, read without SQLAlchemy, so loading the settings stays light.

Settings check `MEMBOT_DATABASE_URL` once at start-up and pick the async driver here;
`storage.database.Database` still parses the URL fully when it opens the database.
"""

from __future__ import annotations

import re

SQLITE_DRIVER = "sqlite+aiosqlite"
POSTGRES_DRIVER = "postgresql+asyncpg"
DRIVERS = {"sqlite": SQLITE_DRIVER, "postgres": POSTGRES_DRIVER, "postgresql": POSTGRES_DRIVER}

_SCHEME = re.compile(r"(?P<scheme>[\w+.-]+)://(?P<rest>.*)", re.DOTALL)


class DatabaseURLError(ValueError):
    """A database URL this project cannot use; the message says why (never the URL: it may hold a password)."""


def normalise_url(url: str) -> str:
    """Accept the URLs people paste (`postgres://`, `sqlite:///x.db`) and name the async driver."""
    found = _SCHEME.fullmatch(url)
    if found is None:
        raise DatabaseURLError(
            "not a database URL: expected sqlite:///FILE or postgresql://USER@HOST/NAME (a password goes after USER, with a colon)"
        )
    backend = found["scheme"].partition("+")[0]
    if backend not in DRIVERS:
        raise DatabaseURLError(f"unsupported database {backend!r}: use sqlite or postgresql")
    return f"{DRIVERS[backend]}://{found['rest']}"
