"""`membot report` reads for people: human labels and dates, charts that say "no data yet",
cohorts without empty months, and an at-risk table in words."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from bot.i18n import Catalog, Translator
from bot.notices.analytics import (
    CohortMatrix,
    DropStats,
    EngagementFigures,
    FaqFigures,
    Forecast,
    ForecastInputs,
    ForecastMonth,
    MembershipFigures,
    MonthPoint,
    Period,
    Reason,
    Report,
    Risk,
    Snapshot,
    TrialOutcomes,
)
from bot.settings import REPO_ROOT
from bot.views import analytics as views
from bot.views import charts
from bot.views.report import report_files
from tests.conftest import run_sync

OSLO = ZoneInfo("Europe/Oslo")
NOW = datetime(2026, 12, 5, 19, 8, 30, 446430, tzinfo=UTC)  # microseconds, as a real clock has them
CATALOG = Catalog.load(REPO_ROOT / "prompts")


def t(locale: str = "en") -> Translator:
    return CATALOG.for_locale(locale)


def labels() -> dict[str, str]:
    found = views.chart_labels("Club", "usd", 30, t())
    found.update(no_revenue="No revenue yet", no_flow="Nobody joined or left")
    return found


def snapshot(*, members: int = 0, mrr: str = "0", new: int = 0, history: tuple[MonthPoint, ...] = ()) -> Snapshot:
    figures = MembershipFigures(
        members=members,
        members_at_start=0,
        new=new,
        churned_voluntary=0,
        churned_failed_payment=0,
        retained=0,
        mrr={"usd": Decimal(mrr)},
        mrr_at_start={},
        founding=0,
        trials=TrialOutcomes(0, 0),
    )
    drop = DropStats(1, "Find your one customer", NOW - timedelta(days=3, microseconds=17), 2, 1)
    engagement = EngagementFigures(0, members, (drop,), (), 0, 0)
    return Snapshot(Period.last(30, NOW), figures, engagement, FaqFigures({}), history)


def month_point(label: str, members: int, mrr: str = "0") -> MonthPoint:
    return MonthPoint(label, NOW, members, Decimal(mrr))


def texts(axes: Axes) -> list[str]:
    return [text.get_text() for text in axes.texts]


def panels(figure: Figure) -> dict[str, Axes]:
    return {axes.get_title(): axes for axes in figure.axes}


# -- charts -------------------------------------------------------------------------------------


def test_empty_or_all_zero_panels_say_no_data_instead_of_axes_around_zero() -> None:
    history = (month_point("2026-10", 0), month_point("2026-11", 0), month_point("2026-12", 0))
    drawn = panels(charts.dashboard_figure(snapshot(history=history), labels()))
    assert texts(drawn["Members"]) == ["No data yet"]  # all zero: no line at 0 with an axis -0.04..0.05
    assert texts(drawn["MRR (USD)"]) == ["No revenue yet"]
    assert texts(drawn["New and churned, last 30 days"]) == ["Nobody joined or left"]
    assert list(drawn["Members"].get_yticks()) == []
    assert drawn["Per drop: opens and reactions"].get_ylim()[0] == 0  # real drops: bars from zero up


def test_history_starts_at_the_first_month_with_members() -> None:
    history = (month_point("2026-10", 0), month_point("2026-11", 3), month_point("2026-12", 4, "98"))
    drawn = panels(charts.dashboard_figure(snapshot(members=4, mrr="98", new=1, history=history), labels()))
    members = drawn["Members"]
    assert [tick.get_text() for tick in members.get_xticklabels()] == ["2026-11", "2026-12"]
    assert members.get_ylim()[0] == 0 and not texts(members)
    assert not texts(drawn["MRR (USD)"]) and not texts(drawn["New and churned, last 30 days"])


def test_forecast_without_members_or_revenue_says_so() -> None:
    zero = [ForecastMonth(k, Decimal(0), Decimal(0)) for k in range(3)]
    figure = charts.forecast_figure(zero, labels(), ["Dec 2026", "Jan 2027", "Feb 2027"])
    assert texts(figure.axes[0]) == ["No data yet"] and len(figure.axes) == 1
    members_only = [ForecastMonth(k, Decimal(2 + k), Decimal(0)) for k in range(3)]
    figure = charts.forecast_figure(members_only, labels(), ["Dec 2026", "Jan 2027", "Feb 2027"])
    assert texts(figure.axes[0]) == ["No revenue yet"]
    assert len(figure.axes) == 1  # no money axis drawn around zero
    paying = [ForecastMonth(k, Decimal(2), Decimal(98)) for k in range(3)]
    assert len(charts.forecast_figure(paying, labels(), ["a", "b", "c"]).axes) == 2


def cohorts() -> CohortMatrix:
    """Four months; people joined in the second and the last only."""
    months = tuple(datetime(2026, m, 1, tzinfo=UTC) for m in (9, 10, 11, 12))
    return CohortMatrix(
        months,
        (0, 4, 0, 2),
        ((None,) * 4, (1.0, 0.75, 0.5, None), (None,) * 4, (1.0, None, None, None)),
    )


def test_cohorts_leave_out_months_nobody_joined_in() -> None:
    trimmed, names = charts.trim_cohorts(cohorts(), ["Sep", "Oct", "Nov", "Dec"])
    assert names == ["Oct", "Dec"] and trimmed.sizes == (4, 2)
    assert trimmed.cells == ((1.0, 0.75, 0.5), (1.0, None, None))  # as many columns as the oldest has lived
    figure = charts.cohort_figure(cohorts(), labels(), ["Sep", "Oct", "Nov", "Dec"])
    heatmap = figure.axes[0]
    assert [tick.get_text() for tick in heatmap.get_yticklabels()] == ["Oct (4)", "Dec (2)"]
    assert [tick.get_text() for tick in heatmap.get_xticklabels()] == ["0", "1", "2"]
    nobody = CohortMatrix(cohorts().months, (0, 0, 0, 0), ((None,) * 4,) * 4)
    assert texts(charts.cohort_figure(nobody, labels(), ["a", "b", "c", "d"]).axes[0]) == ["No data yet"]


# -- the page -----------------------------------------------------------------------------------


def report(at_risk: tuple[Risk, ...] = ()) -> Report:
    inputs = ForecastInputs(Decimal(4), Decimal(1), Decimal("0.1"), Decimal("24.5"))
    rows = tuple(ForecastMonth(k, Decimal(4 + k), Decimal(98 + k)) for k in range(3))
    plan = Forecast(NOW, inputs, rows, "usd", None)
    history = (month_point("2026-11", 3, "49"), month_point("2026-12", 4, "98"))
    return Report(snapshot(members=4, mrr="98", new=1, history=history), cohorts(), plan, at_risk)


def page(locale: str = "en", at_risk: tuple[Risk, ...] = ()) -> tuple[str, dict[str, bytes]]:
    files = run_sync(report_files(report(at_risk), "Club", OSLO, t(locale), locale=locale))
    return files["report.html"].decode(), files


def test_the_page_speaks_to_people_not_to_spreadsheets() -> None:
    html, files = page()
    assert "Monthly recurring revenue (USD)" in html and "98.00" in html
    assert "mrr_usd" not in html and "period_start" not in html and "month_0" not in html
    assert "As of 5 Dec 2026, 20:08 CET" in html  # the community's zone, to the minute
    assert "5 Nov 2026 – 5 Dec 2026" in html
    assert "2 Dec 2026, 20:08 CET" in html  # the drop's publishing time
    assert not re.search(r"\d{2}:\d{2}:\d{2}\.\d+", html)  # no microseconds anywhere on the page
    assert "<th>Joined in</th><th>Members</th><th>Month 0</th><th>Month 1</th><th>Month 2</th></tr>" in html
    assert "Sep 2026" not in html and 'Nov 2026</td><td class="n">0' not in html  # empty cohort months left out
    assert '<td>Oct 2026</td><td class="n">4</td><td class="n">100%</td><td class="n">75%</td>' in html
    assert "Revenue (USD)" in html and "<td>Jan 2027</td>" in html
    assert "Nobody looks at risk right now." in html
    # The CSV files stay for machines, to the second.
    figures = files["figures.csv"].decode()
    assert "mrr_usd,98" in figures and "period_end,2026-12-05T19:08:30+00:00" in figures
    assert "2026-12-02T19:08:30+00:00" in files["drops.csv"].decode()
    assert files["cohorts.csv"].decode().splitlines()[0] == "cohort,members,month_0,month_1,month_2"


def test_at_risk_reasons_in_words_and_the_page_in_the_community_language() -> None:
    risk = Risk(7, "Dana", 53, (Reason("quiet", 23, {"days": 23}), Reason("missed_live", 10, {"count": 1})))
    html, files = page("nb", (risk,))
    assert '<html lang="nb">' in html
    assert "Månedlige faste inntekter (USD)" in html and "Per 5. des. 2026, 20:08 CET" in html
    assert '<td>Dana</td><td class="n">53</td>' in html and "(+23)" in html
    assert "7,Dana,53," in files["at_risk.csv"].decode()
