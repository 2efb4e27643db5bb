"""Content in chat: the library and what's next for members, and /drop, the creator's queue."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime
from urllib.parse import unquote_plus

from bot.community.schema import CONTENT_KINDS
from bot.events import FormSubmitted
from bot.handlers.examples import example_date
from bot.notices.content import ContentPiece
from bot.router import Context, Router
from bot.services.content.editing import EDITABLE, parse_change_args, parse_changes
from bot.services.content.library import page_of, parse_query, respell, search, whole_page
from bot.services.content.queue import parse_new_drop
from bot.services.errors import UserError
from bot.services.registry import Services
from bot.views import content as views
from bot.views import live as live_views
from bot.views.common import local_time

QUEUE_ROLE = "creator"
_DATE_FIRST = re.compile(r"^\d{4}-\d{2}-\d{2}(T|$)")  # a date where the slug should be


# -- the library and what's next (members) -----------------------------------------------------


async def library(ctx: Context) -> None:
    await _library_page(ctx, ctx.args.strip())


async def library_page(ctx: Context) -> None:
    """A newer/older button: `library.page:2` or `library.page:2~hot+seats`."""
    arg = ctx.action.arg if ctx.action is not None else None
    number, _, query = (arg or "1").partition("~")
    await _library_page(ctx, unquote_plus(query), page=whole_page(number) if number.isdigit() else 1)


async def _library_page(ctx: Context, text: str, page: int | None = None) -> None:
    query = parse_query(text)
    items = await ctx.services.content.library()
    hits, typed = search(items, query), ""
    # Respelling compares each unknown word with the library's vocabulary: up to ~0.3 s for 500 long items.
    if (
        not hits
        and (respelled := await asyncio.to_thread(respell, items, query))
        and (hits := search(items, respelled))
    ):
        query, typed = respelled, query.describe()  # the pages' buttons carry the respelled search
    found = page_of(hits, page or query.page)
    described = query.describe() if items else ""  # an empty library says so, whatever was searched
    view = views.LibraryView(found.items, found.page, found.pages, found.total, described, typed)
    await ctx.reply(views.library_list(view, ctx.t))


async def open_item(ctx: Context) -> None:
    arg = ctx.action.arg if ctx.action is not None else None
    if arg is None or not arg.isdigit():
        raise UserError("library.not_found")
    item = await ctx.services.content.open_item(int(arg), ctx.member.id)
    await ctx.services.membership.touch(ctx.member.id, "library_open", f"content:{item.id}")
    await ctx.reply(views.item_detail(item, ctx.t))


async def next_up(ctx: Context) -> None:
    """What's coming up; the creator also sees each slot's runway, a member with nothing scheduled
    the library's best picks for their level."""
    content, tz = ctx.services.content, ctx.zone
    upcoming = await content.upcoming()
    if ctx.member.role == "creator":
        message = views.next_for_creator(upcoming, await content.runway(), ctx.t, tz)
    else:
        picks = [] if upcoming else await content.best_picks(ctx.member.level)
        message = views.next_for_member(upcoming, picks, ctx.t, tz)
    live = await ctx.services.live.next_session()
    await ctx.reply(live_views.with_next_session(message, live, ctx.t, tz))


# -- /drop: the creator's queue (queue, add, edit, unschedule, remove, schedule, publish-now) ----


async def drop(ctx: Context) -> None:
    sub, _, rest = ctx.args.strip().partition(" ")
    sub, rest = sub.lower(), rest.strip()
    content, tz = ctx.services.content, ctx.services.community.tz
    if sub in ("", "list", "queue"):
        await show_queue(ctx)
    elif sub == "add":
        await open_add_form(ctx)
    elif sub == "edit":
        await edit(ctx, rest)
    elif sub == "unschedule":
        await unschedule(ctx, rest)
    elif sub in ("remove", "delete"):
        await remove(ctx, rest)
    elif sub == "schedule":
        ref, _, when_text = rest.partition(" ")
        words = rest.split()
        if len(words) >= 2 and _DATE_FIRST.match(words[0]):  # `/drop schedule 2026-12-01 09:00 SLUG`: either order
            ref, when_text = words[-1], " ".join(words[:-1])
        if not ref or not when_text:
            raise UserError("drops.errors.usage")
        when = parse_local(when_text, ctx)
        item = await content.reschedule(ref, when)
        await ctx.say("drops.added.rescheduled", title=item.title, when=local_time(when, tz, ctx.t))
    elif sub in ("publish-now", "publish"):
        if not rest:
            raise UserError("drops.errors.usage")
        item = await content.publish_now(rest)
        await ctx.say("drops.added.published", title=item.title)
    else:
        raise UserError("drops.errors.usage")


