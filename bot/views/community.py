"""Feedback and ambassadors in chat: the creator's notice and list, the invite card, the leaderboard."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.i18n import Translator
from bot.messages import Block, Button, Buttons, Context, Form, FormField, Header, OutboundMessage, Section
from bot.views.common import first_name, local_time

if TYPE_CHECKING:
    from bot.services.feedback import FeedbackEntry
    from bot.services.referrals import Ambassador

FEEDBACK_FORM_ID = "feedback.send"
MEDALS = ("🥇", "🥈", "🥉")


def feedback_form(t: Translator) -> Form:
    return Form(
        form_id=FEEDBACK_FORM_ID,
        title=t("feedback.form.title"),
        fields=(FormField("text", t("feedback.form.text"), kind="multiline", placeholder=t("feedback.form.hint")),),
        submit_label=t("feedback.form.submit"),
    )


def feedback_notice(author: str, text: str, t: Translator) -> OutboundMessage:
    """The DM a creator gets for each piece of feedback."""
    blocks = (
        Header(t("feedback.notice.header", name=author)),
        Section(_quote(text)),
        Buttons((Button(t("feedback.notice.all"), "feedback.list"),)),
    )
    return OutboundMessage(text=t("feedback.notice.fallback", name=author), blocks=blocks)


def feedback_list(entries: Sequence[FeedbackEntry], total: int, t: Translator, tz: ZoneInfo) -> OutboundMessage:
    if not entries:
        return OutboundMessage(text=t("feedback.list.empty"), blocks=(Section(t("feedback.list.empty")),))
    header = t.plural("feedback.list.header", total, shown=len(entries))
    lines = [t("feedback.list.line", name=e.author, when=local_time(e.at, tz, t), text=_quote(e.text)) for e in entries]
    return OutboundMessage(text=header, blocks=(Header(header), Section("\n\n".join(lines))))


def invite(code: str, credited: int, pending: int, t: Translator, *, community: str) -> OutboundMessage:
    blocks: list[Block] = [
        Header(t("referrals.invite.header", community=community)),
        Section(t("referrals.invite.body", code=code, community=community)),
        Section(t("referrals.invite.how", code=code)),
    ]
    if credited or pending:
        blocks.append(Context(t("referrals.invite.stats", credited=credited, pending=pending)))
    return OutboundMessage(text=t("referrals.invite.fallback", code=code), blocks=tuple(blocks))


def referral_credited(friend: str, total: int, t: Translator) -> OutboundMessage:
    text = t.plural("referrals.credited", total, friend=first_name(friend))
    return OutboundMessage(text=text, blocks=(Section(text),))


def leaderboard(leaders: Sequence[Ambassador], t: Translator) -> OutboundMessage:
    if not leaders:
        return OutboundMessage(text=t("referrals.board.empty"), blocks=(Section(t("referrals.board.empty")),))
    lines = []
    for rank, who in enumerate(leaders, start=1):
        place = MEDALS[rank - 1] if rank <= len(MEDALS) else f"{rank}."
        line = t.plural("referrals.board.line", who.credited, place=place, name=who.name)
        if who.pending:
            line += " " + t("referrals.board.pending", pending=who.pending)
        lines.append(line)
    header = t("referrals.board.header")
    return OutboundMessage(
        text=header, blocks=(Header(header), Section("\n".join(lines)), Context(t("referrals.board.context")))
    )


def _quote(text: str) -> str:
    return "\n".join(f"> {line}" for line in text.splitlines() or [""])
