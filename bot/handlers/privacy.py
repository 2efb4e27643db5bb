"""/my-data and /forget-me for members; /privacy export|forget MEMBER_ID for the creator, on request."""

from __future__ import annotations

from bot.router import Context, Router
from bot.services.errors import UserError
from bot.services.parsing import record_id
from bot.views import privacy as views


async def my_data(ctx: Context) -> None:
    """The export goes to the member's DMs through the outbox: a file, never in a channel."""
    await ctx.services.privacy.send_export(ctx.member.id, locale=ctx.event.user.locale)
    await ctx.say("privacy.export_sent")


async def forget_me(ctx: Context) -> None:
    """The confirmation says what happens to billing: a running subscription is cancelled at Stripe."""
    billing = await ctx.services.privacy.billing_footprint(ctx.member.id)
    await ctx.reply(
        views.confirm_forget(ctx.member.id, paying=billing.paying, member=bool(billing.memberships), t=ctx.t)
    )


async def confirmed(ctx: Context) -> None:
    action = ctx.action
    if action is None or action.arg != str(ctx.member.id):
        raise UserError("errors.stale_button")  # only the member themself can confirm their own erasure
    touched = await ctx.services.privacy.forget(ctx.member.id)
    if touched.get("already_erased"):
        await ctx.say("privacy.already_forgotten")
        return
    await ctx.say("privacy.forgotten_cancelled" if touched.get("subscriptions_cancelled") else "privacy.forgotten")


async def kept(ctx: Context) -> None:
    await ctx.say("privacy.kept")


async def creator_privacy(ctx: Context) -> None:
    verb, _, ref = ctx.args.strip().partition(" ")
    if verb not in ("export", "forget"):
        raise UserError("privacy.usage")
    member_id = record_id(ref, "privacy.usage")
    if verb == "export":
        data = await ctx.services.privacy.export(member_id)
        await ctx.reply(views.export_for_creator(member_id, data, ctx.t))
    else:
        if member_id == ctx.member.id:
            raise UserError("privacy.not_yourself")
        await ctx.services.privacy.export(member_id)  # raises for an unknown member
        billing = await ctx.services.privacy.billing_footprint(member_id)
        name = (await ctx.services.onboarding.profile(member_id)).name
        await ctx.reply(views.confirm_forget_member(member_id, name, paying=billing.paying, t=ctx.t))


async def creator_confirmed(ctx: Context) -> None:
    """The creator's "Erase" under `/privacy forget ID` (a typo in the id would erase someone else)."""
    member_id = record_id((ctx.action.arg if ctx.action else None) or "", "errors.stale_button")
    if member_id == ctx.member.id:
        raise UserError("privacy.not_yourself")
    touched = await ctx.services.privacy.forget(member_id)
    if touched.get("already_erased"):
        key = "privacy.already_forgotten_by_creator"
    elif touched.get("subscriptions_cancelled"):
        key = "privacy.forgotten_by_creator_cancelled"
    else:
        key = "privacy.forgotten_by_creator"
    await ctx.say(key, id=member_id)


def register(router: Router) -> None:
    router.command("my-data", help_key="help.commands.my_data")(my_data)
    router.command("forget-me", help_key="help.commands.forget_me")(forget_me)
    router.command("privacy", role="creator", help_key="help.commands.privacy")(creator_privacy)
    router.action("privacy.forget")(confirmed)
    router.action(views.FORGET_MEMBER, role="creator")(creator_confirmed)
    router.action("privacy.keep")(kept)
