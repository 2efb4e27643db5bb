"""How replies to people look: the creator's notice and list, the answer form, the member's acknowledgement and answer."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from zoneinfo import ZoneInfo

from bot.i18n import Translator
from bot.messages import Block, Button, Buttons, Context, Form, FormField, Header, OutboundMessage, Section
from bot.notices import Notice
from bot.notices.faq import CreatorAnswered, ReplyAcknowledged, ReplyItem, ReplyReceived
from bot.untrusted import quoted
from bot.views.common import first_name, local_time

ANSWER_FORM = "reply.answer"
ANSWER = "reply.answer"
DONE = "reply.done"
INBOX = "faq.inbox"
QUOTE = 600  # characters of a reply quoted in the creator's list


def _clip(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _to_what(item: ReplyItem, t: Translator) -> str:
    """What the member replied to, in words: "your day-21 check-in", "your personal note", "your answer"."""
    return t(f"replies.kind.{item.kind}", stage=item.stage)


def _buttons(item: ReplyItem, t: Translator, *, inbox: bool = False) -> Buttons:
    buttons = [
        Button(
            t("replies.buttons.answer", name=first_name(item.member)), action_id=f"{ANSWER}:{item.id}", style="primary"
        ),
        Button(t("replies.buttons.done"), action_id=f"{DONE}:{item.id}"),
    ]
    if inbox:
        buttons.append(Button(t("replies.buttons.inbox"), action_id=INBOX))
    return Buttons(tuple(buttons))


def received(notice: ReplyReceived, t: Translator, tz: ZoneInfo) -> OutboundMessage:
    """The DM each creator account gets when a member replies."""
    item = notice.reply
    header = t("replies.notice.header", name=item.member, what=_to_what(item, t))
    blocks: list[Block] = [Header(header), Section(quoted(item.text))]
    if item.about:
        blocks.append(Context(t("replies.notice.about", about=item.about)))
    blocks.append(_buttons(item, t, inbox=True))
    return OutboundMessage(
        text=t("replies.notice.fallback", name=item.member, what=_to_what(item, t)), blocks=tuple(blocks)
    )


def acknowledged(notice: ReplyAcknowledged, t: Translator, tz: ZoneInfo) -> OutboundMessage:
    text = t("replies.ack", creator=first_name(notice.creator))
    return OutboundMessage(text=text, blocks=(Section(text),))


def creator_answered(notice: CreatorAnswered, t: Translator, tz: ZoneInfo) -> OutboundMessage:
    """The creator's answer in the member's DMs; it says the member may reply again."""
    creator = first_name(notice.creator)
    header = t("replies.answer.header", creator=creator)
    blocks = (
        Header(header),
        Context(t("replies.answer.you_wrote", text=_clip(notice.wrote, 300))),
        Section(notice.answer),
        Context(t("replies.answer.reply_here", creator=creator)),
    )
    return OutboundMessage(text=f"{header}\n{notice.answer}", blocks=blocks)


def inbox(items: Sequence[ReplyItem], total: int, t: Translator, tz: ZoneInfo) -> OutboundMessage:
    """The replies part of the creator's `/faq inbox` (shown only when some are waiting)."""
    header = t.plural("replies.inbox.header", total)
    blocks: list[Block] = [Header(header)]
    for item in items:
        line = t(
            "replies.inbox.line",
            id=item.id,
            name=item.member,
            when=local_time(item.received_at, tz, t),
            what=_to_what(item, t),
            text=quoted(_clip(item.text, QUOTE)),
        )
        if item.about:
            line += "\n" + t("replies.inbox.about", about=_clip(item.about, 150))
        blocks += [Section(line), _buttons(item, t)]
    if total > len(items):
        blocks.append(Context(t("replies.inbox.more", count=total - len(items))))
    return OutboundMessage(text=header, blocks=tuple(blocks))


def answer_form(item: ReplyItem, t: Translator) -> Form:
    return Form(
        form_id=ANSWER_FORM,
        title=t("replies.form.title")[:24],
        submit_label=t("replies.form.send"),
        fields=(
            FormField("reply_id", t("replies.form.reply_id"), initial=str(item.id)),
            FormField(
                "answer",
                t("replies.form.answer", name=first_name(item.member)),
                kind="multiline",
                placeholder=_clip(item.text, 100),
            ),
        ),
    )


def answer_sent(name: str, delivered: bool, t: Translator) -> OutboundMessage:
    text = t("replies.sent" if delivered else "replies.sent_not_delivered", name=name)
    return OutboundMessage(
        text=text, blocks=(Section(text), Buttons((Button(t("replies.buttons.inbox"), action_id=INBOX),)))
    )


VIEWS: dict[type[Notice], Callable[..., OutboundMessage]] = {
    ReplyReceived: received,
    ReplyAcknowledged: acknowledged,
    CreatorAnswered: creator_answered,
}
