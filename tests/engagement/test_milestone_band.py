"""The tenure milestones read a narrow band of join times, and never miss anyone who reaches one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.services.engagement.common import SCAN_EVERY, add_months
from bot.services.engagement.milestones import CATCH_UP, MONTH_END_SLACK, TENURE, join_band

JOINS = st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1), timezones=st.just(UTC))


@example(datetime(2027, 1, 31, 9, 0, tzinfo=UTC), 1, timedelta(minutes=-30))  # reaches on 28 Feb
@example(datetime(2026, 8, 31, 9, 0, tzinfo=UTC), 1, timedelta(0))  # reaches on 30 Sep
@example(datetime(2028, 2, 29, 9, 0, tzinfo=UTC), 12, timedelta(0))  # reaches on 28 Feb 2029
@example(datetime(2021, 2, 28, 11, 18, tzinfo=UTC), 1, timedelta(seconds=42120))  # the end clamps: 29 Mar -> 28 Feb
@settings(max_examples=2000)  # month ends are a small share of all dates
@given(
    joined=JOINS,
    months=st.sampled_from(sorted(TENURE.values())),
    since_reached=st.timedeltas(min_value=-SCAN_EVERY, max_value=CATCH_UP),
)
def test_whoever_reaches_a_milestone_in_the_week_looked_at_joined_in_the_band(
    joined: datetime, months: int, since_reached: timedelta
) -> None:
    now = add_months(joined, months) + since_reached  # reached up to a week ago, or within the next scan
    start, end = join_band(now, months)
    assert start <= joined <= end
    # A week and an hour of joiners, give or take month ends: not the 28- to 31-day months of before.
    assert end - start <= CATCH_UP + SCAN_EVERY + 2 * MONTH_END_SLACK


def test_the_band_reaches_past_its_end_only_on_a_months_last_day() -> None:
    """Who joined on 29-31 January reaches one month on 28 February: read them on that day only."""
    last_day = datetime(2027, 2, 28, 12, 0, tzinfo=UTC)
    assert join_band(last_day, 1)[1] == datetime(2027, 1, 28, 13, 0, tzinfo=UTC) + MONTH_END_SLACK
    assert join_band(last_day - timedelta(days=1), 1)[1] == datetime(2027, 1, 27, 13, 0, tzinfo=UTC)


def test_the_band_is_exact_away_from_month_ends() -> None:
    now = datetime(2027, 6, 15, 12, 0, tzinfo=UTC)
    assert join_band(now, 12) == (datetime(2026, 6, 8, 12, 0, tzinfo=UTC), datetime(2026, 6, 15, 13, 0, tzinfo=UTC))
