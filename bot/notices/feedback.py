"""Feedback as data: the creator's notice of new feedback, and the entries of the creator's list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.notices import Notice

FEEDBACK_TEXT = 2000  # the longest feedback a member can send


@dataclass(frozen=True)
class FeedbackReceived(Notice):
    """A member sent feedback; every creator account is told (by DM)."""

    feedback_id: int
    author: str  # the member's display name
    text: str


@dataclass(frozen=True)
class FeedbackEntry:
    """One line of `/feedback list`."""

    id: int
    author: str
    text: str
    at: datetime
