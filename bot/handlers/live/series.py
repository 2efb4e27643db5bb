"""`/live schedule every ...`, `/live series [cancel ID]` and `/live skip ID|DATE`: weekly live series."""

from __future__ import annotations

from bot.handlers.live.parse import split_series, values
from bot.router import Context
from bot.services.errors import UserError
from bot.services.live.series_rules import has_live_slot
from bot.views.live import series as views


async def schedule_series(ctx: Context, args: str) -> None:
    found = await ctx.services.live.schedule_series(split_series(args))
    config = ctx.services.community.config
    by_slot = has_live_slot(config.drops.slots)  # the "live" drop slot posts each occurrence
    channel = config.channels.drops if by_slot else ctx.services.live.channel
    await ctx.reply(views.created_reply(found, ctx.t, ctx.zone, channel=channel, by_slot=by_slot))


async def series(ctx: Context, args: str) -> None:
    sub, _, rest = args.strip().partition(" ")
    if sub.lower() in ("", "list"):
        rows = await ctx.services.live.series()
        await ctx.reply(views.series_list(rows, ctx.t, ctx.zone))
        return
    if sub.lower() not in ("cancel", "stop") or not rest.strip():
        raise UserError("live.errors.series_cancel_usage")
    found, canceled, told = await ctx.services.live.cancel_series(rest)
    await ctx.say(
        "live.series.canceled",
        id=found.id,
        title=found.title,
        canceled=ctx.t.plural("live.count.sessions", canceled),
        told=ctx.t.plural("live.count.members", told),
    )


async def skip(ctx: Context, args: str) -> None:
    live, told = await ctx.services.live.skip(args)
    await ctx.say("live.series.skipped", **values(ctx, live), told=ctx.t.plural("live.count.members", told))
