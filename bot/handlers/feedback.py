"""/feedback for members, and its list for the creator."""

from __future__ import annotations

from bot.events import FormSubmitted
from bot.router import Context, Router
from bot.services.community import outranks
from bot.services.errors import UserError
from bot.views import feedback as views

LIST_ROLE = "creator"  # what members write to the creator is the creator's to read


async def feedback(ctx: Context) -> None:
    text = ctx.args.strip()
    first = text.split(maxsplit=1)[0].lower() if text else ""
    if text.lower() == "list" or (first == "list" and outranks(ctx.member.role, LIST_ROLE)):
        if not outranks(ctx.member.role, LIST_ROLE):  # /feedback is every member's; its list is not
            raise UserError("errors.not_allowed", command="feedback list")
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
    service = ctx.services.feedback
    entries = await service.recent()
    await ctx.reply(views.feedback_list(entries, await service.count(), ctx.t, ctx.services.community.tz))


async def _submit(ctx: Context, text: str) -> None:
    await ctx.services.feedback.submit(ctx.member, text)
    await ctx.say("feedback.thanks", creator=ctx.services.community.creator_name)


def register(router: Router) -> None:
    router.command("feedback", help_key="help.commands.feedback")(feedback)
    router.form(views.FORM_ID)(submit_form)
    router.action(views.LIST_ACTION, role=LIST_ROLE, command="feedback list")(feedback_list)
