"""/my-data and /forget-me for members; /privacy export|forget MEMBER_ID for the creator, on request."""

from __future__ import annotations

from bot.messages import Attachment, Button, Buttons, OutboundMessage, Section
from bot.router import Context, Router
from bot.services.audience import dm_target
from bot.services.billing.wire import BillingUnavailable
from bot.services.errors import UserError
from bot.services.parsing import record_id
from storage.repositories import members


async def my_data(ctx: Context) -> None:
    """The export goes to the member's DMs through the outbox: a file, never in a channel."""
    await _send_export(ctx, ctx.member.id)
    await ctx.say("privacy.export_sent")


async def forget_me(ctx: Context) -> None:
    """The confirmation says what happens to billing: a running subscription is cancelled at Stripe."""
    billing = await ctx.services.privacy.billing_footprint(ctx.member.id)
    if billing.paying:
        text = ctx.t("privacy.confirm_subscription")
    else:
        text = ctx.t("privacy.confirm_membership" if billing.memberships else "privacy.confirm")
    await ctx.reply(
        OutboundMessage(
            text=text,
            blocks=(
                Section(text),
                Buttons(
                    (
                        Button(ctx.t("privacy.confirm_yes"), action_id=f"privacy.forget:{ctx.member.id}", style="danger"),
                        Button(ctx.t("privacy.confirm_no"), action_id="privacy.keep"),
                    )
                ),
            ),
        )
    )


async def confirmed(ctx: Context) -> None:
    action = ctx.action
    if action is None or action.arg != str(ctx.member.id):
        raise UserError("errors.stale_button")  # only the member themself can confirm their own erasure
    try:
        touched = await ctx.services.privacy.forget(ctx.member.id)
    except BillingUnavailable:
        await ctx.say("privacy.forgotten_stripe_pending")
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
        await ctx.reply(OutboundMessage(text=ctx.t("privacy.export_for_creator", id=member_id), attachment=Attachment(f"member-{member_id}.json", data, "application/json")))
    else:
        if member_id == ctx.member.id:
            raise UserError("privacy.not_yourself")
        await ctx.services.privacy.export(member_id)  # raises for an unknown member
        touched = await ctx.services.privacy.forget(member_id)
        cancelled = touched.get("subscriptions_cancelled")
        await ctx.say("privacy.forgotten_by_creator_cancelled" if cancelled else "privacy.forgotten_by_creator", id=member_id)


async def _send_export(ctx: Context, member_id: int) -> None:
    services = ctx.services
    data = await services.privacy.export(member_id)
    now = services.clock.now()
    async with services.database.session() as session:
        member = await members.get(session, member_id)
        target = dm_target(member, services.presence) if member else None
        if target is None:
            raise UserError("privacy.no_dm")
        message = OutboundMessage(text=ctx.t("privacy.export_file"), attachment=Attachment("my-data.json", data, "application/json"))
        await services.outbox.enqueue(session, f"privacy:export:member:{member_id}:{now.isoformat()}", target, message, member_id=member_id)


def register(router: Router) -> None:
    router.command("my-data", help_key="help.commands.my_data")(my_data)
    router.command("forget-me", help_key="help.commands.forget_me")(forget_me)
    router.command("privacy", role="creator", help_key="help.commands.privacy")(creator_privacy)
    router.action("privacy.forget")(confirmed)
    router.action("privacy.keep")(kept)
