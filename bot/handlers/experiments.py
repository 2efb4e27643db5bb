"""`/stats experiments` (every experiment's figures and verdict), `/stats experiments end KEY VARIANT`, and
the winner's button that makes its copy everyone's (the creator's alone)."""

from __future__ import annotations

from bot.notices.experiments import END_ACTION
from bot.router import Context, Router
from bot.services.errors import UserError
from bot.views import charts
from bot.views import experiments as views

CREATOR_ONLY = "analytics.errors.creator_only"


async def show(ctx: Context, words: list[str]) -> None:
    """`words`: what follows `/stats experiments`."""
    if not words:
        found = await ctx.services.experiments.results()
        png = await charts.experiments_png(found, views.chart_labels(charts.words_for(ctx.t)))
        await ctx.reply(views.results(found, png, ctx.t, ctx.services.community.tz))
    elif words[0] == "end" and len(words) == 3:
        await _end(ctx, words[1], words[2])
    else:
        await ctx.reply(views.usage(ctx.t))


async def end_clicked(ctx: Context) -> None:
    key, _, variant = (ctx.action.arg or "").partition(":") if ctx.action else ("", "", "")
    if not key or not variant:
        raise UserError("errors.stale_button")
    await _end(ctx, key, variant)


async def _end(ctx: Context, key: str, variant: str) -> None:
    result = await ctx.services.experiments.end(key, variant)
    await ctx.reply(views.ended(result, ctx.t))


def register(router: Router) -> None:
    router.action(END_ACTION, role="creator", refusal=CREATOR_ONLY)(end_clicked)
