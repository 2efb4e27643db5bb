"""Arrivals, departures and /join."""

from __future__ import annotations

from bot.events import MemberJoined, MemberLeft
from bot.router import Context, Router


async def member_joined(ctx: Context) -> None:
    event = ctx.event
    assert isinstance(event, MemberJoined)
    if event.pending:
        return  # Discord membership screening: the welcome waits until they pass it
    await ctx.services.membership.joined(event.user)


async def member_left(ctx: Context) -> None:
    await ctx.services.membership.left(ctx.event.user)


async def join(ctx: Context) -> None:
    """Without billing configured, /join simply activates the membership."""
    await ctx.services.membership.activate(ctx.member.id)
    await ctx.say("membership.joined", community=ctx.services.community.name)


def register(router: Router) -> None:
    router.on(MemberJoined)(member_joined)
    router.on(MemberLeft)(member_left)
    router.command("join", help_key="help.commands.join")(join)
