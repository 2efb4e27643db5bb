"""Charts as PNG bytes, drawn with matplotlib's object API on the Agg canvas (no pyplot, no global state).

A view: it draws the analytics data (bot.notices.analytics) with the words it is given
(`chart_labels` in bot.views.analytics). Drawing blocks, so callers use the `*_png`
coroutines, which draw in a worker thread.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import Mapping, Sequence
from dataclasses import replace
from decimal import Decimal

from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ft2font import FT2Font
from matplotlib.ticker import MaxNLocator

from bot.i18n import Translator
from bot.notices.analytics import CohortMatrix, ForecastMonth, MonthPoint, Snapshot
from bot.notices.experiments import ExperimentResult

DPI = 100
ACCENT = "#4c6ef5"
SECOND = "#f59f00"
BAD = "#e03131"
GOOD = "#2f9e44"
MAX_DROPS = 8

Labels = Mapping[str, str]


def _glyphs() -> Mapping[int, object]:
    return FT2Font(font_manager.findfont(font_manager.FontProperties())).get_charmap()


def drawable(text: str) -> bool:
    """Whether the chart font has every character of `text`: matplotlib draws a box for each missing one
    (and warns), as it does for Chinese when no CJK font is installed."""
    glyphs = _glyphs()
    return all(ord(c) in glyphs for c in text if not c.isspace())


def fitted(text: str, glyphs: Mapping[int, object] | None = None) -> str:
    """`text` without the characters the chart font lacks (the 🎉 in a community's name), which would
    be drawn as boxes, each with a warning printed where the console shows the chat. `glyphs`: the
    font's, when the caller fits many texts."""
    found = _glyphs() if glyphs is None else glyphs
    return " ".join("".join(c for c in text if c.isspace() or ord(c) in found).split())


def _fitted_all(labels: Labels, glyphs: Mapping[int, object]) -> dict[str, str]:
    return {key: fitted(value, glyphs) for key, value in labels.items()}


def words_for(t: Translator) -> Translator:
    """The language charts are drawn in: the reader's, or English where the chart font cannot draw
    theirs (Chinese, with no CJK font installed): English words beat a chart of empty boxes."""
    sample = t("analytics.chart.cohorts_title") + t("analytics.chart.members")
    return t if drawable(sample) else t.catalog.for_locale("en")


def _png(figure: Figure) -> bytes:
    FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


def _empty(axes: Axes, text: str) -> None:
    axes.text(0.5, 0.5, text, ha="center", va="center", transform=axes.transAxes, color="#868e96")
    axes.set_xticks([])
    axes.set_yticks([])


def _tidy(axes: Axes) -> None:
    axes.spines["top"].set_visible(False)
    axes.spines["right"].set_visible(False)
    axes.grid(axis="y", alpha=0.3)


def _all_zero(values: Sequence[float | int | Decimal]) -> bool:
    """Nothing to draw: no values, or only zeros (matplotlib would draw an axis from -0.04 to 0.05)."""
    return not any(values)


def _history(snapshot: Snapshot) -> Sequence[MonthPoint]:
    """The months worth a point: from the first with members or revenue on (earlier ones are before anyone joined)."""
    points = snapshot.history
    first = next((i for i, p in enumerate(points) if p.members or p.mrr), len(points))
    return points[first:]


def dashboard(snapshot: Snapshot, labels: Labels) -> bytes:
    return _png(dashboard_figure(snapshot, labels))


def dashboard_figure(snapshot: Snapshot, labels: Labels) -> Figure:
    """Four panels: members over the months, MRR, new vs churned in the period, opens and reactions per drop.

    A panel with nothing to show (no values, or only zeros) says so instead of drawing empty axes.
    """
    figure = Figure(figsize=(11, 7), dpi=DPI, layout="constrained")
    figure.suptitle(labels["title"], fontsize=14, fontweight="bold")
    (members, revenue), (flow, drops) = figure.subplots(2, 2)
    history = _history(snapshot)
    months = [p.label for p in history]
    xs = list(range(len(months)))
    counts = [p.members for p in history]
    if _all_zero(counts):
        _empty(members, labels["no_data"])
    else:
        members.plot(xs, counts, marker="o", color=ACCENT)
        members.set_xticks(xs, months, fontsize=8)
        members.set_ylim(bottom=0, top=max(counts) * 1.1)
        members.yaxis.set_major_locator(MaxNLocator(integer=True))
    members.set_title(labels["members"])
    mrr = [float(p.mrr) for p in history]
    if _all_zero(mrr):
        _empty(revenue, labels.get("no_revenue", labels["no_data"]))
    else:
        revenue.bar(xs, mrr, color=GOOD)
        revenue.set_xticks(xs, months, fontsize=8)
    revenue.set_title(labels["mrr"])
    m = snapshot.membership
    moves = [m.new, m.churned_voluntary, m.churned_failed_payment]
    if _all_zero(moves):
        _empty(flow, labels.get("no_flow", labels["no_data"]))
    else:
        flow.bar([0, 1, 2], moves, color=[GOOD, SECOND, BAD])
        flow.set_xticks([0, 1, 2], [labels["new"], labels["voluntary"], labels["failed_payment"]])
        flow.yaxis.set_major_locator(MaxNLocator(integer=True))
    flow.set_title(labels["flow"])
    recent = snapshot.engagement.drops[-MAX_DROPS:]
    if recent:
        places = range(len(recent))
        drops.bar([x - 0.2 for x in places], [d.opens for d in recent], width=0.4, color=ACCENT, label=labels["opens"])
        drops.bar(
            [x + 0.2 for x in places], [d.reactions for d in recent], width=0.4, color=SECOND, label=labels["reactions"]
        )
        drops.set_xticks(list(places), [_short(d.title) for d in recent], rotation=30, ha="right", fontsize=8)
        drops.set_ylim(0, max(1, *(d.opens for d in recent), *(d.reactions for d in recent)) * 1.1)
        drops.yaxis.set_major_locator(MaxNLocator(integer=True))
        drops.legend(frameon=False, fontsize=8)
    else:
        _empty(drops, labels["no_drops"])
    drops.set_title(labels["drops"])
    for axes in (members, revenue, flow, drops):
        _tidy(axes)
    return figure


def trim_cohorts(matrix: CohortMatrix, month_labels: Sequence[str]) -> tuple[CohortMatrix, list[str]]:
    """Only the months someone joined in, and only as many columns as the oldest of them has lived."""
    keep = [i for i, size in enumerate(matrix.sizes) if size]
    width = max((sum(c is not None for c in matrix.cells[i]) for i in keep), default=0)
    trimmed = CohortMatrix(
        tuple(matrix.months[i] for i in keep),
        tuple(matrix.sizes[i] for i in keep),
        tuple(matrix.cells[i][:width] for i in keep),
    )
    return trimmed, [month_labels[i] for i in keep]


def cohort_heatmap(matrix: CohortMatrix, labels: Labels, month_labels: Sequence[str]) -> bytes:
    return _png(cohort_figure(matrix, labels, month_labels))


def cohort_figure(matrix: CohortMatrix, labels: Labels, month_labels: Sequence[str]) -> Figure:
    """Rows are cohorts (with their size), columns months since joining; each cell the share still a member.

    Months nobody joined in are left out (`trim_cohorts`).
    """
    matrix, month_labels = trim_cohorts(matrix, month_labels)
    rows, columns = len(matrix.sizes), max((len(row) for row in matrix.cells), default=0)
    figure = Figure(
        figsize=(min(14, 4 + 0.75 * columns), min(10, 2.2 + 0.45 * max(rows, 2))), dpi=DPI, layout="constrained"
    )
    axes = figure.subplots()
    axes.set_title(labels["cohorts_title"], fontsize=13, fontweight="bold")
    if not rows:
        _empty(axes, labels["no_data"])
        return figure
    values = [[float("nan") if c is None else c * 100 for c in row] for row in matrix.cells]
    image = axes.imshow(values, cmap="Blues", vmin=0, vmax=100, aspect="auto")
    for i, row in enumerate(matrix.cells):
        for k, cell in enumerate(row):
            if cell is not None:
                axes.text(
                    k,
                    i,
                    f"{cell * 100:.0f}%",
                    ha="center",
                    va="center",
                    fontsize=8,
                    color="white" if cell > 0.6 else "black",
                )
    axes.set_xticks(range(columns), [str(k) for k in range(columns)])
    axes.set_yticks(range(rows), [f"{label} ({size})" for label, size in zip(month_labels, matrix.sizes, strict=True)])
    axes.set_xlabel(labels["months_since"])
    axes.set_ylabel(labels["cohort"])
    figure.colorbar(image, ax=axes, shrink=0.8, label="%")
    return figure


def forecast_chart(rows: Sequence[ForecastMonth], labels: Labels, month_labels: Sequence[str]) -> bytes:
    return _png(forecast_figure(rows, labels, month_labels))


def forecast_figure(rows: Sequence[ForecastMonth], labels: Labels, month_labels: Sequence[str]) -> Figure:
    """Members per month (bars, left axis) and revenue (line, right axis); without revenue, the members only."""
    figure = Figure(figsize=(9, 4.5), dpi=DPI, layout="constrained")
    people = figure.subplots()
    people.set_title(labels["forecast_title"], fontsize=13, fontweight="bold")
    counts = [float(r.members) for r in rows]
    if _all_zero(counts):
        _empty(people, labels["no_data"])
        return figure
    xs = list(range(len(rows)))
    people.bar(xs, counts, color=ACCENT, alpha=0.3, label=labels["members"])
    people.set_ylabel(labels["members"])
    people.set_ylim(0, max(counts) * 1.15)
    people.yaxis.set_major_locator(MaxNLocator(integer=True))
    people.set_xticks(xs, list(month_labels), rotation=30, ha="right", fontsize=8)
    _tidy(people)
    handles = people.get_legend_handles_labels()[0]
    money = [float(r.revenue) for r in rows]
    if _all_zero(money):
        people.text(
            0.99, 0.97, labels.get("no_revenue", labels["no_data"]), ha="right", va="top",
            transform=people.transAxes, color="#868e96",
        )  # fmt: skip
    else:
        twin = people.twinx()
        twin.plot(xs, money, marker="o", color=GOOD, label=labels["revenue"])
        twin.set_ylabel(labels["revenue"])
        twin.set_ylim(bottom=0)
        twin.spines["top"].set_visible(False)
        handles += twin.get_legend_handles_labels()[0]
    people.legend(handles, [str(h.get_label()) for h in handles], frameon=False, loc="upper left")
    return figure


def experiments_chart(results: Sequence[ExperimentResult], labels: Labels) -> Figure:
    """One panel per experiment: each variant's rate as a bar with its 95 % interval as a whisker."""
    shown = [r for r in results if any(v.members for v in r.variants)]
    figure = Figure(figsize=(8, 1.2 + 1.6 * max(1, len(shown))), dpi=DPI, layout="constrained")
    figure.suptitle(labels["title"], fontsize=13, fontweight="bold")
    for axes, result in zip(figure.subplots(len(shown), 1, squeeze=False)[:, 0], shown, strict=True):
        variants = result.variants
        ys = list(range(len(variants)))
        rates = [v.rate * 100 for v in variants]
        # clamped: at a rate of 0 or 1 the interval's edge can sit a rounding error inside the rate
        whiskers = [
            [max(0.0, v.rate - v.low) * 100 for v in variants],
            [max(0.0, v.high - v.rate) * 100 for v in variants],
        ]
        colours = [GOOD if v.key == result.leader else ACCENT for v in variants]
        axes.barh(ys, rates, xerr=whiskers, color=colours, alpha=0.8, capsize=4)
        axes.set_yticks(ys, [_short(v.key) for v in variants])
        axes.invert_yaxis()
        axes.set_xlim(0, 100)
        axes.set_title(_short(result.title, 60), fontsize=10, loc="left")
        axes.set_xlabel(labels["rate"])
        _tidy(axes)
    return figure


def _short(title: str, limit: int = 18) -> str:
    title = fitted(title)
    return title if len(title) <= limit else title[: limit - 1] + "…"


# Each drawing takes the words it is given as far as the font can draw them (see `fitted`).


async def dashboard_png(snapshot: Snapshot, labels: Labels) -> bytes:
    glyphs = _glyphs()
    history = tuple(replace(p, label=fitted(p.label, glyphs)) for p in snapshot.history)
    return await asyncio.to_thread(dashboard, replace(snapshot, history=history), _fitted_all(labels, glyphs))


async def cohort_png(matrix: CohortMatrix, labels: Labels, month_labels: Sequence[str]) -> bytes:
    glyphs = _glyphs()
    months = [fitted(m, glyphs) for m in month_labels]
    return await asyncio.to_thread(cohort_heatmap, matrix, _fitted_all(labels, glyphs), months)


async def forecast_png(rows: Sequence[ForecastMonth], labels: Labels, month_labels: Sequence[str]) -> bytes:
    glyphs = _glyphs()
    months = [fitted(m, glyphs) for m in month_labels]
    return await asyncio.to_thread(forecast_chart, rows, _fitted_all(labels, glyphs), months)


async def experiments_png(results: Sequence[ExperimentResult], labels: Labels) -> bytes | None:
    """None when no experiment has a measured member yet (nothing to draw)."""
    if not any(v.members for r in results for v in r.variants):
        return None
    words = _fitted_all(labels, _glyphs())
    return await asyncio.to_thread(lambda: _png(experiments_chart(results, words)))
