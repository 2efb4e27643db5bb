"""The library and what's next, for members."""

from __future__ import annotations

from bot.router import Context, Router
from bot.services.errors import UserError
from bot.views import drops as views


async def library(ctx: Context) -> None:
    query = ctx.args.strip()
    items = await ctx.services.content.library()
    if query:
        words = query.lower().split()
        items = [i for i in items if all(w in f"{i.title} {i.teaser} {' '.join(i.topics)} {i.kind}".lower() for w in words)]
    await ctx.reply(views.library_list(items[:10], ctx.t, query=query))


async def open_item(ctx: Context) -> None:
    action = ctx.action
    item_id = int(action.arg) if action and action.arg and action.arg.isdigit() else None
    items = {i.id: i for i in await ctx.services.content.library()}
    if item_id not in items:
        raise UserError("library.not_found")
    await ctx.reply(views.item_detail(items[item_id], ctx.t))


async def next_up(ctx: Context) -> None:
    upcoming = await ctx.services.content.upcoming()
    await ctx.reply(views.upcoming_list(upcoming, ctx.t, ctx.services.community.tz))


def register(router: Router) -> None:
    router.command("library", help_key="help.commands.library")(library)
    router.command("next", help_key="help.commands.next")(next_up)
    router.action("library.browse")(library)
    router.action("library.open")(open_item)
    router.action("content.next")(next_up)
