"""How feedback looks: the form, the creator's notice of new feedback, and the creator's list."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from zoneinfo import ZoneInfo

from bot.i18n import Translator
from bot.messages import Button, Buttons, Form, FormField, Header, OutboundMessage, Section
from bot.notices import Notice
from bot.notices.feedback import FEEDBACK_TEXT, FeedbackEntry, FeedbackReceived
from bot.untrusted import quoted
from bot.views.common import local_time

FORM_ID = "feedback.send"
LIST_ACTION = "feedback.list"


def feedback_form(t: Translator) -> Form:
    return Form(
        form_id=FORM_ID,
        title=t("feedback.form.title"),
        fields=(
            FormField(
                "text",
                t("feedback.form.text"),
                kind="multiline",
                placeholder=t("feedback.form.hint"),
                max_length=FEEDBACK_TEXT,
            ),
        ),
        submit_label=t("feedback.form.submit"),
    )


def received(notice: FeedbackReceived, t: Translator, tz: ZoneInfo) -> OutboundMessage:
    """The DM a creator gets for each piece of feedback."""
    blocks = (
        Header(t("feedback.notice.header", name=notice.author)),
        Section(quoted(notice.text)),
        Buttons((Button(t("feedback.notice.all"), LIST_ACTION),)),
    )
    return OutboundMessage(text=t("feedback.notice.fallback", name=notice.author), blocks=blocks)


def feedback_list(entries: Sequence[FeedbackEntry], total: int, t: Translator, tz: ZoneInfo) -> OutboundMessage:
    if not entries:
        return OutboundMessage(text=t("feedback.list.empty"), blocks=(Section(t("feedback.list.empty")),))
    header = t.plural("feedback.list.header", total, shown=len(entries))
    lines = [t("feedback.list.line", name=e.author, when=local_time(e.at, tz, t), text=quoted(e.text)) for e in entries]
    return OutboundMessage(text=header, blocks=(Header(header), Section("\n\n".join(lines))))


VIEWS: dict[type[Notice], Callable[..., OutboundMessage]] = {FeedbackReceived: received}
