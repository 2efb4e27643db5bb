"""What the poll feature tells people: the poll post, its results, and its final results."""

from __future__ import annotations

from dataclasses import dataclass

from bot.notices import Notice


@dataclass(frozen=True)
class Results:
    """A poll's counts, one per option; `mine` is the reader's own choice when known."""

    poll_id: int
    question: str
    options: tuple[str, ...]
    counts: tuple[int, ...]
    closed: bool
    mine: int | None = None

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass(frozen=True)
class PollPosted(Notice):
    """A new poll, posted with one button per option."""

    poll_id: int
    question: str
    options: tuple[str, ...]


@dataclass(frozen=True)
class PollClosed(Notice):
    """Posted where the poll was when it closes."""

    results: Results
