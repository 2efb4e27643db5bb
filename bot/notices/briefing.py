"""The creator's weekly briefing as data: the week's arrivals and departures, who needs a word,
what waits in the inbox, the FAQ's misses, nudge win-backs, next week's drops and lives, and the runway.

Every count comes from the same figures `/stats` shows for the same 7 days (bot.notices.analytics),
so the two never disagree; the names are the members those figures count.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.notices import Notice
from bot.notices.analytics import EngagementFigures, FaqFigures, MembershipFigures, Period, Risk
from bot.notices.content import ContentPiece, SlotRunway
from bot.notices.experiments import ExperimentResult
from bot.notices.faq import InboxItem
from bot.notices.live import Upcoming


@dataclass(frozen=True)
class Person:
    """A member named in the briefing, with what they said they want (their intake goal) when known."""

    member_id: int
    name: str
    goal: str = ""
    back: bool = False  # left in the week and holds a membership again


@dataclass(frozen=True)
class ComingDrop:
    """A drop due to go out in the coming week, and when."""

    item: ContentPiece
    at: datetime  # UTC


@dataclass(frozen=True)
class Briefing:
    """Everything the briefing says; `/briefing` replies with it and the weekly job sends it as `WeeklyBriefing`."""

    community: str
    period: Period  # the 7 days it looks back on: (start, end]
    membership: MembershipFigures  # the week's figures, as `/stats 7` computes them
    engagement: EngagementFigures
    faq: FaqFigures
    joined: tuple[Person, ...]  # the members membership.new counts
    canceled: tuple[Person, ...]  # membership.churned_voluntary
    failed_payment: tuple[Person, ...]  # membership.churned_failed_payment
    at_risk: tuple[Risk, ...]  # everyone at risk now, highest score first
    inbox: tuple[InboxItem, ...]  # the oldest open questions
    inbox_total: int  # open questions in all
    drops: tuple[ComingDrop, ...]  # due in the coming 7 days, in order
    live: tuple[Upcoming, ...]  # sessions starting in the coming 7 days
    runway: tuple[SlotRunway, ...]  # per drop slot; empty when the community has no slots
    experiments: tuple[ExperimentResult, ...] = ()  # running ones, and those ended this week
    returned: tuple[Person, ...] = ()  # members again after a break, their return this week (not new)
    trial_ended: tuple[Person, ...] = ()  # a trial given by hand ran out this week (not churn)
    paused: tuple[Person, ...] = ()  # their subscription was paused this week (not churn)

    @property
    def faq_misses(self) -> int:
        """Questions asked this week that the bot could not answer itself (asked − answered by the bot)."""
        return self.faq.asked - self.faq.answered_by_bot

    @property
    def short_slots(self) -> tuple[SlotRunway, ...]:
        return tuple(slot for slot in self.runway if slot.short)


@dataclass(frozen=True)
class WeeklyBriefing(Notice):
    """The weekly briefing, in the creator's DMs."""

    briefing: Briefing
