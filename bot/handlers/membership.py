"""Arrivals, departures, /join and /leave."""

from __future__ import annotations

from bot.events import MemberJoined, MemberLeft
from bot.handlers.billing import join as start_membership
from bot.handlers.billing import stripe_call
from bot.router import Context, Router
from bot.views import membership as views


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


async def leave(ctx: Context) -> None:
    """`/leave`: a membership by hand is ended after a confirmation; a subscription in the billing portal."""
    billing = ctx.services.billing
    how = await billing.how_to_leave(ctx.member.id)
    if how == "none":
        waiting = await billing.leave_waitlist(ctx.member.id)
        await ctx.say("membership.leave.waitlist" if waiting else "membership.leave.none")
    elif how == "stripe":
        await ctx.reply(views.leave_in_portal(await stripe_call(billing.portal(ctx.member.id)), ctx.t))
    else:
        await ctx.reply(views.leave_confirmation(ctx.services.community.name, ctx.t))


async def leave_confirmed(ctx: Context) -> None:
    left = await ctx.services.billing.leave(ctx.member.id)
    await ctx.say("membership.leave.done" if left else "membership.leave.none")


async def stay(ctx: Context) -> None:
    """The "Keep it" button: glad they stay, unless the membership is over already (the other button first)."""
    gone = await ctx.services.billing.how_to_leave(ctx.member.id) == "none"
    await ctx.say("membership.leave.none" if gone else "membership.leave.staying")


def register(router: Router) -> None:
    router.on(MemberJoined)(member_joined)
    router.on(MemberLeft)(member_left)
    router.command("join", help_key="help.commands.join")(join)
    router.command("leave", help_key="help.commands.leave")(leave)
    router.action(views.LEAVE)(leave_confirmed)
    router.action(views.STAY)(stay)
