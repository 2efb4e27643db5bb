"""The intake (a form, or a guided prompt on the console) and /start."""

from __future__ import annotations

from bot.events import FormSubmitted
from bot.notices.onboarding import INTAKE_FORM_ID
from bot.router import Context, Router
from bot.services.intake import parse_answers
from bot.views import onboarding as views


async def open_intake(ctx: Context) -> None:
    form = views.intake_form(ctx.t, ctx.services.community.config.community.timezone)
    if not await ctx.open_form(form):
        await ctx.say("onboarding.intake.no_forms")


async def submit_intake(ctx: Context) -> None:
    event = ctx.event
    assert isinstance(event, FormSubmitted)
    answers = parse_answers(dict(event.values))
    path = await ctx.services.onboarding.save_intake(ctx.member.id, answers)
    await ctx.reply(views.intake_thanks(ctx.t, answers.level))
    await ctx.reply(views.start_path(path, ctx.t, ctx.services.community.tz))


async def start(ctx: Context) -> None:
    """Show the start-here path; before the intake, ask the questions first."""
    if ctx.member.level is None:
        await open_intake(ctx)
        return
    path = await ctx.services.onboarding.start_path(ctx.member.level)
    await ctx.reply(views.start_path(path, ctx.t, ctx.services.community.tz))


def register(router: Router) -> None:
    router.command("start", help_key="help.commands.start")(start)
    router.action("onboard.intake")(open_intake)
    router.form(INTAKE_FORM_ID)(submit_intake)
