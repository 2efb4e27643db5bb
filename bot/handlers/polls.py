"""/poll: ask with buttons (moderators and the creator), vote, see results, close."""

from __future__ import annotations

from bot.events import FormSubmitted
from bot.handlers.button_ids import action_id
from bot.router import Context, Router
from bot.services.errors import UserError
from bot.services.parsing import record_id
from bot.services.polls import PollRequest, parse_line, parse_poll
from bot.views import polls as views

ROLE = "moderator"


async def poll(ctx: Context) -> None:
    args = ctx.args.strip()
    word, _, rest = args.partition(" ")
    if not args:
        if not await ctx.open_form(views.create_form(ctx.t)):
            await ctx.say("poll.errors.usage")
    elif word.lower() in ("results", "close") and "|" not in args:
        poll_id = _optional_id(rest, word.lower())
        if word.lower() == "close":
            results = await ctx.services.polls.close(poll_id)
            await ctx.say("poll.closed", id=results.poll_id)
        else:
            results = await ctx.services.polls.results(poll_id, ctx.member.id)
        await ctx.reply(views.results(results, ctx.t))
    else:
        await _create(ctx, parse_line(args))


async def submit_form(ctx: Context) -> None:
    event = ctx.event
    assert isinstance(event, FormSubmitted)
    await _create(ctx, parse_poll(event.values.get("question", ""), form_options(event.values.get("options", ""))))


def form_options(text: str) -> list[str]:
    """The form's options: one per line, or on one line separated by `|` as `/poll` takes them (the
    console asks a line at a time, and a hurried creator types them in one line anywhere)."""
    lines = [line for line in text.splitlines() if line.strip()]
    return lines[0].split("|") if len(lines) == 1 else lines


async def vote(ctx: Context) -> None:
    arg = ctx.action.arg if ctx.action else None
    poll_id, _, option = (arg or "").partition(":")
    if not (poll_id.isdigit() and option.isdigit()):
        raise UserError("errors.stale_button")
    results = await ctx.services.polls.vote(int(poll_id), ctx.member.id, int(option))
    await ctx.reply(views.results(results, ctx.t, voted=True))


async def results(ctx: Context) -> None:
    found = await ctx.services.polls.results(action_id(ctx), ctx.member.id)
    await ctx.reply(views.results(found, ctx.t))


async def _create(ctx: Context, request: PollRequest) -> None:
    posted = await ctx.services.polls.create(ctx.member.id, request, ctx.event.channel)
    await ctx.reply(views.created(posted.poll_id, [t.channel or "" for t in posted.targets], ctx.t))


def _optional_id(text: str, sub: str) -> int | None:
    """The poll number after `/poll results` or `/poll close` (`sub`, which the error's example repeats)."""
    text = text.strip().lstrip("#")
    if not text:
        return None
    return record_id(text, "poll.errors.id", id=text[:40], sub=sub)


def register(router: Router) -> None:
    router.command("poll", role=ROLE, help_key="help.commands.poll")(poll)
    router.form(views.FORM_ID, role=ROLE, command="poll")(submit_form)
    router.action("poll.vote")(vote)
    router.action("poll.results")(results)
