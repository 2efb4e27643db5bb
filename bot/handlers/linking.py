"""/link: one person on Slack and Discord. `/link` shows a code; `/link CODE` on the other platform joins them."""

from __future__ import annotations

from bot.router import Context, Router
from bot.services.linking import CODE_LIFETIME


async def link(ctx: Context) -> None:
    code = ctx.args.strip()
    if not code:
        new_code = await ctx.services.linking.start(ctx.member.id)
        await ctx.say("linking.code", code=new_code, minutes=int(CODE_LIFETIME.total_seconds() // 60))
        return
    platforms = await ctx.services.linking.redeem(ctx.member.id, code)
    await ctx.say("linking.linked", platforms=" + ".join(sorted(p.title() for p in platforms)))


def register(router: Router) -> None:
    router.command("link", help_key="help.commands.link")(link)
