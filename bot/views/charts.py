"""Charts as PNG bytes, drawn with matplotlib's object API on the Agg canvas (no pyplot, no global state).

A view: it draws the analytics data (bot.notices.analytics) with the words it is given
(`chart_labels` in bot.views.analytics). Drawing blocks, so callers use the `*_png`
coroutines, which draw in a worker thread.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import Mapping, Sequence

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from bot.notices.analytics import CohortMatrix, ForecastMonth, Snapshot

DPI = 100
ACCENT = "#4c6ef5"
SECOND = "#f59f00"
BAD = "#e03131"
GOOD = "#2f9e44"
MAX_DROPS = 8

Labels = Mapping[str, str]


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


def dashboard(snapshot: Snapshot, labels: Labels) -> bytes:
    """Four panels: members over the months, MRR, new vs churned in the period, opens and reactions per drop."""
    figure = Figure(figsize=(11, 7), dpi=DPI, layout="constrained")
    figure.suptitle(labels["title"], fontsize=14, fontweight="bold")
    (members, revenue), (flow, drops) = figure.subplots(2, 2)
    months = [p.label for p in snapshot.history]
    if months:
        xs = list(range(len(months)))
        members.plot(xs, [p.members for p in snapshot.history], marker="o", color=ACCENT)
        revenue.bar(xs, [float(p.mrr) for p in snapshot.history], color=GOOD)
        for axes in (members, revenue):
            axes.set_xticks(xs, months, fontsize=8)
    else:
        _empty(members, labels["no_data"])
        _empty(revenue, labels["no_data"])
    members.set_title(labels["members"])
    members.set_ylim(bottom=0)
    revenue.set_title(labels["mrr"])
    m = snapshot.membership
    flow.bar([0, 1, 2], [m.new, m.churned_voluntary, m.churned_failed_payment], color=[GOOD, SECOND, BAD])
    flow.set_xticks([0, 1, 2], [labels["new"], labels["voluntary"], labels["failed_payment"]])
    flow.set_title(labels["flow"])
    flow.yaxis.set_major_locator(MaxNLocator(integer=True))
    members.yaxis.set_major_locator(MaxNLocator(integer=True))
    recent = snapshot.engagement.drops[-MAX_DROPS:]
    if recent:
        places = range(len(recent))
        drops.bar([x - 0.2 for x in places], [d.opens for d in recent], width=0.4, color=ACCENT, label=labels["opens"])
        drops.bar(
            [x + 0.2 for x in places], [d.reactions for d in recent], width=0.4, color=SECOND, label=labels["reactions"]
        )
        drops.set_xticks(list(places), [_short(d.title) for d in recent], rotation=30, ha="right", fontsize=8)
        drops.legend(frameon=False, fontsize=8)
    else:
        _empty(drops, labels["no_drops"])
    drops.set_title(labels["drops"])
    for axes in (members, revenue, flow, drops):
        _tidy(axes)
    return _png(figure)


def cohort_heatmap(matrix: CohortMatrix, labels: Labels, month_labels: Sequence[str]) -> bytes:
    """Rows are cohorts (with their size), columns months since joining; each cell the share still a member."""
    n = max(1, matrix.width)
    figure = Figure(figsize=(min(14, 3 + 0.75 * n), min(10, 2 + 0.45 * n)), dpi=DPI, layout="constrained")
    axes = figure.subplots()
    axes.set_title(labels["cohorts_title"], fontsize=13, fontweight="bold")
    if not any(matrix.sizes):
        _empty(axes, labels["no_data"])
        return _png(figure)
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
    axes.set_xticks(range(matrix.width), [str(k) for k in range(matrix.width)])
    axes.set_yticks(
        range(matrix.width), [f"{label} ({size})" for label, size in zip(month_labels, matrix.sizes, strict=True)]
    )
    axes.set_xlabel(labels["months_since"])
    axes.set_ylabel(labels["cohort"])
    figure.colorbar(image, ax=axes, shrink=0.8, label="%")
    return _png(figure)


def forecast_chart(rows: Sequence[ForecastMonth], labels: Labels, month_labels: Sequence[str]) -> bytes:
    """Members per month (bars, left axis) and revenue (line, right axis)."""
    figure = Figure(figsize=(9, 4.5), dpi=DPI, layout="constrained")
    people = figure.subplots()
    people.set_title(labels["forecast_title"], fontsize=13, fontweight="bold")
    xs = list(range(len(rows)))
    people.bar(xs, [float(r.members) for r in rows], color=ACCENT, alpha=0.3, label=labels["members"])
    people.set_ylabel(labels["members"])
    people.set_xticks(xs, list(month_labels), rotation=30, ha="right", fontsize=8)
    _tidy(people)
    money = people.twinx()
    money.plot(xs, [float(r.revenue) for r in rows], marker="o", color=GOOD, label=labels["revenue"])
    money.set_ylabel(labels["revenue"])
    money.set_ylim(bottom=0)
    money.spines["top"].set_visible(False)
    handles = people.get_legend_handles_labels()[0] + money.get_legend_handles_labels()[0]
    people.legend(handles, [str(h.get_label()) for h in handles], frameon=False, loc="upper left")
    return _png(figure)


def _short(title: str, limit: int = 18) -> str:
    return title if len(title) <= limit else title[: limit - 1] + "…"


async def dashboard_png(snapshot: Snapshot, labels: Labels) -> bytes:
    return await asyncio.to_thread(dashboard, snapshot, labels)


async def cohort_png(matrix: CohortMatrix, labels: Labels, month_labels: Sequence[str]) -> bytes:
    return await asyncio.to_thread(cohort_heatmap, matrix, labels, month_labels)


async def forecast_png(rows: Sequence[ForecastMonth], labels: Labels, month_labels: Sequence[str]) -> bytes:
    return await asyncio.to_thread(forecast_chart, rows, labels, month_labels)
