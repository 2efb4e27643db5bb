"""The figures a creator reads, computed from query rows: pure functions with exact, documented definitions."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from bot.community.schema import Plan
from bot.services.analytics.queries import DropRow, LiveRow, TrialRow
from bot.services.faq.text import STOPWORDS, stem, words

CENT = Decimal("0.01")
TOPIC_MIN_LETTERS = 3


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


def ratio(part: int | Decimal, whole: int | Decimal) -> float | None:
    """part ÷ whole, or None when there is nothing to divide by."""
    return float(part) / float(whole) if whole else None


# -- money --------------------------------------------------------------------------------


def monthly_amount(plan: Plan) -> Decimal:
    """What a plan brings in per month: yearly plans count a twelfth of their price."""
    return plan.amount if plan.interval == "month" else plan.amount / 12


def mrr(paying: Mapping[str, int], plans: Sequence[Plan]) -> dict[str, Decimal]:
    """Monthly recurring revenue per currency, to the cent, from paying memberships per plan key."""
    total: dict[str, Decimal] = defaultdict(Decimal)
    by_key = {p.key: p for p in plans}
    for key, count in paying.items():
        plan = by_key.get(key)
        if plan is not None:
            total[plan.currency] += monthly_amount(plan) * count
    return {currency: amount.quantize(CENT) for currency, amount in sorted(total.items())}


def main_currency(plans: Sequence[Plan]) -> str:
    """The currency most plans are priced in (the first plan's on a tie)."""
    if not plans:
        return "usd"
    return Counter(p.currency for p in plans).most_common(1)[0][0]  # ties: the first seen


def money_change(now: Mapping[str, Decimal], before: Mapping[str, Decimal]) -> dict[str, Decimal]:
    return {c: now.get(c, Decimal(0)) - before.get(c, Decimal(0)) for c in sorted(set(now) | set(before))}


# -- trials -------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrialOutcomes:
    ended: int  # trials whose end fell in the period (still-trialing ones are left out)
    converted: int

    @property
    def rate(self) -> float | None:
        return ratio(self.converted, self.ended)


def trial_outcomes(rows: Iterable[TrialRow], plans: Sequence[Plan], start: datetime, end: datetime) -> TrialOutcomes:
    """A trial ended in (start, end] converted if the member went on to pay.

    Trial plans: the trial ends `trial_days` after the start. Converted: now active or past
    due, or canceled after the trial ended (they paid at least once). Not converted:
    canceled during the trial, unpaid, paused or never completed. Hand-given trials that
    ran out are stored as `expired`: never converted.
    """
    by_key = {p.key: p for p in plans}
    ended = converted = 0
    for row in rows:
        if row.status == "expired":
            ended += 1
            continue
        plan = by_key.get(row.plan or "")
        if plan is None or plan.trial_days <= 0:
            continue
        trial_end = row.started_at + timedelta(days=plan.trial_days)
        if not start < trial_end <= end or row.status in ("trialing", "incomplete", "converting", "comped"):
            continue
        ended += 1
        if row.status in ("active", "past_due") or (
            row.status == "canceled" and row.ended_at is not None and row.ended_at > trial_end
        ):
            converted += 1
    return TrialOutcomes(ended, converted)


# -- membership ---------------------------------------------------------------------------


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
class EngagementFigures:
    weekly_active: int  # current members active in the last 7 days (joining does not count)
    community_members: int  # current members (not the creator or moderators)
    drops: tuple[DropRow, ...]
    live: tuple[LiveRow, ...]
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
    def live_with_attendance(self) -> tuple[LiveRow, ...]:
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


def top_topics(questions: Iterable[str], limit: int = 5) -> tuple[tuple[str, int], ...]:
    """The words that come up most in unanswered questions: each word (grouped by stem) counted
    once per question, shown as its most common spelling; ties go alphabetically."""
    seen: Counter[str] = Counter()
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    for question in questions:
        stems: set[str] = set()
        for word in words(question):
            word = word.replace("'", "").replace("’", "")
            if word in STOPWORDS or len(word) < TOPIC_MIN_LETTERS or word.isdigit():
                continue
            key = stem(word)
            spellings[key][word] += 1
            stems.add(key)
        seen.update(stems)
    ranked = sorted(seen.items(), key=lambda item: (-item[1], item[0]))[:limit]
    return tuple((min(spellings[key], key=lambda w: (-spellings[key][w], w)), count) for key, count in ranked)


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
