"""Erasure: tombstones of erased members (keyed hashes, never raw ids), scrubbing quotes of them, SQLite leftovers."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
import secrets
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import String, Table, cast, func, or_, select, text, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from storage.models import Erasure, OutboxMessage
from storage.privacy import ERASED
from storage.repositories._upsert import affected, insert_ignoring_conflicts

log = logging.getLogger(__name__)

KEY_ROW = 0
CLIP = 24  # a quote may be clipped: a long text's first CLIP characters still give it away

Mark = tuple[str, str | None]  # (kind, value): ("customer", "cus_..."), ("subscription", ...), ("member", "42")


def _digest(key: bytes, kind: str, value: str) -> str:
    return hmac.new(key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


async def _key(session: AsyncSession, now: datetime | None = None) -> bytes | None:
    """The database's HMAC key; made (once, race-free) when `now` is given and there is none yet."""
    found = await session.scalar(select(Erasure.digest).where(Erasure.id == KEY_ROW))
    if found is None and now is not None:
        row = {"id": KEY_ROW, "kind": "key", "digest": secrets.token_hex(32), "erased_at": now}
        await session.execute(insert_ignoring_conflicts(session, Erasure, row))
        found = await session.scalar(select(Erasure.digest).where(Erasure.id == KEY_ROW))
    return bytes.fromhex(found) if found else None


async def record(session: AsyncSession, marks: Iterable[Mark], now: datetime) -> int:
    """Remember that these ids belonged to an erased member. Returns how many were new."""
    key = await _key(session, now)
    assert key is not None
    added = 0
    for kind, value in {(k, v) for k, v in marks if v}:
        row = {"kind": kind, "digest": _digest(key, kind, str(value)), "erased_at": now}
        added += affected(await session.execute(insert_ignoring_conflicts(session, Erasure, row)))
    return added


async def any_erased(session: AsyncSession, marks: Iterable[Mark]) -> bool:
    """Whether any of these ids belonged to a member who has been erased."""
    wanted = [(k, str(v)) for k, v in marks if v]
    if not wanted:
        return False
    key = await _key(session)
    if key is None:
        return False  # nobody was ever erased here
    digests = [_digest(key, kind, value) for kind, value in wanted]
    return bool(await session.scalar(select(func.count(Erasure.id)).where(Erasure.digest.in_(digests))))


async def bury_pending(session: AsyncSession, member_id: int) -> int:
    """The member's own messages not sent yet never will be (they are about to lose their text and target)."""
    result = await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.member_id == member_id, OutboxMessage.status.in_(("pending", "sending")))
        .values(status="dead", last_error="erased", lease_until=None)
        .execution_options(synchronize_session=False)
    )
    return affected(result)


async def scrub_quotes(session: AsyncSession, table: Table, columns: Sequence[str], fingerprints: Iterable[str]) -> int:
    """Replace the fingerprints (a name, a handle, a member's words) wherever these JSON columns quote them.

    A string that still holds the start of a long fingerprint (a clipped quote) is erased whole.
    Returns the number of rows changed.
    """
    words = sorted({f.strip() for f in fingerprints if f and len(f.strip()) >= 2}, key=len, reverse=True)
    cols = [table.c[name] for name in columns if name in table.c]
    if not words or not cols or "id" not in table.c:
        return 0
    prefixes = sorted({w[:CLIP] for w in words if len(w) > CLIP})
    needles = [*words, *prefixes]
    stored = {json.dumps(n)[1:-1] for n in needles} | set(needles)  # as JSON text stores them (escaped or not)
    found = or_(*(cast(col, String).contains(n, autoescape=True) for col in cols for n in stored))
    whole = re.compile("|".join(rf"(?<!\w){re.escape(w)}(?!\w)" for w in words), re.IGNORECASE)
    clipped = re.compile("|".join(rf"(?<!\w){re.escape(p)}" for p in prefixes), re.IGNORECASE) if prefixes else None
    changed = 0
    for row in (await session.execute(select(table.c.id, *cols).where(found))).all():
        values = {}
        for col in cols:
            old = row._mapping[col.name]
            new = _scrub(old, whole, clipped)
            if new != old:
                values[col.name] = new
        if values:
            await session.execute(update(table).where(table.c.id == row.id).values(**values))
            changed += 1
    return changed


def _scrub(value: Any, whole: re.Pattern[str], clipped: re.Pattern[str] | None) -> Any:
    if isinstance(value, str):
        replaced = whole.sub(ERASED, value)
        return ERASED if clipped is not None and clipped.search(replaced) else replaced
    if isinstance(value, dict):
        return {k: _scrub(v, whole, clipped) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub(v, whole, clipped) for v in value]
    return value


async def overwrite_freed_space(session: AsyncSession) -> None:
    """On SQLite, have this erasure's deletes and updates zero the bytes they free (no copies left in pages)."""
    if session.get_bind().dialect.name == "sqlite":
        await session.execute(text("PRAGMA secure_delete=ON"))


async def checkpoint(engine: AsyncEngine) -> bool:
    """On SQLite, rebuild the database from its live rows, then copy the WAL into it and truncate it, so
    erased words are left neither in `-wal` nor in the file.

    Zeroing what the erasure frees is not enough: when an earlier write split or rebuilt a page,
    SQLite left the old copy of a row (a welcome DM's target, say) in the page's unused space,
    which only VACUUM clears. False if a reader kept part of the log (the next checkpoint finishes it).
    """
    if engine.dialect.name != "sqlite":
        return True
    async with engine.connect() as connection:
        autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
        try:
            await autocommit.exec_driver_sql("VACUUM")  # not inside a transaction
        except OperationalError as exc:  # busy past the timeout: the rows are gone, old page bytes may stay
            log.warning("VACUUM after an erasure failed (%s); run `sqlite3 membot.db VACUUM` to clear old bytes", exc)
        row = (await autocommit.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")).first()
    busy = bool(row and row[0])
    if busy:
        log.warning("WAL checkpoint after an erasure was blocked by a reader; it completes at the next checkpoint")
    return not busy
