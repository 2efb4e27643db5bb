"""How the creator's analytics look in chat: the figures, the cohort and forecast tables, at-risk members."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from bot.i18n import Translator
from bot.messages import (
    Attachment,
    Block,
    Button,
    Buttons,
    Context,
    Fields,
    Form,
    FormField,
    Header,
    OutboundMessage,
    Section,
)
from bot.notices import Notice
from bot.notices.analytics import CohortMatrix, Forecast, ForecastMonth, PersonalNote, Risk, Snapshot
from bot.text_width import display_width, padded

NOTE = "analytics.note"  # the button (with the member id) and the form
LISTED_AT_RISK = 10
PNG = "image/png"


# -- formatting ---------------------------------------------------------------------------


def percent(value: float | None, t: Translator) -> str:
    return t("analytics.none") if value is None else t.percent(value)


def number(value: float | Decimal | None, t: Translator, places: int = 1) -> str:
    return t("analytics.none") if value is None else t.number(value, places)


def money(amount: Decimal, currency: str, t: Translator, *, signed: bool = False) -> str:
    """To the cent ("$265.83", "-$49", "49 US$"), the reader's way."""
    return t.money(amount.quantize(Decimal("0.01")), currency, signed=signed)


def money_all(amounts: dict[str, Decimal], currency: str, t: Translator, *, signed: bool = False) -> str:
    """Every currency with revenue; the main one when there is none."""
    shown = {c: a for c, a in amounts.items() if a} or {currency: Decimal(0)}
    return " + ".join(money(a, c, t, signed=signed) for c, a in shown.items())


def month_label(when: datetime, zone: ZoneInfo) -> str:
    return when.astimezone(zone).strftime("%Y-%m")


def months_from(now: datetime, zone: ZoneInfo, count: int) -> list[str]:
    """This month and the next `count - 1`, as YYYY-MM in `zone`: the forecast's rows."""
    local = now.astimezone(zone)
    first = local.year * 12 + local.month - 1
    return [f"{(first + k) // 12}-{(first + k) % 12 + 1:02d}" for k in range(count)]


def local_date(when: datetime, zone: ZoneInfo) -> str:
    return when.astimezone(zone).date().isoformat()


def month_names(labels: Sequence[str], t: Translator) -> list[str]:
    """YYYY-MM labels (`month_label`, `months_from`; the report's CSV keeps those) as the reader
    says a month: "Nov 2026", "nov. 2026", "2026年11月"."""
    return [t.month(date(int(label[:4]), int(label[5:7]), 1)) for label in labels]


# -- /stats -------------------------------------------------------------------------------


def chart_labels(community: str, currency: str, days: int, t: Translator) -> dict[str, str]:
    names = (
        "members",
        "new",
        "voluntary",
        "failed_payment",
        "drops",
        "opens",
        "reactions",
        "no_data",
        "no_drops",
        "cohorts_title",
        "months_since",
        "cohort",
        "forecast_title",
    )
    labels = {name: t(f"analytics.chart.{name}") for name in names}
    labels["title"] = t("analytics.chart.title", community=community)
    labels["mrr"] = t("analytics.chart.mrr", currency=currency.upper())
    labels["revenue"] = t("analytics.chart.revenue", currency=currency.upper())
    labels["flow"] = t.plural("analytics.chart.flow", days)
    return labels


