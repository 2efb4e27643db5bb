"""Online backups of a SQLite database (the live bot may keep running), and restoring one.

PostgreSQL has better tools of its own: `pg_dump -Fc` and `pg_restore` (see the README).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy.engine import make_url

from storage.database import sqlite_file


class BackupError(ValueError):
    """A backup or restore that cannot be done; the message says why and what to do instead."""


def sqlite_path(url: str) -> Path:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        raise BackupError(
            "this database is PostgreSQL: use `pg_dump -Fc -f membot.dump DBNAME` to back up and "
            "`pg_restore --clean -d DBNAME membot.dump` to restore"
        )
    if not parsed.database or parsed.database == ":memory:":
        raise BackupError("an in-memory database cannot be backed up")
    return Path(parsed.database)


def backup(url: str, out: Path) -> int:
    """Copy the live database to `out` with SQLite's online backup API. Returns the size in bytes."""
    source_path = sqlite_path(url)
    if not source_path.exists():
        raise BackupError(f"there is no database at {source_path}")
    out = Path(out)
    if out.exists():
        raise BackupError(f"{out} already exists; choose a new file name")
    if not out.parent.is_dir():
        raise BackupError(f"there is no folder {out.parent} to write {out.name} into; create it first")
    with sqlite3.connect(source_path) as source, sqlite3.connect(out) as target:
        source.backup(target)
    return out.stat().st_size


def restore(url: str, backup_file: Path) -> None:
    """Replace the database's contents with a backup, after checking it is a membot database."""
    target_path = sqlite_path(url)
    running = running_bot(url)
    if running is not None:
        raise BackupError(
            f"membot (process {running}) is running on {target_path}: stop it first, then restore "
            "(a running bot would go on from the backup's data without noticing)"
        )
    backup_file = Path(backup_file)
    if not backup_file.is_file():
        raise BackupError(f"there is no backup file at {backup_file}")
    try:
        with sqlite3.connect(f"file:{backup_file}?mode=ro", uri=True) as check:
            check.execute("PRAGMA quick_check").fetchone()
            version = check.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError:
        raise BackupError(
            f"{backup_file} is not a membot backup (not a SQLite database with a membot schema)"
        ) from None
    if version is None:
        raise BackupError(f"{backup_file} has no schema version; it is not a membot backup")
    with sqlite3.connect(backup_file) as source, sqlite3.connect(target_path) as target:
        source.backup(target)


def _marker(url: str) -> Path | None:
    """`membot.db.pid` beside a SQLite file: which process runs the bot on it."""
    file = sqlite_file(url)
    return file.with_name(file.name + ".pid") if file is not None else None  # PostgreSQL: nothing to mark


@contextlib.contextmanager
def marked_running(url: str) -> Iterator[None]:
    """While the bot runs on a SQLite file, a marker beside it names the process (for `restore`)."""
    marker = _marker(url)
    if marker is not None:
        marker.write_text(f"{os.getpid()}\n")
    try:
        yield
    finally:
        if marker is not None:
            marker.unlink(missing_ok=True)


def running_bot(url: str) -> int | None:
    """The process running the bot on this SQLite file, if it is still alive (a marker left by a
    killed process is ignored)."""
    marker = _marker(url)
    try:
        pid = int(marker.read_text().strip()) if marker is not None else 0
    except (OSError, ValueError):
        return None
    if pid <= 0 or pid == os.getpid():
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        return pid  # alive, another user's
    return pid
