"""Pure figure computations: the forecast, risk scores, MRR normalisation and trial outcomes, by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from bot.community.schema import Plan
from bot.notices.analytics import FaqFigures, ForecastInputs
from bot.services.analytics.cohorts import build_matrix, month_starts
from bot.services.analytics.figures import main_currency, monthly_amount, mrr, top_topics, trial_outcomes
from bot.services.analytics.forecast import forecast, steady_state
from bot.services.analytics.risk import RiskPolicy, at_risk, score
from storage.repositories.analytics.engagement import UnansweredQuestion
from storage.repositories.analytics.membership import TrialRow
from storage.repositories.analytics.signals import MemberSignals

NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)


def ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


def test_forecast_matches_the_worked_example() -> None:
    inputs = ForecastInputs(members=Decimal(10), new_per_month=Decimal(10), churn=Decimal("0.2"), price=Decimal(50))
    rows = forecast(inputs, 3)
    assert [r.month for r in rows] == [0, 1, 2, 3]
    assert [r.members for r in rows] == [Decimal(10), Decimal(18), Decimal("24.4"), Decimal("29.52")]
    assert [r.revenue for r in rows] == [Decimal(500), Decimal(900), Decimal(1220), Decimal(1476)]
    assert steady_state(inputs) == Decimal(50)  # 10 new ÷ 20% churn


def test_forecast_bounds() -> None:
    flat = ForecastInputs(Decimal(5), Decimal(0), Decimal(0), Decimal(10))
    assert [r.revenue for r in forecast(flat, 2)] == [Decimal(50)] * 3
    assert steady_state(flat) is None
    assert len(forecast(flat, 99)) == 25  # capped at 24 months ahead
    with pytest.raises(ValueError):
        forecast(ForecastInputs(Decimal(1), Decimal(0), Decimal("1.5"), Decimal(1)), 1)


def test_mrr_normalises_yearly_plans_and_ignores_unknown_ones() -> None:
    plans = (
        Plan(key="m", tier="t", interval="month", amount=Decimal(49)),
        Plan(key="y", tier="t", interval="year", amount=Decimal(490)),
        Plan(key="e", tier="t", interval="month", amount=Decimal(20), currency="eur"),
    )
    assert monthly_amount(plans[1]) * 12 == Decimal(490)
    assert mrr({"m": 2, "y": 3, "gone": 5}, plans) == {"usd": Decimal("220.50")}  # 98 + 122.50
    assert mrr({"e": 1, "m": 1}, plans) == {"eur": Decimal("20.00"), "usd": Decimal("49.00")}
    assert main_currency(plans) == "usd"
    assert main_currency(()) == "usd"


def test_trial_outcomes() -> None:
    plans = (Plan(key="m", tier="t", amount=Decimal(49), trial_days=7), Plan(key="n", tier="t", amount=Decimal(9)))
    rows = [
        TrialRow("active", "m", ago(20), None),  # trial ended 13 days ago, paying: converted
        TrialRow("canceled", "m", ago(25), ago(2)),  # canceled after the trial: converted (paid once)
        TrialRow("canceled", "m", ago(12), ago(8)),  # canceled inside the trial: not converted
        TrialRow("unpaid", "m", ago(10), None),  # first charge failed: not converted
        TrialRow("trialing", "m", ago(9), None),  # late webhook: undecided, left out
        TrialRow("active", "m", ago(40), None),  # trial ended before the period: left out
        TrialRow("active", "n", ago(20), None),  # no trial on this plan
        TrialRow("expired", None, ago(20), ago(6)),  # a trial given by hand that ran out
    ]
    outcome = trial_outcomes(rows, plans, ago(30), NOW)
    assert (outcome.ended, outcome.converted) == (5, 2)
    assert outcome.rate == 0.4


def test_faq_deflection_and_topics() -> None:
    faq = FaqFigures({"answered": 6, "unanswered": 1, "forwarded": 2, "resolved": 1})
    assert (faq.asked, faq.answered_by_bot, faq.deflection) == (10, 6, 0.6)
    assert FaqFigures({}).deflection is None
    asked = [(1, "Refunds?"), (2, "How do refunds work"), (1, "Zoom link please"), (3, "zoom recording")]
    questions = [UnansweredQuestion(q, m) for m, q in [*asked, (None, "Is 2024 ok?")]]
    assert top_topics(questions) == (("refunds", 2), ("zoom", 2))


def test_a_topic_recurs_across_questions_and_members() -> None:
    """Found as an outsider: /stats listed "krijg" and "alert", the verb and noun of one Dutch question,
    as topics. A word is a topic when it is in two questions from two people; an unknown asker counts
    as someone else."""
    one_question = [UnansweredQuestion("Hoe krijg ik een alert als de live begint?", 1)]
    assert top_topics(one_question) == ()
    one_member = [UnansweredQuestion("Can I get the recording?", 2), UnansweredQuestion("Recording online yet?", 2)]
    assert top_topics(one_member) == ()
    two_members = [*one_member, UnansweredQuestion("Is the recording up?", 3)]
    assert top_topics(two_members) == (("recording", 3),)
    unknown = [UnansweredQuestion("Invoice for my company?", None), UnansweredQuestion("Where are invoices?", 4)]
    assert top_topics(unknown) == (("invoice", 2),)


def test_risk_score_explains_every_point() -> None:
    falling = MemberSignals(1, "Falling", ago(100), ago(9), recent=1, earlier=16, missed_live=1, past_due_since=ago(4))
    risk = score(falling, NOW)
    # usual: 16 actions in 56 days = 4 per 14 days; 1 lately is a 75% drop: 40 × 0.75 = 30 points
    assert [(r.key, r.points) for r in risk.reasons] == [
        ("falling", 30),
        ("past_due", 25),
        ("missed_live", 10),
        ("quiet", 9),
    ]
    assert risk.score == 74
    assert risk.reasons[0].values == {"percent": 75, "recent": 1, "usual": 4.0, "days": 14}


def test_risk_needs_a_baseline_and_a_threshold() -> None:
    new = MemberSignals(2, "New", ago(21), ago(10), recent=0, earlier=9)  # 7 days of baseline: too new
    assert [(r.key, r.points) for r in score(new, NOW).reasons] == [("quiet", 10)]
    young = MemberSignals(3, "Young", ago(30), ago(15), recent=0, earlier=8)  # 16 days: usual 7 per 14 days
    assert score(young, NOW).score == 40 + 15
    rare = MemberSignals(4, "Rare", ago(100), ago(3), recent=0, earlier=7)  # usual 1.75 per 14 days: too rare to fall
    assert score(rare, NOW).reasons == ()
    capped = MemberSignals(5, "Capped", ago(400), ago(45), recent=0, earlier=0, missed_live=5)
    assert score(capped, NOW).score == 60 + 20  # quiet capped at 60, missed lives at 20
    late = MemberSignals(7, "Late", ago(400), ago(90), recent=0, earlier=0, missed_live=5, past_due_since=ago(30))
    assert score(late, NOW).score == 100  # 60 + 20 + 25, capped at 100
    listed = at_risk([new, young, rare, capped, MemberSignals(6, "Also", ago(30), ago(15), recent=0, earlier=8)], NOW)
    assert [(r.member_id, r.score) for r in listed] == [(5, 80), (3, 55), (6, 55)]
    assert at_risk([young], NOW, RiskPolicy(at_risk_from=60)) == []


def test_month_starts_and_matrix() -> None:
    from zoneinfo import ZoneInfo

    oslo = ZoneInfo("Europe/Oslo")
    starts = month_starts(NOW, oslo, 2)
    assert starts == [
        datetime(2026, 9, 30, 22, tzinfo=UTC),
        datetime(2026, 10, 31, 23, tzinfo=UTC),
        datetime(2026, 11, 30, 23, tzinfo=UTC),
    ]
    jan = month_starts(datetime(2027, 1, 5, tzinfo=UTC), oslo, 2)
    assert [s.astimezone(oslo).strftime("%Y-%m") for s in jan] == ["2026-12", "2027-01", "2027-02"]
    matrix = build_matrix(starts[:2], {0: 4}, {(0, 0): 4, (0, 1): 3})
    assert matrix.cells == ((1.0, 0.75), (None, None))
