"""Library search: words plus `level:N`, `topic:X` and `kind:K` filters over published content."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.community.schema import CONTENT_KINDS
from bot.notices.content import ContentPiece
from bot.services.errors import UserError

_FILTER = re.compile(r"^(level|topic|kind):(.+)$", re.IGNORECASE)
MAX_QUERY = 200


@dataclass(frozen=True)
class LibraryQuery:
    words: tuple[str, ...] = ()
    level: int | None = None
    topic: str | None = None
    kind: str | None = None

    @property
    def empty(self) -> bool:
        return not (self.words or self.level or self.topic or self.kind)

    def describe(self) -> str:
        parts = list(self.words)
        parts += [
            f"{name}:{value}"
            for name, value in (("level", self.level), ("topic", self.topic), ("kind", self.kind))
            if value
        ]
        return " ".join(parts)


def parse_query(text: str) -> LibraryQuery:
    if len(text) > MAX_QUERY:
        raise UserError("library.query_too_long", limit=MAX_QUERY)
    words: list[str] = []
    level = topic = kind = None
    for token in text.split():
        match = _FILTER.match(token)
        if not match:
            words.append(token.lower())
            continue
        name, value = match[1].lower(), match[2].lower()
        if name == "level":
            if value not in {"1", "2", "3", "4", "5"}:
                raise UserError("library.bad_level")
            level = int(value)
        elif name == "topic":
            topic = value
        else:
            if value not in CONTENT_KINDS:
                raise UserError("library.bad_kind", kinds=", ".join(CONTENT_KINDS))
            kind = value
    return LibraryQuery(tuple(words), level, topic, kind)


def search(items: Sequence[ContentPiece], query: LibraryQuery) -> list[ContentPiece]:
    """Items matching every filter and every word (in title, teaser, topics, kind or body), newest first."""
    found = []
    for item in items:
        if query.level and item.levels and query.level not in item.levels:
            continue
        if query.topic and query.topic not in [t.lower() for t in item.topics]:
            continue
        if query.kind and item.kind != query.kind:
            continue
        haystack = f"{item.title} {item.teaser} {' '.join(item.topics)} {item.kind} {item.body}".lower()
        if all(word in haystack for word in query.words):
            found.append(item)
    return found


def for_level(item: ContentPiece, level: int | None) -> bool:
    """Whether an item targets this member's level (items without levels are for everyone)."""
    return not item.levels or level is None or level in item.levels
