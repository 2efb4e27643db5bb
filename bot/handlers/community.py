"""/feedback for members (and its list for the creator), /invite codes, and the /ambassadors board."""

from __future__ import annotations

from bot.events import FormSubmitted
from bot.handlers.creator_tools import require_role
from bot.router import Context, Router
from bot.views import community as views


async def feedback(ctx: Context) -> None:
    text = ctx.args.strip()
    if text.lower() == "list":
        await feedback_list(ctx)
    elif not text:
        if not await ctx.open_form(views.feedback_form(ctx.t)):
            await ctx.say("feedback.errors.usage")
    else:
        await _submit(ctx, text)


async def submit_form(ctx: Context) -> None:
    event = ctx.event
    assert isinstance(event, FormSubmitted)
    await _submit(ctx, event.values.get("text", ""))


async def feedback_list(ctx: Context) -> None:
    require_role(ctx, "creator", "feedback list")
    service = ctx.services.feedback
    entries = await service.recent()
    await ctx.reply(views.feedback_list(entries, await service.count(), ctx.t, ctx.services.community.tz))


async def invite(ctx: Context) -> None:
    referrals = ctx.services.referrals
    code = await referrals.code_for(ctx.member.id)
    credited, pending = await referrals.stats(ctx.member.id)
    await ctx.reply(views.invite(code, credited, pending, ctx.t, community=ctx.services.community.name))


async def ambassadors(ctx: Context) -> None:
    await ctx.reply(views.leaderboard(await ctx.services.referrals.leaderboard(), ctx.t))


async def _submit(ctx: Context, text: str) -> None:
    await ctx.services.feedback.submit(ctx.member, text)
    await ctx.say("feedback.thanks", creator=ctx.services.community.creator_name)


def register(router: Router) -> None:
    router.command("feedback", help_key="help.commands.feedback")(feedback)
    router.command("invite", help_key="help.commands.invite")(invite)
    router.command("ambassadors", role="creator", help_key="help.commands.ambassadors")(ambassadors)
    router.form(views.FEEDBACK_FORM_ID)(submit_form)
    router.action("feedback.list")(feedback_list)
