"""What the console reads from a person: how far `/time` moves, and who `/as NAME` is."""

from __future__ import annotations

import hashlib
import re
import unicodedata
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
        raise ValueError("say how far to move, like /time +3d, +2h, +30m or +1w")
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
