"""Library search: words plus `level:N`, `topic:X` and `kind:K` filters over published content."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from difflib import SequenceMatcher, get_close_matches

from bot.community.schema import CONTENT_KINDS
from bot.notices.content import ContentPiece
from bot.services.errors import UserError
from bot.untrusted import unseen_removed

_FILTER = re.compile(r"^(level|topic|kind):(.+)$", re.IGNORECASE)
_PAGE_NUMBER = re.compile(r"[-+−]?[0-9]+")  # what a page number typed after "page" looks like, right or wrong
MAX_QUERY = 200
_AROUND_WORDS = "\"'“”‘’«»„()[]{}<>,.;:!?¿¡"
PAGE = 10  # library items per page
PICKS = 3  # best picks shown when nothing new is scheduled
# Respelling a search that found nothing: only words this long are guessed at (a short word is
# too easy to turn into another), at most this many (each is compared with the whole vocabulary).
# A guess must be RESPELL_CUTOFF close by difflib's ratio (one typo in a 6-letter word is 0.83);
# a word of a title, teaser, topic or kind gets TITLE_BONUS, as that is what members search for
# ("hot seet" is "hot seats" of a title before "sent" of a body).
RESPELL_MIN = 4
RESPELL_MOST = 6
RESPELL_CUTOFF = 0.75
TITLE_BONUS = 0.1
_WORD = re.compile(r"\w+")


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
        if token.lower() == "page" and index + 1 < len(tokens) and _PAGE_NUMBER.fullmatch(tokens[index + 1]):
            continue  # `page N`: the number is read next (`page -1` and `page 0` are refused, not searched for)
        if index and tokens[index - 1].lower() == "page" and _PAGE_NUMBER.fullmatch(token):
            page = whole_page(token)
            continue
        match = _FILTER.match(token)
        if not match:
            word = _bare(token)
            if word:
                words.append(word)
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


def _bare(token: str) -> str:
    """A search word as the library holds it: lower case, without the quotes or punctuation around it
    (`"pricing"`, `(pricing),`) or invisible characters in it (a zero-width space alone is no word);
    a token of neither letters nor digits is no word."""
    word = unseen_removed(token).strip(_AROUND_WORDS).lower()
    return word if any(c.isalnum() for c in word) else ""  # `*` or `~~` matched the body's formatting marks


def whole_page(text: str) -> int:
    """A page number as typed: 1 or more, however large (a page past the end is "there is no page N";
    the query's MAX_QUERY caps its length)."""
    if not text.isascii() or not text.isdigit() or int(text) < 1:
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
        if all(word in _haystack(item) for word in query.words):
            found.append(item)
    return found


def _haystack(item: ContentPiece) -> str:
    return f"{_label(item)} {item.body.lower()}"


def respell(items: Sequence[ContentPiece], query: LibraryQuery) -> LibraryQuery | None:
    """The query with each word no item contains replaced by the library's closest word (a typo,
    or another form of the word: "pricng" and "prices" both become "pricing"), or None when there
    is nothing to replace or no close word. For a search that found nothing."""
    haystacks = [_haystack(item) for item in items]
    missing = [w for w in query.words if _guessable(w) and not any(w in h for h in haystacks)]
    if not missing or len(missing) > RESPELL_MOST:
        return None
    counts = Counter(word for h in haystacks for word in _WORD.findall(h) if _guessable(word))
    if not counts:  # an empty library (or one of numbers and Chinese only): no word to offer
        return None
    titled = {word for item in items for word in _WORD.findall(_label(item)) if word in counts}
    fixes = {word: guess for word in missing if (guess := _closest(word, counts, titled))}
    if not fixes:
        return None
    return replace(query, words=tuple(fixes.get(word, word) for word in query.words))


def _label(item: ContentPiece) -> str:
    return f"{item.title} {item.teaser} {' '.join(item.topics)} {item.kind}".lower()


def _guessable(word: str) -> bool:
    """Alphabetic words of RESPELL_MIN letters or more; not Chinese, whose words aren't spaced."""
    return len(word) >= RESPELL_MIN and word.isalpha() and all(ord(c) < 0x2E80 for c in word)


def _closest(word: str, counts: Counter[str], titled: set[str]) -> str | None:
    """The closest spelling; failing that, the most common word sharing the word's stem (all but
    its last two letters, at least four)."""
    floor = RESPELL_CUTOFF - TITLE_BONUS
    scored = [
        (SequenceMatcher(None, word, guess).ratio() + (TITLE_BONUS if guess in titled else 0.0), counts[guess], guess)
        for guess in get_close_matches(word, counts, n=len(counts), cutoff=floor)  # all: a title word may score last
        if guess[:2] == word[:2]  # "pricing" is not a typo of "panicking", however close their letters
    ]
    best = max((s for s in scored if s[0] >= RESPELL_CUTOFF), default=None)
    if best is not None:
        return best[2]
    stem = word[: max(RESPELL_MIN, len(word) - 2)]
    same_stem = [w for w in counts if w.startswith(stem)]
    return max(same_stem, key=lambda w: (w in titled, counts[w], -len(w)), default=None)


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
        raise UserError("library.bad_page", page=page, pages=pages)
    start = (page - 1) * size
    return LibraryPage(tuple(items[start : start + size]), page, pages, len(items))
