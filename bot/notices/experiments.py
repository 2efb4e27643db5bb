"""Experiments as data: each variant's figures, an experiment's verdict, and the news that one has a winner."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.notices import Notice

END_ACTION = "exp.end"  # a button's value: "<experiment key>:<variant key>"


@dataclass(frozen=True)
class VariantFigures:
    """One variant: members whose outcome is known, how many reached it, the rate with its 95 % interval,
    the probability it is the best of the variants, and members still inside the outcome's window."""

    key: str
    members: int
    outcomes: int
    rate: float
    low: float
    high: float
    chance_best: float
    waiting: int = 0
    holdout: bool = False


@dataclass(frozen=True)
class ExperimentResult:
    """`verdict`: too-early (a variant has fewer than `min_sample` measured), no-difference-yet, winner
    (`leader` is it), or ended (the creator chose `leader` as everyone's copy at `ended_at`)."""

    key: str
    title: str
    message: str  # welcome | onboarding:<id> | checkin:<day> | teaser:<slug>
    outcome: str  # came-back-7d | posted-7d | opened-drop | member-30d | member-60d | member-90d
    min_sample: int
    variants: tuple[VariantFigures, ...]
    verdict: str
    leader: str | None = None
    ended_at: datetime | None = None


@dataclass(frozen=True)
class WinnerFound(Notice):
    """To the creator: one variant is better with at least 95 % probability; a button ends the experiment."""

    result: ExperimentResult