def stats(snapshot: Snapshot, community: str, zone: ZoneInfo, png: bytes | None, t: Translator) -> OutboundMessage:
    m, e, f = snapshot.membership, snapshot.engagement, snapshot.faq
    days = snapshot.period.days
    header = t.plural("analytics.stats.header", days, community=community)
    none = t("analytics.none")
    membership = (
        (
            t("analytics.stats.members"),
            t("analytics.stats.members_value", count=m.members, change=f"{m.members - m.members_at_start:+d}"),
        ),
        (t("analytics.stats.new"), str(m.new)),
        (
            t("analytics.stats.churned"),
            t(
                "analytics.stats.churned_value",
                total=m.churned,
                voluntary=m.churned_voluntary,
                failed=m.churned_failed_payment,
            ),
        ),
        (
            t.plural("analytics.stats.retention", days),
            none
            if m.retention is None
            else t(
                "analytics.stats.retention_value",
                percent=percent(m.retention, t),
                retained=m.retained,
                start=m.members_at_start,
            ),
        ),
        (
            t("analytics.stats.mrr"),
            t(
                "analytics.stats.mrr_value",
                amount=money_all(m.mrr, m.currency, t),
                change=money_all(m.mrr_change, m.currency, t, signed=True),
            ),
        ),
        (t("analytics.stats.founding"), str(m.founding)),
        (
            t("analytics.stats.trials"),
            none
            if m.trials.rate is None
            else t(
                "analytics.stats.trials_value",
                percent=percent(m.trials.rate, t),
                converted=m.trials.converted,
                ended=m.trials.ended,
            ),
        ),
    )
    topics = ", ".join(t("analytics.stats.topic", word=word, count=count) for word, count in f.top_topics) or none
    engagement = (
        (
            t("analytics.stats.weekly_active"),
            t(
                "analytics.stats.weekly_active_value",
                active=e.weekly_active,
                members=e.community_members,
                percent=percent(e.weekly_active_share, t),
            ),
        ),
        (
            t("analytics.stats.drops"),
            none
            if not e.drops
            else t.plural(
                "analytics.stats.drops_value",
                len(e.drops),
                opens=number(e.opens_per_drop, t),
                reactions=number(e.reactions_per_drop, t),
            ),
        ),
        (
            t("analytics.stats.live"),
            none
            if e.live_attendance is None
            else t.plural(
                "analytics.stats.live_value",
                len(e.live_with_attendance),
                percent=percent(e.live_attendance, t),
                per_session=number(e.attendees_per_session, t),
            ),
        ),
        (
            t("analytics.stats.win_back"),
            none
            if e.win_back_rate is None
            else t(
                "analytics.stats.win_back_value",
                percent=percent(e.win_back_rate, t),
                back=e.nudges_won_back,
                sent=e.nudges_sent,
            ),
        ),
        (
            t("analytics.stats.deflection"),
            none
            if f.deflection is None
            else t(
                "analytics.stats.deflection_value",
                percent=percent(f.deflection, t),
                answered=f.answered_by_bot,
                asked=f.asked,
            ),
        ),
        (t("analytics.stats.topics"), topics),
    )
    blocks: tuple[Block, ...] = (
        Header(header),
        Section(t("analytics.stats.membership")),
        Fields(membership),
        Section(t("analytics.stats.engagement")),
        Fields(engagement),
        Context(t("analytics.stats.footer", start=t.date(snapshot.period.start, zone))),
    )
    text = t.plural(
        "analytics.stats.text",
        days,
        community=community,
        members=m.members,
        mrr=money_all(m.mrr, m.currency, t),
        new=m.new,
        churned=m.churned,
    )
    attachment = Attachment("membot-stats.png", png, PNG) if png else None
    return OutboundMessage(text=text, blocks=blocks, attachment=attachment)


def usage(t: Translator) -> OutboundMessage:
    text = t("analytics.usage")
    return OutboundMessage(text=text, blocks=(Section(text),))


# -- cohorts and forecast -----------------------------------------------------------------


def cohorts(
    matrix: CohortMatrix, labels: Sequence[str], community: str, png: bytes | None, t: Translator
) -> OutboundMessage:
    months = matrix.width
    if not any(matrix.sizes):
        text = t.plural("analytics.cohorts.empty", months)
        return OutboundMessage(text=text, blocks=(Section(text),))
    header = t.plural("analytics.cohorts.header", months)
    lines = []
    for i, (label, size) in enumerate(zip(labels, matrix.sizes, strict=True)):
        if size:
            still = matrix.cells[i][months - 1 - i]
            lines.append(t("analytics.cohorts.line", month=label, size=size, now=percent(still, t)))
    blocks = (Header(header), Section(t("analytics.cohorts.text", community=community)), Section("\n".join(lines)))
    attachment = Attachment("membot-cohorts.png", png, PNG) if png else None
    return OutboundMessage(text=header, blocks=blocks, attachment=attachment)


def forecast_table(rows: Sequence[ForecastMonth], labels: Sequence[str], currency: str, t: Translator) -> str:
    """Monospaced columns, each as wide as its widest cell (a Chinese character takes two)."""
    named = [t("analytics.forecast.now", month=labels[0]), *labels[1:]] if labels else []  # month 0: where it starts
    columns = (
        [t("analytics.forecast.col_month"), *named],
        [t("analytics.forecast.col_members"), *(t.number(round(row.members)) for row in rows)],
        [t("analytics.forecast.col_revenue"), *(money(row.revenue, currency, t) for row in rows)],
    )
    widths = [max(map(display_width, column)) for column in columns]
    lines = [
        "  ".join(padded(cell, width, right=n > 0) for n, (cell, width) in enumerate(zip(line, widths, strict=True)))
        for line in zip(*columns, strict=True)
    ]
    return "```\n" + "\n".join(line.rstrip() for line in lines) + "\n```"


