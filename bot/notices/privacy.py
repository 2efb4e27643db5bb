"""Privacy as data: a member's export, on its way to their DMs."""

from __future__ import annotations

from dataclasses import dataclass

from bot.notices import Notice


@dataclass(frozen=True)
class DataExport(Notice):
    """Everything stored about a member, as the JSON file /my-data sends them."""

    data: bytes
