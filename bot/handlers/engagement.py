"""Engagement for members (stop or restart check-ins) and creators (`/members inactive|at-risk`)."""

from __future__ import annotations

from bot.handlers.analytics import members_at_risk
from bot.router import Context, Router
from bot.services.parsing import MAX_DAYS, number
from bot.views import engagement as views


async def nudges_off(ctx: Context) -> None:
    await ctx.services.engagement.set_nudges(ctx.member.id, False)
    await ctx.reply(views.nudges_changed(False, ctx.t))


async def nudges_on(ctx: Context) -> None:
    await ctx.services.engagement.set_nudges(ctx.member.id, True)
    await ctx.reply(views.nudges_changed(True, ctx.t))


async def members(ctx: Context) -> None:
    """`/members inactive [days]` (who has gone quiet, at least the policy's first step by default);
    `/members at-risk` is the analytics view of who may leave."""
    words = ctx.args.lower().split()
    if words == ["at-risk"]:
        await members_at_risk(ctx)
        return
    if not words or words[0] != "inactive" or len(words) > 2:  # "inactive -5" or "inactive abc": the range message
        await ctx.reply(views.members_usage(ctx.t))
        return
    nudges = ctx.services.engagement.nudges
    min_days = (
        number(words[1], 1, MAX_DAYS, "engagement.quiet.days")
        if len(words) == 2
        else min((s.day for s in nudges.policy.stages), default=14)
    )
    total, quiet = await nudges.quiet_members(min_days)
    await ctx.reply(views.quiet_report(total, quiet, min_days=min_days, zone=ctx.services.community.tz, t=ctx.t))


def register(router: Router) -> None:
    router.action(views.STOP)(nudges_off)
    router.action(views.RESTART)(nudges_on)
    router.command("members", role="creator", help_key="help.commands.members")(members)
