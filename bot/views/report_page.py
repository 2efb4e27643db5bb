"""report.html: the creator's analytics as one self-contained page a person reads.

Labels are words (`prompts/<locale>/report.toml`), not CSV column names; numbers, shares, money
and dates are formatted for people; the charts are embedded, so the page needs nothing else.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Container, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from bot.i18n import Translator
from bot.notices.analytics import CohortMatrix, Reason, Report, Snapshot
from bot.notices.experiments import ExperimentResult
from bot.views import analytics as views
from bot.views import experiments as trials

Row = tuple[str, str]
NUMBER = ' class="n"'

STYLE = """
body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;max-width:1150px;margin:2em auto;padding:0 1em;color:#212529}
h1{font-size:1.6em}h2{margin-top:2em;border-bottom:1px solid #dee2e6}.intro{color:#495057}.note{color:#868e96}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #dee2e6;padding:.3em .6em;text-align:left}
th{background:#f1f3f5}td.n{text-align:right;font-variant-numeric:tabular-nums}img{max-width:100%;height:auto}
ul{margin:0;padding-left:1.2em}
"""


@dataclass(frozen=True)
class ReportPage:
    title: str
    intro: tuple[str, ...]  # lines under the title: as of when, which days
    sections: tuple[tuple[str, str], ...]  # (heading, HTML)
    locale: str = "en"

    def render(self) -> str:
        intro = "".join(f'<p class="intro">{html.escape(line)}</p>' for line in self.intro)
        parts = "".join(f"<h2>{html.escape(heading)}</h2>{body}" for heading, body in self.sections)
        return (
            f'<!DOCTYPE html>\n<html lang="{html.escape(self.locale)}"><head><meta charset="utf-8">'
            f"<title>{html.escape(self.title)}</title><style>{STYLE}</style></head><body>"
            f"<h1>{html.escape(self.title)}</h1>{intro}{parts}</body></html>\n"
        )


# -- building blocks ----------------------------------------------------------------------


def table(header: Sequence[str], rows: Iterable[Sequence[str]], *, numeric: Container[int] = range(1, 99)) -> str:
    """An HTML table of formatted text; the `numeric` columns are right-aligned (every one but the first by default)."""
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join(
        "<tr>"
        + "".join(f"<td{NUMBER if k in numeric else ''}>{html.escape(cell)}</td>" for k, cell in enumerate(row))
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def image(png: bytes, alt: str) -> str:
    return f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{base64.b64encode(png).decode("ascii")}">'


def note(text: str) -> str:
    return f'<p class="note">{html.escape(text)}</p>'


def count(value: int, t: Translator) -> str:
    return t.number(value)


def share(value: float | None, t: Translator) -> str:
    return t("report.none") if value is None else t.percent(value)


def decimal(value: float | None, t: Translator) -> str:
    return t("report.none") if value is None else t.number(value, 1)


def amount(value: Decimal, t: Translator, *, signed: bool = False) -> str:
    """Money without its currency (the label names it): '1,234.00', '1 234,00'; `signed`: '+49.00'."""
    text = t.number(value, 2)
    return ("+" + text) if signed and value >= 0 else text


def when(at: datetime, zone: ZoneInfo, t: Translator) -> str:
    """'5 Dec 2026, 20:08 CET': to the minute, in the community's time zone and the reader's language."""
    local = at.astimezone(zone)
    return t("report.when", date=t.date(at, zone), time=f"{local:%H:%M}", zone=local.strftime("%Z"))


# -- the figures --------------------------------------------------------------------------


def membership_rows(snapshot: Snapshot, t: Translator) -> list[Row]:
    m, days = snapshot.membership, snapshot.period.days
    rows: list[Row] = [
        (t("report.figures.members"), count(m.members, t)),
        (t("report.figures.members_at_start", days=days), count(m.members_at_start, t)),
        (t("report.figures.new_members"), count(m.new, t)),
        (t("report.figures.churned_voluntary"), count(m.churned_voluntary, t)),
        (t("report.figures.churned_failed_payment"), count(m.churned_failed_payment, t)),
        (t("report.figures.retention", days=days), share(m.retention, t)),
    ]
    currencies = sorted(set(m.mrr) | set(m.mrr_at_start) | {m.currency})
    for currency in currencies:
        rows.append((t("report.figures.mrr", currency=currency.upper()), amount(m.mrr.get(currency, Decimal(0)), t)))
    for currency in currencies:
        change = m.mrr_change.get(currency, Decimal(0))
        rows.append(
            (t("report.figures.mrr_change", days=days, currency=currency.upper()), amount(change, t, signed=True))
        )
    rows += [
        (t("report.figures.founding_members"), count(m.founding, t)),
        (t("report.figures.trials_ended"), count(m.trials.ended, t)),
        (t("report.figures.trials_converted"), count(m.trials.converted, t)),
        (t("report.figures.trial_conversion"), share(m.trials.rate, t)),
    ]
    return rows


def engagement_rows(snapshot: Snapshot, t: Translator) -> list[Row]:
    e, f = snapshot.engagement, snapshot.faq
    topics = ", ".join(t("analytics.stats.topic", word=word, count=n) for word, n in f.top_topics)
    return [
        (t("report.figures.weekly_active_members"), count(e.weekly_active, t)),
        (t("report.figures.community_members"), count(e.community_members, t)),
        (t("report.figures.drops"), count(len(e.drops), t)),
        (t("report.figures.opens_per_drop"), decimal(e.opens_per_drop, t)),
        (t("report.figures.reactions_per_drop"), decimal(e.reactions_per_drop, t)),
        (t("report.figures.live_sessions"), count(len(e.live_with_attendance), t)),
        (t("report.figures.live_attendance"), share(e.live_attendance, t)),
        (t("report.figures.nudges_decided"), count(e.nudges_sent, t)),
        (t("report.figures.nudges_won_back"), count(e.nudges_won_back, t)),
        (t("report.figures.nudge_win_back_rate"), share(e.win_back_rate, t)),
        (t("report.figures.faq_questions"), count(f.asked, t)),
        (t("report.figures.faq_answered_by_bot"), count(f.answered_by_bot, t)),
        (t("report.figures.faq_deflection"), share(f.deflection, t)),
        (t("report.figures.top_unanswered_topics"), topics or t("report.none")),
    ]


# -- the sections -------------------------------------------------------------------------


def page_sections(
    report: Report,
    cohorts: CohortMatrix,
    cohort_months: Sequence[str],
    forecast_months: Sequence[str],
    pngs: Mapping[str, bytes],
    labels: Mapping[str, str],
    zone: ZoneInfo,
    t: Translator,
) -> tuple[tuple[str, str], ...]:
    """The page's sections in order; `cohorts` comes without empty months (charts.trim_cohorts)."""
    snapshot, plan = report.snapshot, report.forecast
    header = (t("report.figures.figure"), t("report.figures.value"))
    drops = snapshot.engagement.drops
    drop_table = table(
        (t("report.drops.title"), t("report.drops.published"), t("report.drops.opens"), t("report.drops.reactions")),
        ([d.title, when(d.published_at, zone, t), count(d.opens, t), count(d.reactions, t)] for d in drops),
        numeric=(2, 3),
    )
    columns = max((len(cells) for cells in cohorts.cells), default=0)
    cohort_table = table(
        (
            t("report.cohorts.joined"),
            t("report.cohorts.members"),
            *(t("report.cohorts.month", number=k) for k in range(columns)),
        ),
        (
            [month, count(size, t), *("" if c is None else t.percent(c) for c in cells)]
            for month, size, cells in zip(cohort_months, cohorts.sizes, cohorts.cells, strict=True)
        ),
    )
    forecast_table = table(
        (t("report.forecast.month"), t("report.forecast.members"), t("report.forecast.revenue", currency=plan.currency.upper())),
        ([month, t.number(round(row.members)), amount(row.revenue, t)] for month, row in zip(forecast_months, plan.months, strict=True)),
    )  # fmt: skip
    risk_table = table(
        (t("report.risk.member"), t("report.risk.score"), t("report.risk.reasons")),
        ([r.name, str(r.score), _reasons(r.reasons, t)] for r in report.at_risk),
        numeric=(1,),
    )
    sections = (
        (
            t("report.figures.heading_membership"),
            image(pngs["stats.png"], labels["title"]) + table(header, membership_rows(snapshot, t)),
        ),
        (t("report.figures.heading_engagement"), table(header, engagement_rows(snapshot, t))),
        (labels["drops"], drop_table if drops else note(labels["no_drops"])),
        (
            labels["cohorts_title"],
            image(pngs["cohorts.png"], labels["cohorts_title"])
            + (note(t("report.cohorts.note")) + cohort_table if cohorts.sizes else ""),
        ),
        (labels["forecast_title"], image(pngs["forecast.png"], labels["forecast_title"]) + forecast_table),
        (
            t("analytics.risk.header"),
            (note(t("report.risk.note")) + risk_table) if report.at_risk else note(t("analytics.risk.none")),
        ),
    )
    if not report.experiments:
        return sections
    return (*sections, (t("experiments.header"), experiments_section(report.experiments, pngs, zone, t)))


def experiments_section(
    results: Sequence[ExperimentResult], pngs: Mapping[str, bytes], zone: ZoneInfo, t: Translator
) -> str:
    """Per experiment: what it varies and how it is judged, a table of its variants, and its verdict."""
    header = (
        t("report.experiments.variant"),
        t("report.experiments.members"),
        t("report.experiments.outcomes"),
        t("report.experiments.rate"),
        t("report.experiments.interval"),
        t("report.experiments.chance"),
        t("report.experiments.waiting"),
    )
    parts = [image(pngs["experiments.png"], t("experiments.chart_title"))] if "experiments.png" in pngs else []
    for result in results:
        parts.append(note(trials.heading_text(result, t)))
        rows = (
            [
                v.key,
                count(v.members, t),
                count(v.outcomes, t),
                t.percent(v.rate),
                f"{t.percent(v.low)}–{t.percent(v.high)}",
                t.percent(v.chance_best),
                count(v.waiting, t),
            ]
            for v in result.variants
        )
        parts.append(table(header, rows))
        parts.append(note(trials.verdict_line(result, t, zone)))
    return "".join(parts)


def _reasons(reasons: Sequence[Reason], t: Translator) -> str:
    """Why, in words: 'quiet for 23 days (+23); missed a live session they signed up for (+10)'."""
    return "; ".join(views.reason_line(r.key, r.points, r.values, t).lstrip("• ") for r in reasons)
