"""A month-by-month revenue forecast from today's members, the current rate of new members and churn."""

from __future__ import annotations

from decimal import Decimal

from bot.notices.analytics import ForecastInputs, ForecastMonth

MAX_MONTHS = 24


def forecast(inputs: ForecastInputs, months: int) -> list[ForecastMonth]:
    """Month 0 is today; then each month members = members × (1 − churn) + new, revenue = members × price.

    10 members at 50/month, +10 new and 20% churn a month: 10, 18, 24.4 members; 500, 900, 1220.
    """
    if not 0 <= inputs.churn <= 1:
        raise ValueError("churn is a share between 0 and 1")
    members = inputs.members
    rows = [ForecastMonth(0, members, members * inputs.price)]
    for month in range(1, max(0, min(months, MAX_MONTHS)) + 1):
        members = members * (1 - inputs.churn) + inputs.new_per_month
        rows.append(ForecastMonth(month, members, members * inputs.price))
    return rows


def steady_state(inputs: ForecastInputs) -> Decimal | None:
    """Where membership levels off (new = lost): new ÷ churn; None without churn."""
    return inputs.new_per_month / inputs.churn if inputs.churn else None
