"""The contract for an optional answer writer (an LLM) and the checks its output must pass.

Services never trust a written answer: `check_draft` accepts it only when it cites a
passage it was given, links only to addresses found in those passages (URLs, bare
domains and e-mail addresses alike, since chat platforms link all three), stays short,
and does not echo the writer's own instructions. Anything else falls back to the local
answer, so a prompt injection can at worst cost us the nicer wording.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

MAX_DRAFT_CHARS = 1500
DECLINE = "NO_ANSWER"  # what the writer is told to say when the passages do not answer
LEAK_NGRAM = 7  # this many consecutive words of the instructions in an answer is a leak
_CITATION = re.compile(r"\[(\d{1,2}(?:\s*,\s*\d{1,2})*)\]")
_URL = re.compile(r"(?:https?|ftp)://[^\s<>|)\]]+|\bwww\.[^\s<>|)\]]+", re.IGNORECASE)
_EMAIL = re.compile(r"(?:mailto:)?[\w.+-]+@(?:[\w-]+\.)+[a-z]{2,24}\b", re.IGNORECASE)
# A bare domain (`strategyclub-billing.com/login`): Slack and Discord make these links too.
_DOMAIN = re.compile(
    r"(?<![\w@.-])(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+([a-z]{2,24})\b(?:/[^\s<>|)\]]*)?", re.IGNORECASE
)
# Words that look like domains but are file names or abbreviations ("Node.js", "notes.md").
_NOT_TLDS = frozenset(
    "js ts py md txt pdf png jpg jpeg gif csv xlsx xls docx doc pptx json html htm zip mp3 mp4 "  # noqa: SIM905 (a word list reads best as one string)
    "mov wav toml yaml yml ini cfg log sh exe dll so".split()
)
_WORDS = re.compile(r"\w+")


@dataclass(frozen=True)
class Passage:
    """One numbered piece of the community's own knowledge, as shown to the writer."""

    number: int
    doc_id: str
    title: str
    text: str


class WriterError(Exception):
    """The writer produced nothing usable in time (network, timeout, API error)."""


class AnswerWriter(Protocol):
    """Writes an answer to `question` from `passages` only, citing them as [1], [2]..."""

    @property
    def instructions(self) -> str:
        """The standing instructions it sends: an answer must never contain them."""
        ...

    async def write(self, question: str, passages: Sequence[Passage], *, earlier: str | None = None) -> str:
        """The draft answer; raises `WriterError` when there is none."""
        ...

    async def aclose(self) -> None: ...


@dataclass(frozen=True)
class Verdict:
    ok: bool
    reason: str  # "ok" or why the draft was refused (safe to log: no content)
    cited: tuple[int, ...] = ()  # passage numbers cited, lowest (best ranked) first


def citations(text: str) -> tuple[int, ...]:
    """Passage numbers cited as [1], [2] or [1, 3], in order of first appearance."""
    found: list[int] = []
    for match in _CITATION.finditer(text):
        for part in match[1].split(","):
            number = int(part)
            if number not in found:
                found.append(number)
    return tuple(found)


def _words(text: str) -> list[str]:
    return _WORDS.findall(text.casefold())


def leaks(draft: str, instructions: str, n: int = LEAK_NGRAM) -> bool:
    """Whether `draft` repeats any run of `n` consecutive words of `instructions`."""
    secret = _words(instructions)
    if len(secret) < n:
        return bool(secret) and " ".join(secret) in " ".join(_words(draft))
    grams = {tuple(secret[i : i + n]) for i in range(len(secret) - n + 1)}
    said = _words(draft)
    return any(tuple(said[i : i + n]) in grams for i in range(len(said) - n + 1))


def _clean_url(url: str) -> str:
    return url.rstrip(".,;:!?'\"*_")


def _normal(link: str) -> str:
    """A link as compared: lower case, no scheme, no `www.`, `mailto:` or trailing punctuation or slash."""
    link = _clean_url(link).lower()
    link = re.sub(r"^(?:https?|ftp)://|^mailto:", "", link)
    link = link.removeprefix("www.")
    return link.rstrip("/")


def links(text: str) -> list[str]:
    """Everything in ``text`` a chat platform would turn into a link: URLs (with or without a
    scheme), bare domains with or without a path, and e-mail addresses, normalised."""
    found: list[str] = []
    rest = text
    for pattern in (_EMAIL, _URL):
        found.extend(_normal(m[0]) for m in pattern.finditer(rest))
        rest = pattern.sub(" ", rest)
    for match in _DOMAIN.finditer(rest):
        if match[1].lower() not in _NOT_TLDS:
            found.append(_normal(match[0]))
    return found


def _foreign(draft: str, passages: Sequence[Passage]) -> bool:
    """Whether the draft links anywhere the passages do not: the exact address, or the bare
    host of an address they give (`club.example` when they link `https://club.example/account`)."""
    known = {link for p in passages for link in links(p.text)}
    hosts = {link.split("/", 1)[0] for link in known if "@" not in link}
    return any(link not in known and not ("/" not in link and link in hosts) for link in links(draft))


def check_draft(
    draft: str, passages: Sequence[Passage], instructions: str, *, max_chars: int = MAX_DRAFT_CHARS
) -> Verdict:
    """Accept a written answer only if it is grounded in `passages` and leaks nothing."""
    text = draft.strip()
    if not text:
        return Verdict(False, "empty")
    if leaks(text, instructions):
        return Verdict(False, "leak")
    if DECLINE in text:
        return Verdict(False, "declined")
    if len(text) > max_chars:
        return Verdict(False, "too_long")
    cited = citations(text)
    if not cited:
        return Verdict(False, "uncited")
    numbers = {p.number for p in passages}
    if any(n not in numbers for n in cited):
        return Verdict(False, "unknown_citation")
    if _foreign(text, passages):
        return Verdict(False, "foreign_link")
    return Verdict(True, "ok", tuple(sorted(cited)))
