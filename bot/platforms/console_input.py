"""What the console reads from a person: its lines, how far `/time` moves, who `/as NAME` is, and
whether a line is said to the bot in private or in a channel."""

from __future__ import annotations

import asyncio
import hashlib
import re
import sys
import unicodedata
from collections.abc import Awaitable, Callable
from datetime import timedelta

CREATOR_ID = "creator"
MAX_ID = 48
_DURATION = re.compile(r"^\+?\s*(\d{1,4})\s*(m|min|h|d|w)$")
_UNITS = {"m": "minutes", "min": "minutes", "h": "hours", "d": "days", "w": "weeks"}
LONGEST_JUMP = timedelta(days=366)


def parse_duration(text: str) -> timedelta:
    """`+3d`, `+2h`, `+30m`, `+1w`, up to a year: every job runs on the way (about a second a day)."""
    match = _DURATION.match(text.strip().lower())
    if not match:
        raise ValueError("say how far to move, like /time +3d, +2h, +30m or +1w (a year at most: +52w)")
    delta = timedelta(**{_UNITS[match[2]]: int(match[1])})
    if delta > LONGEST_JUMP:
        raise ValueError("a year at most in one go, like /time +52w")
    return delta


def member_id(name: str) -> str:
    """The user id for `/as NAME`: the name's words, case-folded, in any script ("Åse" -> "åse",
    "李雷" -> "李雷"), so different names are different people. Never the creator's id: only
    `/as creator` is the creator."""
    folded = unicodedata.normalize("NFKC", name).casefold()
    words = "-".join(re.findall(r"[^\W_]+", folded))
    digest = hashlib.sha256(folded.encode()).hexdigest()[:10]
    if not words:  # only symbols or emoji: still one id per name
        return f"u-{digest}"
    if words == CREATOR_ID or len(words) > MAX_ID:
        return f"{words[: MAX_ID - 11]}-{digest}"
    return words


def addressed(line: str) -> bool:
    """A channel post (`#channel text`) or a mention (`@bot text`), not a line to the bot in private."""
    return line.startswith("#") or line.lower().startswith("@bot")


def posted_where(line: str) -> tuple[str | None, str, bool]:
    """(channel, text, mentions the bot) for a typed line: ``@bot text`` mentions the bot in
    #general, ``#channel text`` posts there (``#channel @bot text`` mentions it there), and a plain
    line is a DM to the bot (channel None)."""
    if line.lower().startswith("@bot"):
        return "general", line[4:].strip(), True
    if line.startswith("#"):
        name, _, text = line[1:].partition(" ")
        channel, mentions = name or "general", text.lower().startswith("@bot")
        return channel, (text[4:] if mentions else text).strip(), mentions
    return None, line, False


async def piped_reader() -> str | None:
    line = await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    return line if line else None


async def interactive_reader() -> str | None:
    try:
        return await asyncio.get_running_loop().run_in_executor(None, input, "> ")
    except EOFError:
        return None


def reader(interactive: bool) -> Callable[[], Awaitable[str | None]]:
    """Read standard input: with a prompt at a terminal, else line by line until it ends."""
    return interactive_reader if interactive else piped_reader
