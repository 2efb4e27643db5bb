"""/invite codes for members, and the /ambassadors board for the creator."""

from __future__ import annotations

from bot.router import Context, Router
from bot.views import referrals as views


async def invite(ctx: Context) -> None:
    card = await ctx.services.referrals.invite(ctx.member.id)
    await ctx.reply(views.invite(card, ctx.t, community=ctx.services.community.name))


async def ambassadors(ctx: Context) -> None:
    await ctx.reply(views.leaderboard(await ctx.services.referrals.leaderboard(), ctx.t))


def register(router: Router) -> None:
    router.command("invite", help_key="help.commands.invite")(invite)
    router.command("ambassadors", role="creator", help_key="help.commands.ambassadors")(ambassadors)
