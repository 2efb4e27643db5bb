"""How an announcement looks: to its recipients, in the creator's preview, and in `/announce list`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.i18n import Translator
from bot.messages import (
    Block,
    Button,
    Buttons,
    Context,
    Divider,
    Fields,
    Form,
    FormField,
    Header,
    Option,
    OutboundMessage,
    Section,
)
from bot.notices import Notice
from bot.notices.announcements import Announced, AnnouncementRecord, Segment
from bot.views.common import local_time

FORM_ID = "announce.compose"


def segment_label(segment: Segment, t: Translator, tier_names: dict[str, str]) -> str:
    if segment.kind == "level":
        return t("announce.segment.level", level=segment.value)
    if segment.kind == "tier":
        return t("announce.segment.tier", tier=tier_names.get(segment.value or "", segment.value))
    return t(f"announce.segment.{segment.kind}")


def announced(notice: Announced, t: Translator, tz: ZoneInfo) -> OutboundMessage:
    """What members receive: the creator's words, signed."""
    signature = t("announce.message.signature", creator=notice.creator, community=notice.community)
    return OutboundMessage(text=_excerpt(notice.text), blocks=(Section(notice.text), Context(signature)))


def preview(
    item: AnnouncementRecord,
    message: OutboundMessage,
    t: Translator,
    *,
    audience: str,
    reach: str,
    tz: ZoneInfo,
    scheduled: bool,
) -> OutboundMessage:
    """The creator's look before anything goes out: the message as sent, who gets it, and when."""
    when = local_time(item.send_at, tz, t) if scheduled else t("announce.preview.now")
    buttons: list[Button] = []
    if scheduled:
        buttons.append(
            Button(t("announce.preview.schedule", when=when), f"announce.schedule:{item.id}", style="primary")
        )
        buttons.append(Button(t("announce.preview.send_instead"), f"announce.send:{item.id}"))
    else:
        buttons.append(Button(t("announce.preview.send"), f"announce.send:{item.id}", style="primary"))
    buttons.append(Button(t("announce.preview.cancel"), f"announce.cancel:{item.id}", style="danger"))
    blocks: list[Block] = [
        Header(t("announce.preview.header")),
        *message.blocks,
        Divider(),
        Fields(
            (
                (t("announce.preview.audience"), audience),
                (t("announce.preview.reach"), reach),
                (t("announce.preview.when"), when),
            )
        ),
        Buttons(tuple(buttons)),
        Context(t("announce.preview.nothing_yet")),
    ]
    return OutboundMessage(text=t("announce.preview.fallback", audience=audience, reach=reach), blocks=tuple(blocks))


def reach_label(segment: Segment, count: int, t: Translator, channel: str) -> str:
    if segment.by_channel:
        return t.plural("announce.reach.channel", count, channel=channel)
    return t.plural("announce.reach.dm", count)


def overview(
    scheduled: Sequence[AnnouncementRecord],
    sent: Sequence[AnnouncementRecord],
    t: Translator,
    tz: ZoneInfo,
    label: dict[int, str],
) -> OutboundMessage:
    """`/announce list`: what is scheduled (with cancel buttons) and what went out lately."""
    if not scheduled and not sent:
        return OutboundMessage(text=t("announce.list.empty"), blocks=(Section(t("announce.list.empty")),))
    blocks: list[Block] = [Header(t("announce.list.header"))]
    if scheduled:
        lines = [_line("announce.list.scheduled_line", a, a.send_at, t, tz, label[a.id]) for a in scheduled]
        blocks.append(Section(t("announce.list.scheduled") + "\n" + "\n".join(lines)))
        cancels = tuple(Button(t("announce.list.cancel", id=a.id), f"announce.cancel:{a.id}") for a in scheduled[:5])
        blocks.append(Buttons(cancels))
    else:
        blocks.append(Section(t("announce.list.none_scheduled")))
    if sent:
        lines = [_line("announce.list.sent_line", a, _sent(a), t, tz, label[a.id]) for a in sent]
        blocks.append(Section(t("announce.list.sent") + "\n" + "\n".join(lines)))
    blocks.append(Context(t("announce.list.hint")))
    return OutboundMessage(text=t("announce.list.header"), blocks=tuple(blocks))


def compose_form(t: Translator, tiers: dict[str, str], levels: Sequence[int], date: str) -> Form:
    """The draft form; `date` is the day its time example names (a week ahead)."""
    segments = [
        Option(t("announce.segment.all"), "all"),
        Option(t("announce.segment.founding"), "founding"),
        Option(t("announce.segment.inactive"), "inactive"),
    ]
    segments += [Option(t("announce.segment.level", level=n), f"level:{n}") for n in levels]
    segments += [Option(t("announce.segment.tier", tier=name), f"tier:{key}") for key, name in tiers.items()]
    return Form(
        form_id=FORM_ID,
        title=t("announce.form.title"),
        fields=(
            FormField("segment", t("announce.form.segment"), kind="select", options=tuple(segments), initial="all"),
            FormField(
                "when", t("announce.form.when"), required=False, placeholder=t("announce.form.when_hint", date=date)
            ),
            FormField("text", t("announce.form.text"), kind="multiline"),
        ),
        submit_label=t("announce.form.submit"),
    )


def _line(key: str, item: AnnouncementRecord, when: datetime, t: Translator, tz: ZoneInfo, audience: str) -> str:
    return t(key, id=item.id, when=local_time(when, tz, t), audience=audience, text=_excerpt(item.text, 60))


def _sent(item: AnnouncementRecord) -> datetime:
    return item.sent_at or item.send_at


def _excerpt(text: str, limit: int = 150) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1].rsplit(" ", 1)[0] + "…"


VIEWS: dict[type[Notice], Callable[..., OutboundMessage]] = {Announced: announced}
