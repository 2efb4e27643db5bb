"""How content looks in chat: a drop, an item opened from the library, the library page by page,
"what's next" (with best picks for members and the runway for the creator), the weekly digest,
the creator's queue, its forms and the runway warning."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote_plus
from zoneinfo import ZoneInfo

from bot.i18n import Translator
from bot.messages import Block, Button, Buttons, Context, Form, FormField, Header, Option, OutboundMessage, Section
from bot.notices import Notice
from bot.notices.content import (
    DROP_TEASER,
    DROP_TITLE,
    DROP_URL,
    ContentPiece,
    DropPublished,
    DropQueue,
    RunwayLow,
    SlotRunway,
    WeeklyDigest,
)
from bot.untrusted import Trusted
from bot.views.common import kind_label, levels_label, local_date, local_time, shorten

ADD_FORM_ID = "drops.add"
EDIT_FORM_ID = "drops.edit"
NEW_ACTION = "drops.new"  # a button that opens the add form
QUEUE_ACTION = "drops.queue"  # a button that shows the queue
PAGE_ACTION = "library.page"
MAX_ACTION = 90  # Discord's custom_id holds 100 characters; the action id parser takes an 80-character argument
QUEUE_SHOWN = 8  # drops listed per slot in the queue


@dataclass(frozen=True)
class LibraryView:
    """One page of the library or of a search, as the handler hands it over."""

    items: Sequence[ContentPiece]
    page: int = 1
    pages: int = 1
    total: int = 0
    query: str = ""
    typed: str = ""  # what the member typed, when it found nothing and `query` is its respelling


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
    levels = levels_label(item.levels, t)
    if item.topics:
        blocks.append(Context(t("drops.post.context", levels=levels, topics=", ".join(item.topics))))
    else:  # not "For all levels · -"
        blocks.append(Context(t("drops.post.context_levels", levels=levels)))
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


def library_list(page: LibraryView, t: Translator) -> OutboundMessage:
    """One page of the library (or of a search): ten items, a button to open each (two rows of five
    on Discord), and buttons to the newer and older pages."""
    items, query = page.items, page.query
    if not items:
        key = "library.empty_search" if query else "library.empty"
        return OutboundMessage(text=t(key, query=query), blocks=(Section(t(key, query=query)),))
    header = t.plural("library.results", page.total, query=query) if query else t.plural("library.header", page.total)
    blocks: list[Block] = [Header(header), Section("\n".join(_library_line(i, t) for i in items))]
    if page.typed:
        blocks.insert(1, Context(t("library.respelled", typed=page.typed, query=query)))
    buttons = tuple(Button(shorten(i.title), action_id=f"library.open:{i.id}") for i in items)
    if buttons:
        blocks.append(Buttons(buttons))
    if page.pages > 1:
        blocks.append(Context(t("library.page", page=page.page, pages=page.pages)))
        nav = [
            Button(t(label), action_id=action)
            for label, number in (("library.newer", page.page - 1), ("library.older", page.page + 1))
            if 1 <= number <= page.pages and (action := _page_action(number, query))
        ]
        if nav:
            blocks.append(Buttons(tuple(nav)))
        else:  # a search too long to carry in a button: say how to type the next page
            blocks.append(Context(t("library.more", shown=len(items))))
    return OutboundMessage(text=header, blocks=tuple(blocks))


def _page_action(page: int, query: str) -> str:
    """`library.page:2` or `library.page:2~hot+seats` (the search rides along); empty if too long for a button."""
    action = f"{PAGE_ACTION}:{page}" + (f"~{quote_plus(query)}" if query else "")
    return action if len(action) <= MAX_ACTION else ""


def upcoming_list(items: Sequence[ContentPiece], t: Translator, tz: ZoneInfo) -> OutboundMessage:
    """`/next`: what is coming up (or, with nothing scheduled, just that)."""
    if not items:
        return OutboundMessage(text=t("next.nothing"), blocks=(Section(t("next.nothing")),))
    lines = [
        t(
            "next.line",
            when=local_time(i.publish_at, tz, t),
            kind=kind_label(i.kind, t),
            title=i.title,
            teaser=Trusted(i.teaser),  # the creator's own words: its links are meant
        )
        for i in items
        if i.publish_at is not None
    ]
    return OutboundMessage(text=t("next.header"), blocks=(Header(t("next.header")), Section("\n".join(lines))))


def next_for_member(
    items: Sequence[ContentPiece], picks: Sequence[ContentPiece], t: Translator, tz: ZoneInfo
) -> OutboundMessage:
    """A member's `/next`: what is coming up; with nothing scheduled, the library's best picks for them."""
    if items or not picks:
        return upcoming_list(items, t, tz)
    header = t("next.picks")
    blocks: list[Block] = [
        Header(header),
        Section("\n".join(_library_line(i, t) for i in picks)),
        Buttons(tuple(Button(shorten(i.title), action_id=f"library.open:{i.id}") for i in picks)),
        Context(t("next.picks_more")),
    ]
    return OutboundMessage(text=header, blocks=tuple(blocks))


def next_for_creator(
    items: Sequence[ContentPiece], runway: Sequence[SlotRunway], t: Translator, tz: ZoneInfo
) -> OutboundMessage:
    """The creator's `/next`: what is coming up, then each slot's runway."""
    upcoming = upcoming_list(items, t, tz) if items else None
    blocks: list[Block] = list(upcoming.blocks) if upcoming else [Section(t("next.creator_nothing"))]
    if runway:
        blocks += [Header(t("next.runway.header")), Section("\n".join(_runway_line(r, t, tz) for r in runway))]
        blocks.append(Buttons(_queue_buttons(t)))
    return OutboundMessage(text=upcoming.text if upcoming else t("next.creator_nothing"), blocks=tuple(blocks))


def _runway_line(slot: SlotRunway, t: Translator, tz: ZoneInfo) -> str:
    kind, name = kind_label(slot.kind, t), _slot_name(slot, t, tz)
    if slot.first_empty_at is None:
        return t("next.runway.never", kind=kind, slot=name)
    values = {"kind": kind, "slot": name, "weeks": weeks_label(slot.weeks_queued, t)}
    empty = local_date(slot.first_empty_at, tz, t)
    key = "next.runway.empty" if slot.weeks_queued <= 0 else "next.runway.short" if slot.short else "next.runway.line"
    return t(key, **values, date=empty)


def weeks_label(weeks: float, t: Translator) -> str:
    """`4 weeks`, `1 week`, `1.5 weeks`, `no weeks`."""
    if weeks <= 0:
        return t("next.runway.no_weeks")
    if weeks == int(weeks):
        return t.plural("next.runway.weeks", int(weeks))
    return t("next.runway.weeks.other", count=t.number(weeks, places=1))


def _slot_name(slot: SlotRunway, t: Translator, tz: ZoneInfo) -> str:
    """A slot as a creator knows it: the weekday and time it fires (`Mon 09:00`)."""
    fire = slot.queued[0].at if slot.queued else slot.first_empty_at
    if fire is None:
        return slot.cron
    local = fire.astimezone(tz)
    return t("next.runway.slot", weekday=t.weekday(local), time=f"{local:%H:%M}")


def _queue_buttons(t: Translator) -> tuple[Button, ...]:
    return (
        Button(t("drops.queue.add_button"), action_id=NEW_ACTION, style="primary"),
        Button(t("drops.queue.show_button"), action_id=QUEUE_ACTION),
    )


def drop_queue(queue: DropQueue, t: Translator, tz: ZoneInfo) -> OutboundMessage:
    """The creator's queue: per slot, its drops with their dates and the first empty one; then drops
    with a time of their own, and drops waiting for a slot of their kind."""
    header = t("drops.queue.header")
    blocks: list[Block] = [Header(header)]
    for slot in queue.slots:
        title = t(
            _queue_slot_key(slot),
            kind=kind_label(slot.kind, t),
            slot=_slot_name(slot, t, tz),
            weeks=weeks_label(slot.weeks_queued, t),
        )
        lines = [_queue_line(q.item, q.at, t, tz) for q in slot.queued[:QUEUE_SHOWN]]
        if len(slot.queued) > QUEUE_SHOWN:
            lines.append(t("drops.queue.more", count=len(slot.queued) - QUEUE_SHOWN))
        if slot.first_empty_at is not None:
            lines.append(t("drops.queue.first_empty", when=local_time(slot.first_empty_at, tz, t)))
        blocks.append(Section("\n".join([title, *lines])))
    if queue.own_time:
        lines = [_queue_line(i, i.publish_at, t, tz, kind=True) for i in queue.own_time if i.publish_at]
        blocks.append(Section("\n".join([t("drops.queue.own_time"), *lines])))
    if queue.waiting:
        lines = [
            t("drops.queue.waiting_line", title=i.title, kind=kind_label(i.kind, t), slug=i.slug) for i in queue.waiting
        ]
        blocks.append(Section("\n".join([t.plural("drops.queue.waiting", len(queue.waiting)), *lines])))
    if len(blocks) == 1:
        blocks.append(Section(t("drops.queue.empty")))
    blocks += [Context(t("drops.queue.hint")), Buttons(_queue_buttons(t)[:1])]
    return OutboundMessage(text=header, blocks=tuple(blocks))


def _queue_slot_key(slot: SlotRunway) -> str:
    if slot.weeks_queued <= 0:
        return "drops.queue.slot_empty"
    return "drops.queue.slot_short" if slot.short else "drops.queue.slot"


def _queue_line(item: ContentPiece, when: datetime, t: Translator, tz: ZoneInfo, *, kind: bool = False) -> str:
    if kind:
        return t(
            "drops.queue.line",
            when=local_time(when, tz, t),
            kind=kind_label(item.kind, t),
            title=item.title,
            slug=item.slug,
        )
    return t("drops.queue.item", when=local_time(when, tz, t), title=item.title, slug=item.slug)


def runway_low(notice: RunwayLow, t: Translator, tz: ZoneInfo) -> OutboundMessage:
    """To the creator, 14, 7 and 2 days ahead: a slot's first firing with nothing to send, and how to fill it."""
    kind = kind_label(notice.kind, t)
    when = local_time(notice.first_empty_at, tz, t)
    days = t("runway.today") if notice.days_left == 0 else t.plural("runway.in_days", notice.days_left)
    header = t("runway.low.header", kind=kind, days=days)
    values = {"kind": kind, "when": when, "days": days, "weeks": weeks_label(notice.weeks_queued, t)}
    weeks = notice.weeks_queued
    if weeks <= 0:
        body = t("runway.low.body_empty", **values)
    elif weeks == int(weeks):  # "Only 1 week … is queued", "Only 3 weeks … are queued"
        body = t.plural("runway.low.body", int(weeks), **values)
    else:  # 1.5 weeks
        body = t("runway.low.body.other", count=t.number(weeks, places=1), **values)
    blocks: list[Block] = [
        Header(header),
        Section(body),
        Section(t("runway.low.fill", kind_key=notice.kind)),
        Buttons(_queue_buttons(t)),
    ]
    return OutboundMessage(text=f"{header}\n{body}", blocks=tuple(blocks))


