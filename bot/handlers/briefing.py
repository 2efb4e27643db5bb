"""`/briefing`: the creator's week at a glance, on demand (the weekly DM is bot.jobs.briefing), and its buttons."""

from __future__ import annotations

from bot.handlers.analytics import members_at_risk, overview
from bot.router import Context, Router
from bot.services.errors import UserError
from bot.views import briefing as views

CREATOR_ONLY = "briefing.errors.creator_only"
STATS_DAYS = 7  # the figures the briefing shows


async def briefing(ctx: Context) -> None:
    if ctx.args.strip():  # `/briefing 5`: it has no window to choose; /stats has
        raise UserError("briefing.errors.args")
    found = await ctx.services.briefing.build()
    await ctx.reply(views.briefing(found, ctx.services.community.tz, ctx.t))


async def stats_clicked(ctx: Context) -> None:
    """ "All the figures": `/stats 7`, the week the briefing is about."""
    await overview(ctx, STATS_DAYS)


async def at_risk_clicked(ctx: Context) -> None:
    await members_at_risk(ctx)


def register(router: Router) -> None:
    router.command("briefing", role="creator", help_key="briefing.help")(briefing)
    # a briefing could be forwarded: its buttons are the creator's alone
    router.action(views.STATS, role="creator", refusal=CREATOR_ONLY)(stats_clicked)
    router.action(views.AT_RISK, role="creator", refusal=CREATOR_ONLY)(at_risk_clicked)
