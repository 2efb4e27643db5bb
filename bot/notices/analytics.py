"""The creator's analytics as data: the figures `/stats` shows, cohorts, the forecast, at-risk members,
the whole report, and the personal note a creator sends a member.

The figures' derived values (retention, rates, per-drop averages) are properties here, with
their exact definitions, so chat, charts and the report all read the same numbers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from bot.notices import Notice
from bot.notices.experiments import ExperimentResult


def ratio(part: int | Decimal, whole: int | Decimal) -> float | None:
    """part ÷ whole, or None when there is nothing to divide by."""
    return float(part) / float(whole) if whole else None


def money_change(now: Mapping[str, Decimal], before: Mapping[str, Decimal]) -> dict[str, Decimal]:
    return {c: now.get(c, Decimal(0)) - before.get(c, Decimal(0)) for c in sorted(set(now) | set(before))}


@dataclass(frozen=True)
class Period:
    """The window figures are about: (start, end], `end` being now."""

    start: datetime
    end: datetime

    @classmethod
    def last(cls, days: int, now: datetime) -> Period:
        return cls(now - timedelta(days=days), now)

    @property
    def days(self) -> int:
        return (self.end - self.start).days


# -- membership ---------------------------------------------------------------------------


@dataclass(frozen=True)
class TrialOutcomes:
    ended: int  # trials whose end fell in the period (still-trialing ones are left out)
    converted: int

    @property
    def rate(self) -> float | None:
        return ratio(self.converted, self.ended)


@dataclass(frozen=True)
class MembershipFigures:
    members: int  # holding a membership now (active, trialing, past due, comped)
    members_at_start: int
    new: int  # first membership ever started in the period
    churned_voluntary: int
    churned_failed_payment: int
    retained: int  # of members_at_start, still members now
    mrr: dict[str, Decimal]
    mrr_at_start: dict[str, Decimal]
    founding: int
    trials: TrialOutcomes
    currency: str = "usd"

    @property
    def churned(self) -> int:
        return self.churned_voluntary + self.churned_failed_payment

    @property
    def retention(self) -> float | None:
        """Share of the members at the start of the period who are still members."""
        return ratio(self.retained, self.members_at_start)

    @property
    def mrr_change(self) -> dict[str, Decimal]:
        return money_change(self.mrr, self.mrr_at_start)

    @property
    def main_mrr(self) -> Decimal:
        return self.mrr.get(self.currency, Decimal(0))

    @property
    def revenue_per_member(self) -> Decimal:
        """MRR in the main currency ÷ members now (comped and trial members bring 0)."""
        return (self.main_mrr / self.members) if self.members else Decimal(0)


# -- engagement ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DropStats:
    content_id: int
    title: str
    published_at: datetime
    opens: int  # distinct members who opened it
    reactions: int  # reactions to its posts (channel and DM)


@dataclass(frozen=True)
class LiveStats:
    session_id: int
    starts_at: datetime
    rsvps: int
    attended: int


@dataclass(frozen=True)
class EngagementFigures:
    weekly_active: int  # current members active in the last 7 days (joining does not count)
    community_members: int  # current members (not the creator or moderators)
    drops: tuple[DropStats, ...]
    live: tuple[LiveStats, ...]
    nudges_sent: int  # nudges whose outcome is known (came back, or window passed)
    nudges_won_back: int

    @property
    def weekly_active_share(self) -> float | None:
        return ratio(self.weekly_active, self.community_members)

    @property
    def opens_per_drop(self) -> float | None:
        return ratio(sum(d.opens for d in self.drops), len(self.drops))

    @property
    def reactions_per_drop(self) -> float | None:
        return ratio(sum(d.reactions for d in self.drops), len(self.drops))

    @property
    def live_with_attendance(self) -> tuple[LiveStats, ...]:
        """Sessions where the creator took attendance (at least one attendee marked)."""
        return tuple(s for s in self.live if s.attended)

    @property
    def live_attendance(self) -> float | None:
        """Attendees ÷ RSVPs, over sessions whose attendance was taken."""
        taken = self.live_with_attendance
        return ratio(sum(s.attended for s in taken), sum(s.rsvps for s in taken))

    @property
    def attendees_per_session(self) -> float | None:
        taken = self.live_with_attendance
        return ratio(sum(s.attended for s in taken), len(taken))

    @property
    def win_back_rate(self) -> float | None:
        return ratio(self.nudges_won_back, self.nudges_sent)


# -- the FAQ ------------------------------------------------------------------------------


@dataclass(frozen=True)
class FaqFigures:
    by_status: dict[str, int]
    top_topics: tuple[tuple[str, int], ...] = ()

    @property
    def asked(self) -> int:
        return sum(self.by_status.values())

    @property
    def answered_by_bot(self) -> int:
        return self.by_status.get("answered", 0)

    @property
    def deflection(self) -> float | None:
        """Questions the bot answered itself ÷ all questions asked."""
        return ratio(self.answered_by_bot, self.asked)


# -- everything together ------------------------------------------------------------------


@dataclass(frozen=True)
class MonthPoint:
    """One point of the history chart: a month's end (or now) and the figures then."""

    label: str
    at: datetime
    members: int
    mrr: Decimal


@dataclass(frozen=True)
class Snapshot:
    period: Period
    membership: MembershipFigures
    engagement: EngagementFigures
    faq: FaqFigures
    history: tuple[MonthPoint, ...] = field(default=())


@dataclass(frozen=True)
class CohortMatrix:
    """`cells[i][k]`: the share of cohort i (`sizes[i]` members) holding a membership at the end of
    month i+k (the current month: now); None for months still to come."""

    months: tuple[datetime, ...]  # cohort month starts, UTC
    sizes: tuple[int, ...]
    cells: tuple[tuple[float | None, ...], ...]

    @property
    def width(self) -> int:
        return len(self.months)


@dataclass(frozen=True)
class ForecastInputs:
    members: Decimal  # members now
    new_per_month: Decimal
    churn: Decimal  # share of members lost per month, 0..1
    price: Decimal  # revenue per member per month


@dataclass(frozen=True)
class ForecastMonth:
    month: int  # 0 is now
    members: Decimal
    revenue: Decimal


@dataclass(frozen=True)
class Forecast:
    """Month by month from `start` (month 0, now), in the main currency; `steady`: where membership levels off."""

    start: datetime
    inputs: ForecastInputs
    months: tuple[ForecastMonth, ...]
    currency: str
    steady: Decimal | None


@dataclass(frozen=True)
class Reason:
    """One part of an at-risk score, with what the template needs to explain it."""

    key: str  # falling | quiet | missed_live | past_due
    points: int
    values: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Risk:
    member_id: int
    name: str
    score: int
    reasons: tuple[Reason, ...]


@dataclass(frozen=True)
class Report:
    """Everything `/stats` shows, for `membot report`: the figures of the last days, cohorts, forecast, at risk."""

    snapshot: Snapshot
    cohorts: CohortMatrix
    forecast: Forecast
    at_risk: tuple[Risk, ...]
    experiments: tuple[ExperimentResult, ...] = ()  # every [[experiments]] entry, running or ended


# -- to a member ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonalNote(Notice):
    """The creator's own words, in a member's DMs (a reply within a day reaches the creator)."""

    note: str
    creator: str
    community: str
