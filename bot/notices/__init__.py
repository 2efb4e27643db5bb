"""Notices: what a service tells people, as data; the view layer decides how it reads.

A service builds a frozen notice dataclass (what happened, with plain data: no ORM rows,
no service types) and hands it to the outbox with the `Reader` it is for. The outbox
renders it through the views that `bot/app.py` gave it, in the reader's language and time
zone. Services therefore need no message catalog and never import `bot.views`; views
import notice types and `bot.messages`, and nothing from services or storage.

One module per feature (`bot/notices/live.py`, `bot/notices/polls.py`, ...); every notice
derives from `Notice` so the renderer can refuse anything it has no view for.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    from bot.messages import OutboundMessage


@dataclass(frozen=True)
class Notice:
    """Base of every notice. Subclasses are frozen dataclasses of plain data."""


@dataclass(frozen=True)
class Reader:
    """Who reads a notice: languages in order of preference (theirs, then the community's) and a time zone."""

    locales: tuple[str | None, ...]
    tz: str = "UTC"  # an IANA name


Render: TypeAlias = "Callable[[Notice, Reader], OutboundMessage]"
"""Turns a notice into a message for a reader; built by the composition root from `bot.views`."""
