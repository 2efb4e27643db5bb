"""How a content drop, the library and "what's next" look in chat."""

from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import ZoneInfo

from bot.i18n import Translator
from bot.messages import Button, Buttons, Context, Header, OutboundMessage, Section
from bot.views.common import kind_label, levels_label, local_time
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


def library_list(items: Sequence[ContentItem], t: Translator, *, query: str = "") -> OutboundMessage:
    if not items:
        key = "library.empty_search" if query else "library.empty"
        return OutboundMessage(text=t(key, query=query), blocks=(Section(t(key, query=query)),))
    header = t.plural("library.results", len(items), query=query) if query else t.plural("library.header", len(items))
    lines = [t("library.line", kind=kind_label(i.kind, t), title=i.title, levels=levels_label(i.levels, t)) for i in items]
    buttons = tuple(Button(_short(i.title), action_id=f"library.open:{i.id}") for i in items[:5])
    blocks: list = [Header(header), Section("\n".join(lines))]
    if buttons:
        blocks.append(Buttons(buttons))
    return OutboundMessage(text=header, blocks=tuple(blocks))


def upcoming_list(items: Sequence[ContentItem], t: Translator, tz: ZoneInfo) -> OutboundMessage:
    if not items:
        return OutboundMessage(text=t("next.nothing"), blocks=(Section(t("next.nothing")),))
    lines = [
        t("next.line", when=local_time(i.publish_at, tz), kind=kind_label(i.kind, t), title=i.title, teaser=i.teaser)
        for i in items
        if i.publish_at is not None
    ]
    return OutboundMessage(text=t("next.header"), blocks=(Header(t("next.header")), Section("\n".join(lines))))


def _excerpt(body: str, limit: int = 280) -> str:
    text = " ".join(body.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def _short(title: str, limit: int = 40) -> str:
    return title if len(title) <= limit else title[: limit - 1] + "…"
