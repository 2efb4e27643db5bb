"""Ambassadors as data: the thanks for a credited referral, an invite card, a leaderboard row."""

from __future__ import annotations

from dataclasses import dataclass

from bot.notices import Notice


@dataclass(frozen=True)
class ReferralCredited(Notice):
    """A friend the ambassador invited now pays: thank the ambassador, with their running total."""

    friend: str  # the friend's display name
    total: int  # the ambassador's credited referrals, this one included


@dataclass(frozen=True)
class Invite:
    """A member's personal code and how it has done so far (what `/invite` shows)."""

    code: str
    credited: int
    pending: int


@dataclass(frozen=True)
class Ambassador:
    """A row of the `/ambassadors` leaderboard."""

    member_id: int
    name: str
    credited: int
    pending: int
