"""The library and what's next, for members."""

from __future__ import annotations

from bot.router import Context, Router
from bot.services.errors import UserError
from bot.services.library import parse_query, search
from bot.views import drops as views
from bot.views import live as live_views

PAGE = 10


async def library(ctx: Context) -> None:
    query = parse_query(ctx.args.strip())
    items = search(await ctx.services.content.library(), query)
    await ctx.reply(views.library_list(items[:PAGE], ctx.t, query=query.describe(), total=len(items)))


async def open_item(ctx: Context) -> None:
    action = ctx.action
    if action is None or not (action.arg or "").isdigit():
        raise UserError("library.not_found")
    item = await ctx.services.content.open_item(int(action.arg))  # type: ignore[arg-type]
    await ctx.services.membership.touch(ctx.member.id, "library_open", f"content:{item.id}")
    await ctx.reply(views.item_detail(item, ctx.t))


async def next_up(ctx: Context) -> None:
    upcoming = await ctx.services.content.upcoming()
    message = views.upcoming_list(upcoming, ctx.t, ctx.services.community.tz)
    live = await ctx.services.live.next_session()
    await ctx.reply(live_views.with_next_session(message, live, ctx.t, ctx.services.community.tz))


def register(router: Router) -> None:
    router.command("library", help_key="help.commands.library")(library)
    router.command("next", help_key="help.commands.next")(next_up)
    router.action("library.browse")(library)
    router.action("library.open")(open_item)
    router.action("content.next")(next_up)
