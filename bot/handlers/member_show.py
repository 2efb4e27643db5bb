"""`/member show @user` (or their member number): what the creator knows of one member, their
membership and their intake answers.

`/member` itself is registered by the billing handlers (add, remove, list), which hand `show` here;
it lives apart from bot.handlers.membership, which imports the billing handlers for /join.
"""

from __future__ import annotations

from bot.router import Context
from bot.views import membership as views


async def show_member(ctx: Context, ref: str) -> None:
    """`ref`: the member number this reply prints (`2` or `#2`), or a mention, a user id or a display
    name, as `/member add` takes them."""
    user = ctx.event.user
    target = await ctx.services.billing.find_member(user.platform, user.workspace_id, ref, numbered=True)
    found = await ctx.services.onboarding.profile(target.id)
    await ctx.reply(views.profile(found, ctx.services.community.tz, ctx.t))
