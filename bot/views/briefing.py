"""How the weekly briefing reads: one short message in three parts (the week, what needs you, what's coming)
with buttons for a personal note to the members most at risk, the inbox and the full figures."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from zoneinfo import ZoneInfo

from bot.i18n import Translator
from bot.messages import Block, Button, Buttons, Context, Header, OutboundMessage, Section
from bot.notices import Notice
from bot.notices.analytics import Risk
from bot.notices.briefing import Briefing, Person, WeeklyBriefing
from bot.notices.content import SlotRunway
from bot.views import experiments
from bot.views.analytics import NOTE
from bot.views.common import first_name, kind_label, local_date, local_time, shorten
from bot.views.content import weeks_label

STATS = "briefing.stats"  # the full `/stats 7` figures
AT_RISK = "briefing.at-risk"  # the whole `/members at-risk` list
NAMES_SHOWN = 5
RISKS_SHOWN = 3  # each with its personal-note button: one row of buttons
COMING_SHOWN = 6
QUESTION_CHARS = 80


def names(people: Sequence[Person], t: Translator, *, goals: bool = False) -> str:
    """'Dana Smith (“three clients by March”), Eli Park and 2 more'."""
    shown = [_named(p, t, goals=goals) for p in people[:NAMES_SHOWN]]
    text = ", ".join(shown)
    if len(people) > NAMES_SHOWN:
        text = t("briefing.and_more", names=text, count=len(people) - NAMES_SHOWN)
    return text


def _named(person: Person, t: Translator, *, goals: bool) -> str:
    if goals and person.goal:
        return t("briefing.person_goal", name=person.name, goal=shorten(person.goal, 60))
    return t("briefing.person_back", name=person.name) if person.back else person.name


def counted(key: str, count: int, people: Sequence[Person], t: Translator, *, goals: bool = False) -> str:
    """A line with a figure and, when there are any, the people it counts."""
    if not count:
        return t(f"briefing.week.{key}_none")
    return t(f"briefing.week.{key}", count=count, names=names(people, t, goals=goals))


def risk_reason(risk: Risk, t: Translator) -> str:
    """The main reason in a few words (the full explanation is `/members at-risk`)."""
    if not risk.reasons:
        return ""
    reason = risk.reasons[0]
    return t(f"briefing.risk.{reason.key}", **reason.values)


def runway_line(slot: SlotRunway, tz: ZoneInfo, t: Translator) -> str:
    kind = kind_label(slot.kind, t)
    if slot.first_empty_at is None:
        return t.plural("briefing.coming.runway_full", slot.items_queued, kind=kind)
    when = local_date(slot.first_empty_at, tz, t)
    key = "runway_short" if slot.short else "runway"
    return t(f"briefing.coming.{key}", kind=kind, weeks=weeks_label(slot.weeks_queued, t), when=when)


def week_part(b: Briefing, t: Translator) -> str:
    m = b.membership
    lines = [
        t("briefing.week.members", count=m.members, change=f"{m.members - m.members_at_start:+d}"),
        counted("new", m.new, b.joined, t, goals=True),
        *([t("briefing.week.returned", count=len(b.returned), names=names(b.returned, t))] if b.returned else []),
        counted("canceled", m.churned_voluntary, b.canceled, t),
        counted("failed", m.churned_failed_payment, b.failed_payment, t),
        *(
            [t("briefing.week.trial_ended", count=len(b.trial_ended), names=names(b.trial_ended, t))]
            if b.trial_ended
            else []
        ),
        *([t("briefing.week.paused", count=len(b.paused), names=names(b.paused, t))] if b.paused else []),
    ]
    return "\n".join([t("briefing.week.title"), *lines])


def needs_part(b: Briefing, tz: ZoneInfo, t: Translator) -> str:
    lines = []
    if b.at_risk:
        shown = ", ".join(
            t("briefing.needs.risk_person", name=r.name, reason=risk_reason(r, t)) for r in b.at_risk[:RISKS_SHOWN]
        )
        more = len(b.at_risk) - RISKS_SHOWN
        lines.append(t("briefing.needs.at_risk", count=len(b.at_risk), people=shown))
        if more > 0:
            lines.append(t("briefing.needs.at_risk_more", count=more))
    else:
        lines.append(t("briefing.needs.at_risk_none"))
    if b.inbox_total:
        oldest = b.inbox[0]
        lines.append(
            t(
                "briefing.needs.inbox",
                count=b.inbox_total,
                question=shorten(oldest.question, QUESTION_CHARS),
                asker=oldest.asker,
                when=local_date(oldest.asked_at, tz, t),
            )
        )
    else:
        lines.append(t("briefing.needs.inbox_none"))
    f, e = b.faq, b.engagement
    lines.append(
        t("briefing.needs.faq", missed=b.faq_misses, asked=f.asked) if f.asked else t("briefing.needs.faq_none")
    )
    lines.append(
        t("briefing.needs.win_back", back=e.nudges_won_back, sent=e.nudges_sent)
        if e.nudges_sent
        else t("briefing.needs.win_back_none")
    )
    return "\n".join([t("briefing.needs.title"), *lines])


def coming_part(b: Briefing, tz: ZoneInfo, t: Translator) -> str:
    events = [
        (
            d.at,
            t(
                "briefing.coming.drop",
                when=local_time(d.at, tz, t),
                title=d.item.title,
                kind=kind_label(d.item.kind, t),
            ),
        )
        for d in b.drops
    ] + [
        (
            u.session.starts_at,
            t.plural(
                "briefing.coming.live",
                u.rsvps,
                when=local_time(u.session.starts_at, tz, t),
                title=u.session.title,
            ),
        )
        for u in b.live
    ]
    lines = [line for _, line in sorted(events, key=lambda e: e[0])[:COMING_SHOWN]]
    if not lines:
        lines.append(t("briefing.coming.nothing"))
    lines += [runway_line(slot, tz, t) for slot in b.runway]
    if b.short_slots:
        lines.append(t("briefing.coming.fill"))
    return "\n".join([t("briefing.coming.title"), *lines])


def briefing(b: Briefing, tz: ZoneInfo, t: Translator) -> OutboundMessage:
    """The whole briefing: what `/briefing` replies and the weekly DM shows."""
    header = t("briefing.header", community=b.community)
    period = t("briefing.period", start=local_date(b.period.start, tz, t), end=local_date(b.period.end, tz, t))
    parts = [week_part(b, t), needs_part(b, tz, t), coming_part(b, tz, t)]
    if b.experiments:
        lines = [experiments.briefing_line(r, t, tz) for r in b.experiments]
        parts.append("\n".join([t("briefing.experiments"), *lines]))
    blocks: list[Block] = [Header(header), Context(period), *(Section(part) for part in parts)]
    notes = tuple(
        Button(t("briefing.buttons.note", name=first_name(r.name)), action_id=f"{NOTE}:{r.member_id}")
        for r in b.at_risk[:RISKS_SHOWN]
    )
    if notes:
        blocks.append(Buttons(notes))
    more: list[Button] = []
    if b.inbox_total:
        more.append(Button(t("briefing.buttons.inbox", count=b.inbox_total), action_id="faq.inbox", style="primary"))
    if len(b.at_risk) > RISKS_SHOWN:
        more.append(Button(t("briefing.buttons.at_risk"), action_id=AT_RISK))
    more.append(Button(t("briefing.buttons.stats"), action_id=STATS))
    blocks.append(Buttons(tuple(more)))
    m = b.membership
    text = t(
        "briefing.text",
        community=b.community,
        new=m.new,
        churned=m.churned,
        at_risk=len(b.at_risk),
        inbox=b.inbox_total,
    )
    return OutboundMessage(text=text, blocks=tuple(blocks))


def weekly(notice: WeeklyBriefing, t: Translator, tz: ZoneInfo) -> OutboundMessage:
    return briefing(notice.briefing, tz, t)


VIEWS: dict[type[Notice], Callable[..., OutboundMessage]] = {WeeklyBriefing: weekly}
