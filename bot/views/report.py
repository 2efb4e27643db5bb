"""The analytics as files: PNG charts, CSV tables and one self-contained HTML page (charts embedded as base64).

A view of `bot.notices.analytics.Report` (gathered by AnalyticsService.report); the CSV
helpers also serve `membot export`.
"""

from __future__ import annotations

import asyncio
import base64
import csv
import html
import io
from collections.abc import AsyncIterable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TypeAlias
from zoneinfo import ZoneInfo

from bot.i18n import Translator
from bot.notices.analytics import CohortMatrix, ForecastMonth, Report, Risk, Snapshot
from bot.views import analytics as views
from bot.views import charts

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
        ("period_start", snapshot.period.start.isoformat()),
        ("period_end", snapshot.period.end.isoformat()),
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


def _rounded(value: float | None) -> object:
    return "" if value is None else round(value, 4)


def cohort_rows(matrix: CohortMatrix, labels: Sequence[str]) -> Table:
    header = ["cohort", "members", *(f"month_{k}" for k in range(matrix.width))]
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
        [d.content_id, d.title, d.published_at.isoformat(), d.opens, d.reactions] for d in snapshot.engagement.drops
    ]


# -- HTML ---------------------------------------------------------------------------------


def _table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _image(png: bytes, alt: str) -> str:
    return f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{base64.b64encode(png).decode("ascii")}">'


STYLE = """
body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;max-width:1150px;margin:2em auto;padding:0 1em;color:#212529}
h1{font-size:1.6em}h2{margin-top:2em;border-bottom:1px solid #dee2e6}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #dee2e6;padding:.3em .6em;text-align:left}
th{background:#f1f3f5}img{max-width:100%;height:auto}
"""


@dataclass(frozen=True)
class ReportPage:
    title: str
    generated: str
    sections: tuple[tuple[str, str], ...]  # (heading, HTML)

    def render(self) -> str:
        parts = [f"<h2>{html.escape(heading)}</h2>{body}" for heading, body in self.sections]
        return (
            '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f"<title>{html.escape(self.title)}</title><style>{STYLE}</style></head><body>"
            f"<h1>{html.escape(self.title)}</h1><p>{html.escape(self.generated)}</p>{''.join(parts)}</body></html>\n"
        )


# -- the whole report ---------------------------------------------------------------------


async def report_files(report: Report, community: str, zone: ZoneInfo, t: Translator) -> dict[str, bytes]:
    """Everything `/stats` shows, as files by name: three PNGs, five CSVs and report.html."""
    snapshot, matrix, plan = report.snapshot, report.cohorts, report.forecast
    labels = views.chart_labels(community, plan.currency, snapshot.period.days, t)
    cohort_labels = [views.month_label(m, zone) for m in matrix.months]
    forecast_labels = views.months_from(plan.start, zone, len(plan.months))
    pngs = {
        "stats.png": await charts.dashboard_png(snapshot, labels),
        "cohorts.png": await charts.cohort_png(matrix, labels, cohort_labels),
        "forecast.png": await charts.forecast_png(plan.months, labels, forecast_labels),
    }
    figures: Table = (["figure", "value"], [[name, value] for name, value in figure_rows(snapshot)])
    tables: dict[str, Table] = {
        "figures.csv": figures,
        "drops.csv": drop_rows(snapshot),
        "cohorts.csv": cohort_rows(matrix, cohort_labels),
        "forecast.csv": forecast_rows(plan.months, forecast_labels),
        "at_risk.csv": risk_rows(report.at_risk, t),
    }
    files: dict[str, bytes] = dict(pngs)
    files.update({name: csv_text(*table).encode("utf-8") for name, table in tables.items()})
    page = ReportPage(
        title=labels["title"],
        generated=f"{snapshot.period.start.astimezone(zone):%Y-%m-%d} – {snapshot.period.end.astimezone(zone):%Y-%m-%d %H:%M} ({zone.key})",
        sections=(
            (
                t("analytics.stats.membership").strip("*"),
                _image(pngs["stats.png"], labels["title"]) + _table(*tables["figures.csv"]),
            ),
            (labels["drops"], _table(*tables["drops.csv"])),
            (
                labels["cohorts_title"],
                _image(pngs["cohorts.png"], labels["cohorts_title"]) + _table(*tables["cohorts.csv"]),
            ),
            (
                labels["forecast_title"],
                _image(pngs["forecast.png"], labels["forecast_title"]) + _table(*tables["forecast.csv"]),
            ),
            (t("analytics.risk.header"), _table(*tables["at_risk.csv"])),
        ),
    )
    files["report.html"] = page.render().encode("utf-8")
    return files


async def write_report(report: Report, community: str, zone: ZoneInfo, out: Path, t: Translator) -> list[Path]:
    """`report_files` written into the folder `out` (made if missing), off the event loop; returns the paths written."""
    files = await report_files(report, community, zone, t)
    return await asyncio.to_thread(_write_files, files, out)


def _write_files(files: Mapping[str, bytes], out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        (out / name).write_bytes(content)
    return [out / name for name in files]