def edit_form(item: ContentPiece, t: Translator) -> Form:
    """The creator's `/drop edit SLUG` form, filled in with the drop as it is."""
    return Form(
        form_id=EDIT_FORM_ID,
        title=t("drops.form.edit_title"),
        submit_label=t("drops.form.save"),
        fields=(
            FormField("slug", t("drops.form.slug"), initial=item.slug),
            FormField("title", t("drops.form.field_title"), initial=item.title, max_length=DROP_TITLE),
            FormField("teaser", t("drops.form.teaser"), required=False, initial=item.teaser, max_length=DROP_TEASER),
            FormField("url", t("drops.form.url"), required=False, initial=item.url or "", max_length=DROP_URL),
            FormField("levels", t("drops.form.levels"), required=False, initial=",".join(map(str, item.levels))),
            FormField("topics", t("drops.form.topics"), required=False, initial=", ".join(item.topics)),
        ),
        essential=("slug", "title", "teaser", "url", "levels"),  # topics left out stay as they are
    )


def add_form(t: Translator, kinds: Sequence[str]) -> Form:
    """The creator's `/drop add` form."""
    return Form(
        form_id=ADD_FORM_ID,
        title=t("drops.form.title"),
        submit_label=t("drops.form.submit"),
        fields=(
            FormField("title", t("drops.form.field_title"), max_length=DROP_TITLE),
            FormField(
                "kind",
                t("drops.form.kind"),
                kind="select",
                options=tuple(Option(t(f"common.kinds.{k}"), k) for k in kinds),
            ),
            FormField("levels", t("drops.form.levels"), required=False),
            FormField("topics", t("drops.form.topics"), required=False),
            FormField("teaser", t("drops.form.teaser"), required=False, max_length=DROP_TEASER),
            FormField("url", t("drops.form.url"), required=False, max_length=DROP_URL),
            FormField("body", t("drops.form.body"), kind="multiline", required=False),
        ),
        essential=("title", "kind", "levels", "url", "body"),  # teaser and topics: `/drop edit SLUG` later
    )


def _library_line(item: ContentPiece, t: Translator) -> str:
    return t("library.line", kind=kind_label(item.kind, t), title=item.title, levels=levels_label(item.levels, t))


def _excerpt(body: str, limit: int = 280) -> str:
    text = " ".join(body.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


VIEWS: dict[type[Notice], Callable[..., OutboundMessage]] = {
    DropPublished: drop_published,
    WeeklyDigest: weekly_digest,
    RunwayLow: runway_low,
}
