"""How content looks in chat: a drop, an item opened from the library, the library, "what's next",
the weekly digest, and the creator's queue and its form."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from zoneinfo import ZoneInfo

from bot.i18n import Translator
from bot.messages import Block, Button, Buttons, Context, Form, FormField, Header, Option, OutboundMessage, Section
from bot.notices import Notice
from bot.notices.content import ContentPiece, DropPublished, WeeklyDigest
from bot.views.common import kind_label, levels_label, local_time, shorten

ADD_FORM_ID = "drops.add"


def drop_published(notice: DropPublished, t: Translator, tz: ZoneInfo) -> OutboundMessage:
    """The drop as posted in the drops channel and DMed to members who asked for each drop."""
    item = notice.item
    kind = kind_label(item.kind, t)
    blocks: list[Block] = [
        Header(t("drops.post.header", kind=kind, title=item.title)),
        Section(item.teaser or _excerpt(item.body)),
    ]
    buttons = [Button(t("drops.post.read"), action_id=f"library.open:{item.id}", style="primary")]
    if item.url:
        buttons.append(Button(t("drops.post.link"), url=item.url))
    blocks.append(Buttons(tuple(buttons)))
    topics = ", ".join(item.topics)
    blocks.append(Context(t("drops.post.context", levels=levels_label(item.levels, t), topics=topics or "-")))
    return OutboundMessage(text=t("drops.post.fallback", kind=kind, title=item.title), blocks=tuple(blocks))


def weekly_digest(notice: WeeklyDigest, t: Translator, tz: ZoneInfo) -> OutboundMessage:
    """Monday's DM: last week's drops for this member's level."""
    items, name = notice.items, notice.name
    header = t.plural("drops.digest.header", len(items), name=name.split()[0] if name else name)
    blocks: list[Block] = [Header(header), Section("\n".join(_library_line(i, t) for i in items))]
    buttons = tuple(Button(shorten(i.title), action_id=f"library.open:{i.id}") for i in items[:5])
    if buttons:
        blocks.append(Buttons(buttons))
    return OutboundMessage(text=header, blocks=tuple(blocks))


def item_detail(item: ContentPiece, t: Translator) -> OutboundMessage:
    kind = kind_label(item.kind, t)
    blocks: list[Block] = [
        Header(t("drops.post.header", kind=kind, title=item.title)),
        Section(item.body or item.teaser),
    ]
    if item.url:
        blocks.append(Buttons((Button(t("drops.post.link"), url=item.url),)))
    return OutboundMessage(text=t("drops.post.fallback", kind=kind, title=item.title), blocks=tuple(blocks))


def library_list(
    items: Sequence[ContentPiece], t: Translator, *, query: str = "", total: int | None = None
) -> OutboundMessage:
    if not items:
        key = "library.empty_search" if query else "library.empty"
        return OutboundMessage(text=t(key, query=query), blocks=(Section(t(key, query=query)),))
    total = len(items) if total is None else total
    header = t.plural("library.results", total, query=query) if query else t.plural("library.header", total)
    blocks: list[Block] = [Header(header), Section("\n".join(_library_line(i, t) for i in items))]
    buttons = tuple(Button(shorten(i.title), action_id=f"library.open:{i.id}") for i in items[:5])
    if buttons:
        blocks.append(Buttons(buttons))
    if total > len(items):
        blocks.append(Context(t("library.more", shown=len(items))))
    return OutboundMessage(text=header, blocks=tuple(blocks))


def upcoming_list(items: Sequence[ContentPiece], t: Translator, tz: ZoneInfo) -> OutboundMessage:
    if not items:
        return OutboundMessage(text=t("next.nothing"), blocks=(Section(t("next.nothing")),))
    lines = [
        t("next.line", when=local_time(i.publish_at, tz, t), kind=kind_label(i.kind, t), title=i.title, teaser=i.teaser)
        for i in items
        if i.publish_at is not None
    ]
    return OutboundMessage(text=t("next.header"), blocks=(Header(t("next.header")), Section("\n".join(lines))))


def drop_queue(scheduled: Sequence[ContentPiece], waiting: int, t: Translator, tz: ZoneInfo) -> OutboundMessage:
    header = t("drops.queue.header")
    lines = [
        t(
            "drops.queue.line",
            when=local_time(i.publish_at, tz, t),
            kind=kind_label(i.kind, t),
            title=i.title,
            slug=i.slug,
        )
        for i in scheduled
        if i.publish_at is not None
    ]
    if waiting:
        lines.append(t.plural("drops.queue.waiting", waiting))
    return OutboundMessage(text=header, blocks=(Header(header), Section("\n".join(lines) or t("drops.queue.empty"))))


def add_form(t: Translator, kinds: Sequence[str]) -> Form:
    """The creator's `/drop add` form."""
    return Form(
        form_id=ADD_FORM_ID,
        title=t("drops.form.title"),
        submit_label=t("drops.form.submit"),
        fields=(
            FormField("title", t("drops.form.field_title")),
            FormField(
                "kind",
                t("drops.form.kind"),
                kind="select",
                options=tuple(Option(t(f"common.kinds.{k}"), k) for k in kinds),
            ),
            FormField("levels", t("drops.form.levels"), required=False),
            FormField("topics", t("drops.form.topics"), required=False),
            FormField("teaser", t("drops.form.teaser"), required=False),
            FormField("url", t("drops.form.url"), required=False),
            FormField("body", t("drops.form.body"), kind="multiline", required=False),
        ),
    )


def _library_line(item: ContentPiece, t: Translator) -> str:
    return t("library.line", kind=kind_label(item.kind, t), title=item.title, levels=levels_label(item.levels, t))


def _excerpt(body: str, limit: int = 280) -> str:
    text = " ".join(body.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


VIEWS: dict[type[Notice], Callable[..., OutboundMessage]] = {DropPublished: drop_published, WeeklyDigest: weekly_digest}
