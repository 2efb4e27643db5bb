"""Arrivals, departures and /join."""

from __future__ import annotations

from bot.events import MemberJoined, MemberLeft
from bot.handlers.billing import join as start_membership
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
    """With Stripe, a checkout link; without, the membership starts at once. Closed doors or a full
    seat cap put the member on the waitlist either way (bot.handlers.billing)."""
    await start_membership(ctx)
    await ctx.services.onboarding.welcome_new_members()  # joined at once: greet them now, not at the next scan


def register(router: Router) -> None:
    router.on(MemberJoined)(member_joined)
    router.on(MemberLeft)(member_left)
    router.command("join", help_key="help.commands.join")(join)
