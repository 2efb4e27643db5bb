"""How many columns text takes in a terminal or a code block: a CJK character two, a combining mark none."""

from __future__ import annotations

from unicodedata import category, combining, east_asian_width

__all__ = ["display_width", "padded"]


def display_width(text: str) -> int:
    return sum(_columns(c) for c in text)


def padded(text: str, width: int, *, right: bool = False) -> str:
    """`text` with spaces after it (before it, `right`) up to `width` columns; longer text as it is."""
    gap = " " * max(0, width - display_width(text))
    return gap + text if right else text + gap


def _columns(char: str) -> int:
    if combining(char) or category(char) in ("Me", "Cf"):  # accents, enclosing marks, zero-width joiners
        return 0
    return 2 if east_asian_width(char) in "WF" else 1
