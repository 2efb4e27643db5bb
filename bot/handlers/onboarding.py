"""The intake (a form, or a guided prompt on the console) and /start."""

from __future__ import annotations

from collections.abc import Mapping

from bot.events import FormSubmitted
from bot.notices.onboarding import INTAKE_FORM_ID
from bot.router import Context, Router
from bot.services.errors import UserError
from bot.services.intake import IntakeAnswers, parse_answers, without_zone
from bot.services.timing import member_zone
from bot.views import onboarding as views


async def open_intake(ctx: Context) -> None:
    form = views.intake_form(ctx.t, _zone_kept(ctx))
    if not await ctx.open_form(form):
        await ctx.say("onboarding.intake.no_forms")


async def submit_intake(ctx: Context) -> None:
    event = ctx.event
    assert isinstance(event, FormSubmitted)
    values = dict(event.values)
    try:
        answers = parse_answers(values)
    except UserError as exc:
        kept = await _turned_down(ctx, values, exc)
        if kept is None:
            return
        answers = kept
    path = await ctx.services.onboarding.save_intake(ctx.member.id, answers)
    await ctx.reply(views.intake_thanks(ctx.t, answers.level))
    zone = member_zone(answers.timezone, ctx.zone)  # the zone just answered, else the one they had
    await ctx.reply(views.start_path(path, ctx.t, zone))


async def _turned_down(ctx: Context, values: Mapping[str, str], error: UserError) -> IntakeAnswers | None:
    """One answer was wrong: say which question, and ask just that one again with the others kept.

    Where the form cannot open again (a Slack or Discord modal is answered with a message), a
    time zone it does not know, the one optional answer, is left out instead: the other answers
    are returned to be saved and the member's zone stays. Any other wrong answer saves nothing.
    """
    name = str(error.values.get("field", ""))
    tz = _zone_kept(ctx)
    if name and await ctx.open_form(views.intake_form(ctx.t, tz, kept=values, again=name)):
        await ctx.say(error.key, **{**error.values, "field": views.intake_question(ctx.t, name)})
        return None
    if name == "timezone":
        answers = without_zone(values)  # every other answer was checked before the zone
        await ctx.say("onboarding.errors.timezone_kept", zone=error.values["zone"], kept=tz)
        return answers
    await ctx.say(error.key, **{**error.values, "field": views.intake_question(ctx.t, name)})
    return None


def _zone_kept(ctx: Context) -> str:
    """The zone an empty time-zone answer keeps: the member's own, else the community's."""
    return ctx.member.timezone or ctx.services.community.config.community.timezone


async def start(ctx: Context) -> None:
    """Show the start-here path; before the intake, ask the questions first."""
    if ctx.member.level is None:
        await open_intake(ctx)
        return
    path = await ctx.services.onboarding.start_path(ctx.member.level)
    await ctx.reply(views.start_path(path, ctx.t, ctx.zone))


def register(router: Router) -> None:
    router.command("start", help_key="help.commands.start")(start)
    router.action("onboard.intake")(open_intake)
    router.form(INTAKE_FORM_ID)(submit_intake)
