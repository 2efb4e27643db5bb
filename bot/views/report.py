"""The analytics as files: PNG charts, CSV tables and one self-contained HTML page (charts embedded as base64).

A view of `bot.notices.analytics.Report` (gathered by AnalyticsService.report); the CSV
helpers also serve `membot export`.
"""

from __future__ import annotations

import asyncio
import csv
import io
from collections.abc import AsyncIterable, Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TypeAlias
from zoneinfo import ZoneInfo

from bot.i18n import Translator
from bot.notices.analytics import CohortMatrix, ForecastMonth, Report, Risk, Snapshot
from bot.notices.experiments import ExperimentResult
from bot.views import analytics as views
from bot.views import charts, experiments, report_page
from bot.views.report_page import ReportPage, page_sections

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
Table: TypeAlias = tuple[list[str], list[list[object]]]  # a header and its rows


def safe_cell(value: object) -> object:
    """A CSV cell a spreadsheet will not run: text starting with = + - @ (or a tab/CR) gets a leading quote.
    Numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows([safe_cell(v) for v in row] for row in rows)
    return buffer.getvalue()


async def write_csv(path: Path, header: Sequence[str], rows: AsyncIterable[Sequence[object]]) -> int:
    """Stream rows into a CSV file; returns how many were written."""
    count = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        async for row in rows:
            writer.writerow([safe_cell(v) for v in row])
            count += 1
    return count


# -- tables -------------------------------------------------------------------------------


def figure_rows(snapshot: Snapshot) -> list[tuple[str, object]]:
    """Every headline figure as (name, raw value): the figures CSV and the HTML table."""
    m, e, f = snapshot.membership, snapshot.engagement, snapshot.faq
    rows: list[tuple[str, object]] = [
        ("period_start", iso(snapshot.period.start)),
        ("period_end", iso(snapshot.period.end)),
        ("members", m.members),
        ("members_at_start", m.members_at_start),
        ("new_members", m.new),
        ("churned_voluntary", m.churned_voluntary),
        ("churned_failed_payment", m.churned_failed_payment),
        ("retention", _rounded(m.retention)),
    ]
    for currency in sorted(set(m.mrr) | set(m.mrr_at_start) | {m.currency}):
        rows.append((f"mrr_{currency}", m.mrr.get(currency, Decimal("0.00"))))
        rows.append((f"mrr_change_{currency}", m.mrr_change.get(currency, Decimal("0.00"))))
    rows += [
        ("founding_members", m.founding),
        ("trials_ended", m.trials.ended),
        ("trials_converted", m.trials.converted),
        ("trial_conversion", _rounded(m.trials.rate)),
        ("weekly_active_members", e.weekly_active),
        ("community_members", e.community_members),
        ("drops", len(e.drops)),
        ("opens_per_drop", _rounded(e.opens_per_drop)),
        ("reactions_per_drop", _rounded(e.reactions_per_drop)),
        ("live_sessions_with_attendance", len(e.live_with_attendance)),
        ("live_attendance", _rounded(e.live_attendance)),
        ("nudges_decided", e.nudges_sent),
        ("nudges_won_back", e.nudges_won_back),
        ("nudge_win_back_rate", _rounded(e.win_back_rate)),
        ("faq_questions", f.asked),
        ("faq_answered_by_bot", f.answered_by_bot),
        ("faq_deflection", _rounded(f.deflection)),
        ("top_unanswered_topics", "; ".join(f"{word} ({count})" for word, count in f.top_topics)),
    ]
    return rows


def iso(when: datetime) -> str:
    """A timestamp for a CSV file: ISO 8601 to the second (no microseconds)."""
    return when.isoformat(timespec="seconds")


def _rounded(value: float | None) -> object:
    return "" if value is None else round(value, 4)


def cohort_rows(matrix: CohortMatrix, labels: Sequence[str]) -> Table:
    columns = max((len(cells) for cells in matrix.cells), default=0)
    header = ["cohort", "members", *(f"month_{k}" for k in range(columns))]
    rows: list[list[object]] = [
        [label, size, *("" if c is None else round(c, 4) for c in cells)]
        for label, size, cells in zip(labels, matrix.sizes, matrix.cells, strict=True)
    ]
    return header, rows


def forecast_rows(rows: Sequence[ForecastMonth], labels: Sequence[str]) -> Table:
    return ["month", "members", "revenue"], [
        [label, round(r.members, 2), r.revenue.quantize(Decimal("0.01"))] for r, label in zip(rows, labels, strict=True)
    ]


def risk_rows(risks: Sequence[Risk], t: Translator) -> Table:
    return ["member_id", "name", "score", "reasons"], [
        [
            r.member_id,
            r.name,
            r.score,
            " ".join(views.reason_line(x.key, x.points, x.values, t).lstrip("• ") for x in r.reasons),
        ]
        for r in risks
    ]


def drop_rows(snapshot: Snapshot) -> Table:
    return ["content_id", "title", "published_at", "opens", "reactions"], [
        [d.content_id, d.title, iso(d.published_at), d.opens, d.reactions] for d in snapshot.engagement.drops
    ]


# -- the whole report ---------------------------------------------------------------------


def experiment_rows(results: Sequence[ExperimentResult]) -> Table:
    """One row per variant, in plain figures (rates and chances as fractions, to 4 places)."""
    header = ["experiment", "message", "outcome", "variant", "members", "outcomes", "rate", "low", "high"]
    header += ["chance_best", "waiting", "verdict", "leader"]
    rows: list[list[object]] = []
    for r in results:
        for v in r.variants:
            fractions = [round(x, 4) for x in (v.rate, v.low, v.high, v.chance_best)]
            rows.append([r.key, r.message, r.outcome, v.key, v.members, v.outcomes, *fractions, v.waiting])
            rows[-1] += [r.verdict, r.leader or ""]
    return header, rows


def month_words(year: int, month: int, t: Translator) -> str:
    """'Oct 2026', in the reader's language."""
    return t.month(date(year, month, 1))


