"""The figures a creator reads, computed from query rows: pure functions with exact, documented definitions."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from decimal import Decimal

from bot.community.schema import Plan
from bot.notices.analytics import TrialOutcomes
from bot.services.faq.text import STOPWORDS, stem, words
from storage.repositories.analytics.engagement import UnansweredQuestion
from storage.repositories.analytics.membership import TrialRow

CENT = Decimal("0.01")
TOPIC_MIN_LETTERS = 3
TOPIC_MIN_QUESTIONS = 2  # a topic recurs: the words of one question are not a topic
TOPIC_MIN_ASKERS = 2  # ... nor those of one member asking the same thing again


def trial_lengths(plans: Sequence[Plan]) -> dict[str, int]:
    """Each plan's trial length in days, by plan key: what the membership queries need of the plans."""
    return {p.key: p.trial_days for p in plans}


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


# -- trials -------------------------------------------------------------------------------


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


# -- the FAQ ------------------------------------------------------------------------------


def top_topics(questions: Iterable[UnansweredQuestion], limit: int = 5) -> tuple[tuple[str, int], ...]:
    """The words that recur in unanswered questions, with how many questions hold them.

    Each word (grouped by stem; stop-words, numbers and words under three letters left out) counts
    once per question. A word is a topic only when it is in at least two questions asked by at least
    two people (a question whose asker is unknown counts as its own person): the verbs and odd words
    of a single question, or of one member asking the same thing twice, are not a topic. Shown as
    its most common spelling; most questions first, ties alphabetically.
    """
    seen: Counter[str] = Counter()
    askers: dict[str, set[int]] = defaultdict(set)
    unknown: Counter[str] = Counter()  # questions whose asker is not known, per stem
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    for question in questions:
        stems: set[str] = set()
        for word in words(question.text):
            word = word.replace("'", "").replace("’", "")
            if word in STOPWORDS or len(word) < TOPIC_MIN_LETTERS or word.isdigit():
                continue
            key = stem(word)
            spellings[key][word] += 1
            stems.add(key)
        seen.update(stems)
        for key in stems:
            if question.member_id is None:
                unknown[key] += 1
            else:
                askers[key].add(question.member_id)
    recurring = [
        (key, count)
        for key, count in seen.items()
        if count >= TOPIC_MIN_QUESTIONS and len(askers[key]) + unknown[key] >= TOPIC_MIN_ASKERS
    ]
    ranked = sorted(recurring, key=lambda item: (-item[1], item[0]))[:limit]
    return tuple((min(spellings[key], key=lambda w: (-spellings[key][w], w)), count) for key, count in ranked)
