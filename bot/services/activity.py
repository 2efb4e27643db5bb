"""Member activity: every message (in a channel, or a DM to the bot), reaction, command, click and library open counts."""

from __future__ import annotations

from datetime import datetime

from storage.database import Session
from storage.repositories import activity as repo

KINDS = ("message", "dm", "reaction", "command", "click", "library_open", "form", "join", "live_attended")


async def record(session: Session, member_id: int, kind: str, now: datetime, ref: str | None = None) -> None:
    """Log one activity and mark the member active now."""
    check_kind(kind)
    await repo.add(session, member_id, kind, now, ref)


def check_kind(kind: str) -> None:
    """A kind the engagement figures know; anything else is a bug in the caller."""
    if kind not in KINDS:
        raise ValueError(f"unknown activity kind {kind!r}")


async def count_since(session: Session, member_id: int, since: datetime, kinds: tuple[str, ...] = KINDS) -> int:
    return await repo.count_since(session, member_id, since, kinds)
