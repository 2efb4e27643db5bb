"""Library search: words plus `level:N`, `topic:X` and `kind:K` filters over published content."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.community.schema import CONTENT_KINDS
from bot.notices.content import ContentPiece
from bot.services.errors import UserError

_FILTER = re.compile(r"^(level|topic|kind):(.+)$", re.IGNORECASE)
MAX_QUERY = 200
PAGE = 10  # library items per page
PICKS = 3  # best picks shown when nothing new is scheduled


@dataclass(frozen=True)
class LibraryQuery:
    words: tuple[str, ...] = ()
    level: int | None = None
    topic: str | None = None
    kind: str | None = None
    page: int = 1  # `page N` anywhere in the query

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
    page = 1
    tokens = text.split()
    for index, token in enumerate(tokens):
        if token.lower() == "page" and index + 1 < len(tokens) and tokens[index + 1].isdigit():
            continue  # `page N`: the number is read next
        if index and tokens[index - 1].lower() == "page" and token.isdigit():
            page = whole_page(token)
            continue
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
    return LibraryQuery(tuple(words), level, topic, kind, page)


def whole_page(text: str) -> int:
    if len(text) > 4 or not text.isascii() or int(text) < 1:
        raise UserError("library.bad_page_number")
    return int(text)


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


def best_of(
    items: Sequence[ContentPiece], opens: Mapping[int, int], level: int | None, limit: int = PICKS
) -> list[ContentPiece]:
    """The items for this level that most members opened; among equals the newest (`items` come newest first)."""
    mine = [item for item in items if for_level(item, level)]
    return sorted(mine, key=lambda item: -opens.get(item.id, 0))[:limit]  # sorted() is stable: newest first on ties


@dataclass(frozen=True)
class LibraryPage:
    items: tuple[ContentPiece, ...]
    page: int  # 1-based
    pages: int
    total: int


def page_of(items: Sequence[ContentPiece], page: int, size: int = PAGE) -> LibraryPage:
    """One page of results; a page past the end is a friendly error naming the last one."""
    pages = max(1, -(-len(items) // size))
    if not 1 <= page <= pages:
        raise UserError("library.bad_page", pages=pages)
    start = (page - 1) * size
    return LibraryPage(tuple(items[start : start + size]), page, pages, len(items))