def month_name(when: datetime, zone: ZoneInfo, t: Translator) -> str:
    local = when.astimezone(zone)
    return month_words(local.year, local.month, t)


def month_starts_from(start: datetime, zone: ZoneInfo, count: int) -> list[datetime]:
    """The start of `start`'s month and of the `count - 1` months after it, in `zone`: the forecast's months."""
    local = start.astimezone(zone)
    first = local.year * 12 + local.month - 1
    return [datetime((first + k) // 12, (first + k) % 12 + 1, 1, tzinfo=zone) for k in range(count)]


def moment_line(at: datetime, zone: ZoneInfo, t: Translator) -> str:
    """'5 Dec 2026, 20:08 CET': a moment a person reads, to the minute, in the community's time zone."""
    return report_page.when(at, zone, t)


def _human_history(snapshot: Snapshot, zone: ZoneInfo, t: Translator) -> Snapshot:
    """The same snapshot with the history's months named for people ('Oct 2026', not '2026-10')."""
    points = tuple(replace(p, label=month_words(int(p.label[:4]), int(p.label[5:7]), t)) for p in snapshot.history)
    return replace(snapshot, history=points)


def _chart_labels(community: str, report: Report, t: Translator) -> dict[str, str]:
    labels = views.chart_labels(community, report.forecast.currency, report.snapshot.period.days, t)
    labels.update({name: t(f"report.chart.{name}") for name in ("no_revenue", "no_flow")})
    return labels


async def report_files(
    report: Report, community: str, zone: ZoneInfo, t: Translator, *, locale: str = "en"
) -> dict[str, bytes]:
    """Everything `/stats` shows, as files by name: three PNGs, five CSVs and report.html."""
    snapshot, plan = report.snapshot, report.forecast
    labels = _chart_labels(community, report, t)
    matrix, cohort_months = charts.trim_cohorts(report.cohorts, [month_name(m, zone, t) for m in report.cohorts.months])
    forecast_starts = month_starts_from(plan.start, zone, len(plan.months))
    forecast_months = [month_name(m, zone, t) for m in forecast_starts]
    drawn = charts.words_for(t)  # the page is in the reader's language; its pictures may not be
    drawn_labels = labels if drawn is t else _chart_labels(community, report, drawn)
    pngs = {
        "stats.png": await charts.dashboard_png(_human_history(snapshot, zone, drawn), drawn_labels),
        "cohorts.png": await charts.cohort_png(
            matrix, drawn_labels, [month_name(m, zone, drawn) for m in matrix.months]
        ),
        "forecast.png": await charts.forecast_png(
            plan.months, drawn_labels, [month_name(m, zone, drawn) for m in forecast_starts]
        ),
    }
    if trial_png := await charts.experiments_png(report.experiments, experiments.chart_labels(drawn)):
        pngs["experiments.png"] = trial_png
    figures: Table = (["figure", "value"], [[name, value] for name, value in figure_rows(snapshot)])
    machine_months = [views.month_label(m, zone) for m in matrix.months]
    tables: dict[str, Table] = {
        "figures.csv": figures,
        "drops.csv": drop_rows(snapshot),
        "cohorts.csv": cohort_rows(matrix, machine_months),
        "forecast.csv": forecast_rows(plan.months, views.months_from(plan.start, zone, len(plan.months))),
        "at_risk.csv": risk_rows(report.at_risk, t),
    }
    if report.experiments:
        tables["experiments.csv"] = experiment_rows(report.experiments)
    files: dict[str, bytes] = dict(pngs)
    files.update({name: csv_text(*table).encode("utf-8") for name, table in tables.items()})
    page = ReportPage(
        title=labels["title"],
        intro=(
            t("report.as_of", when=moment_line(snapshot.period.end, zone, t)),
            t(
                "report.period",
                days=snapshot.period.days,
                start=t.date(snapshot.period.start, zone),
                end=t.date(snapshot.period.end, zone),
                zone=zone.key,
            ),
        ),
        sections=page_sections(report, matrix, cohort_months, forecast_months, pngs, labels, zone, t),
        locale=locale,
    )
    files["report.html"] = page.render().encode("utf-8")
    return files


async def write_report(
    report: Report, community: str, zone: ZoneInfo, out: Path, t: Translator, *, locale: str = "en"
) -> list[Path]:
    """`report_files` written into the folder `out` (made if missing), off the event loop; returns the paths written."""
    files = await report_files(report, community, zone, t, locale=locale)
    return await asyncio.to_thread(_write_files, files, out)


def _write_files(files: Mapping[str, bytes], out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        (out / name).write_bytes(content)
    return [out / name for name in files]
