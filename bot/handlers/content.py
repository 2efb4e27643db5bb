"""Content in chat: the library and what's next for members, and /drop, the creator's queue."""

from __future__ import annotations

from datetime import datetime

from bot.community.schema import CONTENT_KINDS
from bot.events import FormSubmitted
from bot.router import Context, Router
from bot.services.content.library import parse_query, search
from bot.services.content.queue import parse_new_drop
from bot.services.errors import UserError
from bot.views import content as views
from bot.views import live as live_views
from bot.views.common import local_time

PAGE = 10
QUEUE_ROLE = "creator"


# -- the library and what's next (members) -----------------------------------------------------


async def library(ctx: Context) -> None:
    query = parse_query(ctx.args.strip())
    items = search(await ctx.services.content.library(), query)
    await ctx.reply(views.library_list(items[:PAGE], ctx.t, query=query.describe(), total=len(items)))


async def open_item(ctx: Context) -> None:
    arg = ctx.action.arg if ctx.action is not None else None
    if arg is None or not arg.isdigit():
        raise UserError("library.not_found")
    item = await ctx.services.content.open_item(int(arg))
    await ctx.services.membership.touch(ctx.member.id, "library_open", f"content:{item.id}")
    await ctx.reply(views.item_detail(item, ctx.t))


async def next_up(ctx: Context) -> None:
    upcoming = await ctx.services.content.upcoming()
    message = views.upcoming_list(upcoming, ctx.t, ctx.services.community.tz)
    live = await ctx.services.live.next_session()
    await ctx.reply(live_views.with_next_session(message, live, ctx.t, ctx.services.community.tz))


# -- /drop: the creator's queue (list, add, schedule, publish-now) ------------------------------


async def drop(ctx: Context) -> None:
    sub, _, rest = ctx.args.strip().partition(" ")
    sub = sub.lower()
    content, tz = ctx.services.content, ctx.services.community.tz
    if sub in ("", "list"):
        scheduled, waiting = await content.queue()
        await ctx.reply(views.drop_queue(scheduled, waiting, ctx.t, tz))
    elif sub == "add":
        if not await ctx.open_form(views.add_form(ctx.t, CONTENT_KINDS)):
            raise UserError("drops.errors.usage")
    elif sub == "schedule":
        ref, _, when_text = rest.strip().partition(" ")
        if not ref or not when_text:
            raise UserError("drops.errors.usage")
        when = parse_local(when_text, ctx)
        item = await content.reschedule(ref, when)
        await ctx.say("drops.added.rescheduled", title=item.title, when=local_time(when, tz, ctx.t))
    elif sub in ("publish-now", "publish"):
        if not rest.strip():
            raise UserError("drops.errors.usage")
        item = await content.publish_now(rest.strip())
        await ctx.say("drops.added.published", title=item.title)
    else:
        raise UserError("drops.errors.usage")


def parse_local(text: str, ctx: Context) -> datetime:
    """`2026-12-07 09:00` in the community's time zone."""
    try:
        naive = datetime.strptime(" ".join(text.split()), "%Y-%m-%d %H:%M")
    except ValueError:
        raise UserError("drops.errors.when") from None
    return naive.replace(tzinfo=ctx.services.community.tz)


async def submit_add(ctx: Context) -> None:
    event = ctx.event
    assert isinstance(event, FormSubmitted)
    item = await ctx.services.content.add(parse_new_drop(dict(event.values)))
    if item.publish_at is None:
        await ctx.say("drops.added.unscheduled", title=item.title, slug=item.slug)
    else:
        when = local_time(item.publish_at, ctx.services.community.tz, ctx.t)
        await ctx.say("drops.added.scheduled", title=item.title, when=when)


def register(router: Router) -> None:
    router.command("library", help_key="help.commands.library")(library)
    router.command("next", help_key="help.commands.next")(next_up)
    router.action("library.browse")(library)
    router.action("library.open")(open_item)
    router.action("content.next")(next_up)
    router.command("drop", role=QUEUE_ROLE, help_key="help.commands.drop")(drop)
    router.form(views.ADD_FORM_ID, role=QUEUE_ROLE, command="drop")(submit_add)