def forecast(
    plan: Forecast, labels: Sequence[str], community: str, png: bytes | None, t: Translator
) -> OutboundMessage:
    """The forecast table (`labels`: the months' names, from `months_from`), its basis and where it levels off."""
    inputs, rows, currency = plan.inputs, plan.months, plan.currency
    months = len(rows) - 1
    header = t.plural("analytics.forecast.header", months)
    basis = t(
        "analytics.forecast.basis",
        new=t.number(round(float(inputs.new_per_month), 1)),  # "4", "2.5": no "4.0 new members"
        churn=percent(float(inputs.churn), t),
        price=money(inputs.price, currency, t),
    )
    blocks: list[Block] = [Header(header), Section(basis), Section(forecast_table(rows, labels, currency, t))]
    if plan.steady is not None:
        blocks.append(Context(t("analytics.forecast.steady", members=number(plan.steady, t, 0))))
    text = t.plural(
        "analytics.forecast.text",
        months,
        community=community,
        revenue=money(rows[-1].revenue, currency, t),
    )
    attachment = Attachment("membot-forecast.png", png, PNG) if png else None
    return OutboundMessage(text=text, blocks=tuple(blocks), attachment=attachment)


# -- at-risk members ----------------------------------------------------------------------


def reason_line(key: str, points: int, values: dict[str, object], t: Translator) -> str:
    if key == "missed_live" and values.get("count") == 1:
        return t("analytics.risk.missed_live_one", points=points)
    return t(f"analytics.risk.{key}", points=points, **values)


def explain(risk: Risk, t: Translator) -> str:
    lines = [t("analytics.risk.line", name=risk.name, score=risk.score)]
    lines += [reason_line(r.key, r.points, r.values, t) for r in risk.reasons]
    return "\n".join(lines)


def at_risk(risks: Sequence[Risk], t: Translator) -> OutboundMessage:
    if not risks:
        text = t("analytics.risk.none")
        return OutboundMessage(text=text, blocks=(Section(text),))
    header = t("analytics.risk.header")
    blocks: list[Block] = [Header(header), Context(t("analytics.risk.intro"))]
    for risk in risks[:LISTED_AT_RISK]:
        blocks.append(Section(explain(risk, t)))
        blocks.append(Buttons((Button(t("analytics.risk.note_button"), action_id=f"{NOTE}:{risk.member_id}"),)))
    if len(risks) > LISTED_AT_RISK:
        blocks.append(Context(t("analytics.risk.more", count=len(risks) - LISTED_AT_RISK)))
    text = "\n\n".join([header, *(explain(r, t) for r in risks[:LISTED_AT_RISK])])
    return OutboundMessage(text=text, blocks=tuple(blocks))


def note_form(member_id: int, name: str, t: Translator) -> Form:
    return Form(
        form_id=NOTE,
        title=t("analytics.note.title", name=name)[:24],
        submit_label=t("analytics.note.send"),
        fields=(
            FormField("member_id", t("analytics.note.field_member"), initial=str(member_id)),
            FormField(
                "note", t("analytics.note.field_note"), kind="multiline", placeholder=t("analytics.note.placeholder")
            ),
        ),
    )


def note_result(name: str, delivered: bool, t: Translator) -> OutboundMessage:
    text = t("analytics.note.sent" if delivered else "analytics.note.not_delivered", name=name)
    return OutboundMessage(text=text, blocks=(Section(text),))


def no_forms(name: str, t: Translator) -> OutboundMessage:
    text = t("analytics.note.no_forms", name=name)
    return OutboundMessage(text=text, blocks=(Section(text),))


def personal_note(notice: PersonalNote, t: Translator, tz: ZoneInfo) -> OutboundMessage:
    """The creator's own words, in the member's DMs."""
    header = t("analytics.note.dm_header", creator=notice.creator)
    blocks = (Header(header), Section(notice.note), Context(t("analytics.note.dm_context", community=notice.community)))
    return OutboundMessage(text=f"{header}\n{notice.note}", blocks=blocks)


VIEWS: dict[type[Notice], Callable[..., OutboundMessage]] = {PersonalNote: personal_note}