async def show_queue(ctx: Context) -> None:
    await ctx.reply(views.drop_queue(await ctx.services.content.queue(), ctx.t, ctx.services.community.tz))


async def open_add_form(ctx: Context) -> None:
    if not await ctx.open_form(views.add_form(ctx.t, CONTENT_KINDS)):
        raise UserError("drops.errors.usage")


async def edit(ctx: Context, rest: str) -> None:
    """`/drop edit SLUG` opens the form filled in; `/drop edit SLUG title=… | levels=…` changes at once."""
    ref, _, changes = rest.partition(" ")
    if not ref:
        raise UserError("drops.errors.edit_usage", fields=", ".join(EDITABLE))
    if changes.strip():
        await _edited(ctx, ref, *await ctx.services.content.edit(ref, parse_change_args(changes)))
        return
    item = await ctx.services.content.find(ref)
    if not await ctx.open_form(views.edit_form(item, ctx.t)):
        raise UserError("drops.errors.edit_usage", fields=", ".join(EDITABLE))


async def submit_edit(ctx: Context) -> None:
    event = ctx.event
    assert isinstance(event, FormSubmitted)
    values = {name: value for name, value in event.values.items() if name != "slug"}
    ref = event.values.get("slug", "")
    await _edited(ctx, ref, *await ctx.services.content.edit(ref, parse_changes(values)))


async def _edited(ctx: Context, ref: str, item: ContentPiece, from_file: bool) -> None:
    text = ctx.t("drops.added.edited_published" if item.published_at else "drops.added.edited", title=item.title)
    if from_file:
        text += "\n" + ctx.t("drops.added.file_note", slug=item.slug)
    await ctx.reply(text)


async def unschedule(ctx: Context, ref: str) -> None:
    item, moved = await ctx.services.content.unschedule(ref)
    values = {"title": item.title, "kind": ctx.t(f"common.kinds.{item.kind}"), "slug": item.slug}
    if item.publish_at is None:
        await ctx.say("drops.added.back_waiting", **values)
        return
    when = local_time(item.publish_at, ctx.services.community.tz, ctx.t)
    await ctx.say("drops.added.back_in_queue" if moved else "drops.added.back_last", **values, when=when)


async def remove(ctx: Context, ref: str) -> None:
    item, from_file = await ctx.services.content.remove(ref)
    text = ctx.t("drops.added.removed", title=item.title, kind=ctx.t(f"common.kinds.{item.kind}"))
    if from_file:
        text += "\n" + ctx.t("drops.added.removed_file", slug=item.slug)
    await ctx.reply(text)


def parse_local(text: str, ctx: Context) -> datetime:
    """`2026-12-07 09:00` in the community's time zone, as an instant (in UTC): a time skipped by a
    DST change moves forward, as `/live schedule`'s does, and is not shown as a time that never was."""
    try:
        naive = datetime.strptime(" ".join(text.split()), "%Y-%m-%d %H:%M")
    except ValueError:
        raise UserError("drops.errors.when", date=example_date(ctx)) from None
    local = naive.replace(tzinfo=ctx.services.community.tz)
    try:
        return local.astimezone(UTC)
    except OverflowError:  # 0001-01-01 00:00 is before year 1 in UTC: the range check refuses it as it is
        return local


async def submit_add(ctx: Context) -> None:
    event = ctx.event
    assert isinstance(event, FormSubmitted)
    item = await ctx.services.content.add(parse_new_drop(dict(event.values)))
    if item.publish_at is None:
        await ctx.say("drops.added.unscheduled", title=item.title, slug=item.slug)
    else:
        when = local_time(item.publish_at, ctx.services.community.tz, ctx.t)
        await ctx.say("drops.added.scheduled", title=item.title, when=when)


async def library_topics(services: Services, current: str) -> list[str]:
    """Autocomplete for /library on Discord: the topics of published content."""
    topics = sorted({topic for item in await services.content.library() for topic in item.topics})
    return [f"topic:{topic}" for topic in topics if current.lower() in topic.lower()]


def register(router: Router) -> None:
    router.command("library", help_key="help.commands.library")(library)
    router.command("next", help_key="help.commands.next")(next_up)
    router.action("library.browse")(library)
    router.action(views.PAGE_ACTION)(library_page)
    router.action("library.open")(open_item)
    router.action("content.next")(next_up)
    router.command("drop", role=QUEUE_ROLE, help_key="help.commands.drop")(drop)
    router.action(views.NEW_ACTION, role=QUEUE_ROLE, command="drop")(open_add_form)
    router.action(views.QUEUE_ACTION, role=QUEUE_ROLE, command="drop")(show_queue)
    router.form(views.ADD_FORM_ID, role=QUEUE_ROLE, command="drop")(submit_add)
    router.form(views.EDIT_FORM_ID, role=QUEUE_ROLE, command="drop")(submit_edit)
