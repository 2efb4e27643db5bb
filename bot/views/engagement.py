"""How nudges, the creator's quiet list, milestones and the monthly recap look in chat."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.i18n import Translator
from bot.messages import Block, Button, Buttons, Context, Fields, Header, OutboundMessage, Section
from bot.notices import Notice
from bot.notices.engagement import (
    MilestonePost,
    MilestoneReached,
    MonthlyRecap,
    NudgeMissed,
    NudgeNote,
    QuietList,
    QuietMember,
)
from bot.views.common import fill_in, first_name, kind_label

STOP = "engage.nudges-off"
RESTART = "engage.nudges-on"
LISTED_QUIET = 20  # members per creator list; the rest are one command away


def long_date(when: datetime, zone: ZoneInfo, t: Translator) -> str:
    return t.date(when, zone, long=True)


def short_date(when: datetime, zone: ZoneInfo, t: Translator) -> str:
    return t.day(when, zone, long=True)


def _stop_button(t: Translator) -> Button:
    return Button(t("engagement.nudge.stop"), action_id=STOP)


# -- nudges -----------------------------------------------------------------------------


def nudge_missed(notice: NudgeMissed, t: Translator, zone: ZoneInfo) -> OutboundMessage:
    """Day 10 (by default): a friendly "here is what you missed", listing the drops since they were last around.

    Its footer says "just reply here": a DM within a day reaches the creator (bot/services/faq/replies.py)."""
    items, limit = notice.items, notice.limit
    values = {
        "name": first_name(notice.name),
        "community": notice.community,
        "days": notice.days,
        "creator": first_name(notice.creator),
    }
    blocks: list[Block] = [Header(t("engagement.nudge.missed.header", **values))]
    if notice.intro:  # the creator's opening line (an experiment's variant) instead of the template's
        blocks.append(Section(fill_in(notice.intro, {k: str(v) for k, v in values.items()})))
    if items:
        if not notice.intro:
            blocks.append(Section(t.plural("engagement.nudge.missed.intro", len(items), **values)))
        lines = [
            t(
                "engagement.nudge.missed.line",
                title=i.title,
                kind=kind_label(i.kind, t),
                when=short_date(i.published_at, zone, t) if i.published_at else "",
            )
            for i in items[:limit]
        ]
        if len(items) > limit:
            lines.append(t.plural("engagement.nudge.missed.more", len(items) - limit))
        blocks.append(Section("\n".join(lines)))
    else:
        blocks.append(Section(t("engagement.nudge.missed.nothing_new", **values)))
    blocks.append(
        Buttons(
            (
                Button(t("engagement.nudge.library"), action_id="library.browse", style="primary"),
                Button(t("engagement.nudge.next"), action_id="content.next"),
                _stop_button(t),
            )
        )
    )
    blocks.append(Context(t("engagement.nudge.missed.footer", **values)))
    return OutboundMessage(text=t("engagement.nudge.missed.fallback", **values), blocks=tuple(blocks))


def nudge_note(notice: NudgeNote, t: Translator, zone: ZoneInfo) -> OutboundMessage:
    """Day 21 (by default): a personal note from the creator, with a question to reply to (the reply reaches them)."""
    values = {"name": first_name(notice.name), "creator": notice.creator, "community": notice.community}
    body = fill_in(notice.note, values) if notice.note else t("engagement.nudge.note.body", **values)
    blocks = (
        Header(t("engagement.nudge.note.header", **values)),
        Section(body),
        Section(t("engagement.nudge.note.prompt", **values)),
        Buttons((Button(t("engagement.nudge.next"), action_id="content.next", style="primary"), _stop_button(t))),
        Context(t("engagement.nudge.note.signature", **values)),
    )
    return OutboundMessage(text=t("engagement.nudge.note.fallback", **values), blocks=blocks)


def _quiet_line(member: QuietMember, zone: ZoneInfo, t: Translator) -> str:
    line = t(
        "engagement.quiet.line",
        name=member.name,
        days=member.days,
        since=short_date(member.since, zone, t),
        joined=long_date(member.joined, zone, t),
    )
    if member.last_nudge_day:
        line += t("engagement.quiet.nudged", days=member.last_nudge_day)
    if not member.nudges_on:
        line += t("engagement.quiet.reminders_off")
    return line


def creator_quiet_list(notice: QuietList, t: Translator, zone: ZoneInfo) -> OutboundMessage:
    """Day 30 (by default): the creator hears who has gone quiet, to reach out personally (dates in the community's zone)."""
    quiet, days, community = notice.quiet, notice.days, notice.community
    header = t.plural("engagement.nudge.creator.header", len(quiet))
    lines = [_quiet_line(q, zone, t) for q in quiet[:LISTED_QUIET]]
    if len(quiet) > LISTED_QUIET:
        lines.append(t.plural("engagement.quiet.more", len(quiet) - LISTED_QUIET))
    blocks = (
        Header(header),
        Section(t("engagement.nudge.creator.intro", community=community, days=days)),
        Section("\n".join(lines)),
        Context(t("engagement.nudge.creator.footer")),
    )
    return OutboundMessage(text=header, blocks=blocks)


def quiet_report(
    total: int, quiet: Sequence[QuietMember], *, min_days: int, zone: ZoneInfo, t: Translator
) -> OutboundMessage:
    """`/members inactive`: who is quiet, for how long, and what they were already sent."""
    if not quiet:
        text = t.plural("engagement.quiet.none", min_days, days=min_days)
        return OutboundMessage(text=text, blocks=(Section(text),))
    header = t.plural("engagement.quiet.header", total, days=min_days)
    lines = [_quiet_line(q, zone, t) for q in quiet]
    if total > len(quiet):
        lines.append(t.plural("engagement.quiet.more", total - len(quiet)))
    return OutboundMessage(text=header, blocks=(Header(header), Section("\n".join(lines))))


def members_usage(t: Translator) -> OutboundMessage:
    text = t("engagement.quiet.usage")
    return OutboundMessage(text=text, blocks=(Section(text),))


def nudges_changed(on: bool, t: Translator) -> OutboundMessage:
    """The answer to "stop these reminders" (with an undo), or to turning them back on."""
    if on:
        text = t("engagement.reminders.on")
        return OutboundMessage(text=text, blocks=(Section(text),))
    text = t("engagement.reminders.off")
    undo = Buttons((Button(t("engagement.reminders.undo"), action_id=RESTART),))
    return OutboundMessage(text=text, blocks=(Section(text), undo))


# -- milestones ----------------------------------------------------------------------------


def milestone_dm(notice: MilestoneReached, t: Translator, zone: ZoneInfo) -> OutboundMessage:
    key = notice.key
    values = {"name": first_name(notice.name), "community": notice.community, "creator": notice.creator}
    header = t(f"engagement.milestone.{key}.header", **values)
    blocks = (
        Header(header),
        Section(t(f"engagement.milestone.{key}.body", **values)),
        Context(t("engagement.milestone.context", joined=long_date(notice.joined, zone, t), **values)),
    )
    return OutboundMessage(text=header, blocks=blocks)


def milestone_post(notice: MilestonePost, t: Translator, zone: ZoneInfo) -> OutboundMessage:
    text = t(f"engagement.milestone.{notice.key}.post", name=first_name(notice.name), community=notice.community)
    return OutboundMessage(text=text, blocks=(Section(text),))


# -- the monthly recap ---------------------------------------------------------------------


def recap_dm(notice: MonthlyRecap, t: Translator, zone: ZoneInfo) -> OutboundMessage:
    """ "Your month: 4 drops, 1 live session, 3 questions answered; member since …"."""
    drops, live, questions = notice.drops, notice.live, notice.questions
    values = {
        "name": first_name(notice.name),
        "community": notice.community,
        "creator": notice.creator,
        "month": t.month_name(notice.month),
        "joined": long_date(notice.joined, zone, t),
        "drops": t.plural("engagement.recap.drops", drops),
        "live": t.plural("engagement.recap.live", live),
        "questions": t.plural("engagement.recap.questions", questions),
    }
    blocks = (
        Header(t("engagement.recap.header", **values)),
        Section(t("engagement.recap.summary", **values)),
        Fields(
            (
                (t("engagement.recap.labels.drops"), str(drops)),
                (t("engagement.recap.labels.live"), str(live)),
                (t("engagement.recap.labels.questions"), str(questions)),
            )
        ),
        Section(t("engagement.recap.since", **values)),
        Buttons(
            (
                Button(t("engagement.nudge.next"), action_id="content.next", style="primary"),
                Button(t("engagement.nudge.library"), action_id="library.browse"),
            )
        ),
        Context(t("engagement.recap.signature", **values)),
    )
    return OutboundMessage(text=t("engagement.recap.fallback", **values), blocks=blocks)


VIEWS: dict[type[Notice], Callable[..., OutboundMessage]] = {
    NudgeMissed: nudge_missed,
    NudgeNote: nudge_note,
    QuietList: creator_quiet_list,
    MilestoneReached: milestone_dm,
    MilestonePost: milestone_post,
    MonthlyRecap: recap_dm,
}
