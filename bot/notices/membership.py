"""What joining says, as data: the personal welcome a newcomer gets by DM."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.notices import Notice


@dataclass(frozen=True)
class Welcome(Notice):
    """A person arrived in the workspace; queued once per member."""

    name: str  # their display name
    community: str
    creator: str
    next_drop: datetime | None = None  # when the next piece of content goes out, if one is scheduled
    weekly: tuple[str, ...] = ()  # the content kinds the drop slots send each week, in community.toml's order
    body: str = ""  # the opening paragraph in the creator's words (an experiment's variant); empty: the template's
