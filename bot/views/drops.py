"""How a content drop, the library and "what's next" look in chat."""

from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import ZoneInfo

from bot.i18n import Translator
from bot.messages import Button, Buttons, Context, Header, OutboundMessage, Section
from bot.views.common import kind_label, levels_label, local_time, shorten
from storage.models import ContentItem


def drop_post(item: ContentItem, t: Translator) -> OutboundMessage:
    kind = kind_label(item.kind, t)
    blocks: list = [
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


def item_detail(item: ContentItem, t: Translator) -> OutboundMessage:
    kind = kind_label(item.kind, t)
    blocks: list = [Header(t("drops.post.header", kind=kind, title=item.title)), Section(item.body or item.teaser)]
    if item.url:
        blocks.append(Buttons((Button(t("drops.post.link"), url=item.url),)))
    return OutboundMessage(text=t("drops.post.fallback", kind=kind, title=item.title), blocks=tuple(blocks))


def library_list(items: Sequence[ContentItem], t: Translator, *, query: str = "", total: int | None = None) -> OutboundMessage:
    if not items:
        key = "library.empty_search" if query else "library.empty"
        return OutboundMessage(text=t(key, query=query), blocks=(Section(t(key, query=query)),))
    total = len(items) if total is None else total
    header = t.plural("library.results", total, query=query) if query else t.plural("library.header", total)
    lines = [t("library.line", kind=kind_label(i.kind, t), title=i.title, levels=levels_label(i.levels, t)) for i in items]
    blocks: list = [Header(header), Section("\n".join(lines))]
    buttons = tuple(Button(shorten(i.title), action_id=f"library.open:{i.id}") for i in items[:5])
    if buttons:
        blocks.append(Buttons(buttons))
    if total > len(items):
        blocks.append(Context(t("library.more", shown=len(items))))
    return OutboundMessage(text=header, blocks=tuple(blocks))


def upcoming_list(items: Sequence[ContentItem], t: Translator, tz: ZoneInfo) -> OutboundMessage:
    if not items:
        return OutboundMessage(text=t("next.nothing"), blocks=(Section(t("next.nothing")),))
    lines = [
        t("next.line", when=local_time(i.publish_at, tz, t), kind=kind_label(i.kind, t), title=i.title, teaser=i.teaser)
        for i in items
        if i.publish_at is not None
    ]
    return OutboundMessage(text=t("next.header"), blocks=(Header(t("next.header")), Section("\n".join(lines))))


def _excerpt(body: str, limit: int = 280) -> str:
    text = " ".join(body.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def weekly_digest(items: Sequence[ContentItem], t: Translator, *, name: str) -> OutboundMessage:
    header = t.plural("drops.digest.header", len(items), name=name.split()[0] if name else name)
    lines = [t("library.line", kind=kind_label(i.kind, t), title=i.title, levels=levels_label(i.levels, t)) for i in items]
    buttons = tuple(Button(shorten(i.title), action_id=f"library.open:{i.id}") for i in items[:5])
    blocks: list = [Header(header), Section("\n".join(lines))]
    if buttons:
        blocks.append(Buttons(buttons))
    return OutboundMessage(text=header, blocks=tuple(blocks))


def drop_queue(scheduled: Sequence[ContentItem], waiting: int, t: Translator, tz: ZoneInfo) -> OutboundMessage:
    header = t("drops.queue.header")
    lines = [
        t("drops.queue.line", when=local_time(i.publish_at, tz, t), kind=kind_label(i.kind, t), title=i.title, slug=i.slug)
        for i in scheduled
        if i.publish_at is not None
    ]
    if waiting:
        lines.append(t.plural("drops.queue.waiting", waiting))
    return OutboundMessage(text=header, blocks=(Header(header), Section("\n".join(lines) or t("drops.queue.empty"))))
