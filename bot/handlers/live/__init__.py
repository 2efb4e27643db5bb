"""/live: schedule live Q&A sessions (once, or weekly: `series`), RSVP, ask in advance, check in,
and share recordings; `parse` reads what was typed.

One command with subcommands (`/live ask ...`) because Slack exposes `/live` to every member;
creator and moderator subcommands check the role here, their buttons and forms where they
are registered (the router checks it); both refuse politely.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Awaitable, Callable
from datetime import datetime

from bot.events import FormSubmitted
from bot.handlers.examples import example_date
from bot.handlers.live import parse, series
from bot.i18n import Translator
from bot.messages import Attachment
from bot.router import Context, Router
from bot.services.community import outranks
from bot.services.errors import UserError
from bot.services.live import CalendarEntry, SessionDraft, ics
from bot.services.live.rules import clock_change, ends_at, reminders_ahead
from bot.views import live as views
from bot.views.common import local_time

Subcommand = Callable[[Context, str], Awaitable[None]]
Handler = Callable[[Context], Awaitable[None]]

DATED_EXAMPLES = frozenset(
    f"live.errors.{name}" for name in ("need_when", "no_title", "bad_date", "move_usage", "skip_usage")
)


def _require(ctx: Context, role: str, sub: str) -> None:
    if not outranks(ctx.member.role, role):
        key = "live.errors.creator_only" if role == "creator" else "live.errors.staff_only"
        raise UserError(key, sub=sub, creator=ctx.services.community.creator_name)


# -- subcommands ------------------------------------------------------------------------


async def show_list(ctx: Context, _: str = "") -> None:
    rows = await ctx.services.live.upcoming(ctx.member.id)
    # With no session to RSVP to, the weekly live sessions the drops bring are still coming (`/next` lists them).
    drops = [] if rows else [d for d in await ctx.services.content.upcoming(limit=12) if d.kind == "live"][:3]
    staff = outranks(ctx.member.role, "moderator")
    member = staff or await ctx.services.live.may_take_part(ctx.member.id)
    await ctx.reply(views.upcoming_list(rows, ctx.t, ctx.zone, staff=staff, live_drops=drops, member=member))


async def show_usage(ctx: Context, _: str = "") -> None:
    role = ctx.member.role
    staff, creator = outranks(role, "moderator"), outranks(role, "creator")
    await ctx.reply(views.usage(ctx.t, staff=staff, creator=creator, date=example_date(ctx)))


async def schedule(ctx: Context, args: str) -> None:
    if parse.is_series(args):
        await series.schedule_series(ctx, args)
        return
    if not args:
        form = views.schedule_form(ctx.t, ctx.services.community.config.community.timezone, example_date(ctx))
        if not await ctx.open_form(form):
            await ctx.say("live.errors.need_when", date=example_date(ctx))
        return
    await _schedule(ctx, parse.split_schedule(args))


async def _schedule(ctx: Context, draft: SessionDraft) -> None:
    live = await ctx.services.live.schedule(draft)
    ahead = reminders_ahead(live.starts_at, ctx.services.clock.now())
    change = clock_change(draft, live.starts_at, ctx.services.community.tz)  # 02:30 on the night summer time starts
    clash = await ctx.services.live.overlapping(live)
    reply = views.scheduled_reply(
        live, ctx.t, ctx.zone, ctx.services.live.channel, ahead, clock_change=change, typed=draft.time, clash=clash
    )
    await ctx.reply(reply)


async def schedule_form(ctx: Context) -> None:
    event = ctx.event
    assert isinstance(event, FormSubmitted)
    values = {name: str(value or "") for name, value in event.values.items()}
    fields = ("title", "date", "time", "zone", "duration", "link", "description")
    draft = SessionDraft(**{name: values.get(name, "") for name in fields})
    await _schedule(ctx, draft)


async def move(ctx: Context, args: str) -> None:
    parts = args.split()
    if len(parts) < 3:
        raise UserError("live.errors.move_usage")
    day, clock, rest = parse.when(parts[1:])
    options = parse.options(rest, ("zone", "duration"))
    live, old = await ctx.services.live.move(
        parse.session_id(parts[0]), day, clock, options["zone"], options["duration"]
    )
    await ctx.say("live.moved.reply", **parse.values(ctx, live), old=local_time(old, ctx.zone, ctx.t))


async def cancel(ctx: Context, args: str) -> None:
    live, told = await ctx.services.live.cancel(parse.session_id(args))
    await ctx.say("live.canceled.reply", title=live.title, id=live.id, told=ctx.t.plural("live.count.members", told))


async def ask(ctx: Context, args: str) -> None:
    first, _, rest = args.strip().partition(" ")
    session_id = None
    numbered = parse.signed_number(first)  # "-1" too: a number that names no session, not a word
    if not any(c.isalpha() for c in args):  # "/live ask 1", "/live ask ?": a number or a mark is no question
        raise UserError("live.errors.no_question")
    if numbered is not None and rest.strip():
        # `#3` always names a session; a bare `3` names an open one, else it may be a session that is
        # over or never was, or the first word of "3 ways to...": no guess, nothing sent, both ways shown.
        coming = [row.session for row in await ctx.services.live.upcoming(limit=20)]
        if first.startswith("#") or numbered in {live.id for live in coming}:
            if numbered < 1:  # `#0`, `#-1`: no session has that number (0 would mean "the next one")
                raise UserError("live.errors.not_found", id=numbered)
            session_id, args = numbered, rest
        elif coming and await ctx.services.live.may_take_part(ctx.member.id):
            nxt = coming[0]
            when = local_time(nxt.starts_at, ctx.zone, ctx.t)
            raise UserError("live.errors.ask_which", id=numbered, next=nxt.id, title=nxt.title, when=when)
    live, number = await ctx.services.live.ask(ctx.member.id, args, session_id)
    await ctx.say("live.asked", number=number, **parse.values(ctx, live))


async def questions(ctx: Context, args: str) -> None:
    live, asked = await ctx.services.live.questions(parse.session_id(args) if args.strip() else None)
    await ctx.reply(views.questions_list(live, asked, ctx.t, ctx.zone))


async def attend(ctx: Context, args: str) -> None:
    first, _, rest = args.strip().partition(" ")
    session_id = parse.session_id(first)
    refs = rest.split()
    if refs:
        user = ctx.event.user
        member_ids = await ctx.services.live.find_members(user.platform, user.workspace_id, refs)
        live, newly = await ctx.services.live.mark_attended(session_id, member_ids)
        await ctx.say("live.attendance.marked", title=live.title, marked=ctx.t.plural("live.count.members", newly))
    live, rows = await ctx.services.live.attendance(session_id)
    await ctx.reply(views.attendance_list(live, rows, ctx.t, ctx.zone))


async def recording(ctx: Context, args: str) -> None:
    first, _, rest = args.strip().partition(" ")
    url, _, description = rest.strip().partition(" ")
    result = await ctx.services.live.add_recording(parse.session_id(first), url, description)
    key = "live.recording.replaced" if result.replaced else "live.recording.reply"
    if result.replaced and not result.attendees + result.missed:
        key = "live.recording.replaced_all_had"  # not "0 members and 0 members more got it"
    await ctx.say(
        key,
        title=result.session.title,
        attendees=ctx.t.plural("live.count.members", result.attendees),
        missed=ctx.t.plural("live.count.members", result.missed),
    )


async def rsvp_command(ctx: Context, args: str) -> None:
    await _rsvp(ctx, parse.session_id(args))


SUBCOMMANDS: dict[str, tuple[str, Subcommand]] = {
    "list": ("member", show_list),
    "help": ("member", show_usage),
    "rsvp": ("member", rsvp_command),
    "ask": ("member", ask),
    "questions": ("moderator", questions),
    "attend": ("moderator", attend),
    "schedule": ("creator", schedule),
    "move": ("creator", move),
    "cancel": ("creator", cancel),
    "recording": ("creator", recording),
    "series": ("creator", series.series),
    "skip": ("creator", series.skip),
}


async def live(ctx: Context) -> None:
    sub, _, rest = ctx.args.strip().partition(" ")
    if not sub:
        await show_list(ctx)
        return
    entry = SUBCOMMANDS.get(sub.lower())
    if entry is None:
        raise UserError("live.errors.unknown_sub", sub=sub)
    role, handler = entry
    _require(ctx, role, sub.lower())
    await handler(ctx, rest.strip())


# -- buttons ------------------------------------------------------------------------------


async def _rsvp(ctx: Context, session_id: int) -> None:
    live, new = await ctx.services.live.rsvp(session_id, ctx.member.id)
    now = ctx.services.clock.now()
    ahead = reminders_ahead(live.starts_at, now)
    running = live.starts_at <= now  # the service only lets an RSVP through until the session ends
    await ctx.reply(views.rsvp_reply(live, ctx.t, ctx.zone, new=new, ahead=ahead, running=running))


async def rsvp_button(ctx: Context) -> None:
    await _rsvp(ctx, parse.action_id(ctx))


async def unrsvp_button(ctx: Context) -> None:
    live = await ctx.services.live.unrsvp(parse.action_id(ctx), ctx.member.id)
    await ctx.say("live.rsvp.removed", **parse.values(ctx, live))


async def here_button(ctx: Context) -> None:
    live, new = await ctx.services.live.check_in(parse.action_id(ctx), ctx.member.id)
    await ctx.reply(views.here_reply(live, ctx.t, new=new))


async def calendar_button(ctx: Context) -> None:
    """The .ics file (Slack puts files in their DMs; Discord sends it with the answer), then web calendar links."""
    event = _calendar_event(ctx, await ctx.services.live.calendar_entry(parse.action_id(ctx), ctx.member.id))
    slug = re.sub(r"[^a-z0-9]+", "-", event.summary.lower()).strip("-")[:40] or "live-session"
    file = Attachment(f"{slug}.ics", ics.to_ics(event), "text/calendar")
    await ctx.reply(views.calendar_file(event.summary, file, ctx.t))
    google, outlook = ics.google_calendar_url(event), ics.outlook_calendar_url(event)
    await ctx.reply(views.calendar_links(ctx.t, google=google, outlook=outlook))


async def mark_button(ctx: Context) -> None:
    session_part, _, member_part = ((ctx.action.arg if ctx.action else None) or "").partition("-")
    live, _ = await ctx.services.live.mark_attended(parse.session_id(session_part), [parse.session_id(member_part)])
    live, rows = await ctx.services.live.attendance(live.id)
    await ctx.reply(views.attendance_list(live, rows, ctx.t, ctx.zone))


def _calendar_event(ctx: Context, entry: CalendarEntry) -> ics.CalendarEvent:
    """The entry as a calendar event, worded in the community's language (it is the same file for everyone)."""
    community = ctx.services.community
    summary, description = views.calendar_wording(entry.session, community.name, _community_t(ctx))
    live = entry.session
    return ics.CalendarEvent(
        uid=entry.uid,
        start=live.starts_at,
        end=ends_at(live.starts_at, live.duration_min),
        summary=summary,
        description=description,
        url=live.link,
        sequence=entry.sequence,
        canceled=entry.canceled,
        stamp=entry.stamp,
    )


def _community_t(ctx: Context) -> Translator:
    return ctx.services.catalog.for_locale(ctx.services.community.locale)


def _times_worded(handler: Handler) -> Handler:
    """The service names a time in an error as an instant; say it in the community's zone and language.
    An error whose example names a date gets one ahead (`example_date`)."""

    @functools.wraps(handler)
    async def run(ctx: Context) -> None:
        try:
            await handler(ctx)
        except UserError as exc:
            dated = exc.key in DATED_EXAMPLES
            if not dated and not any(isinstance(value, datetime) for value in exc.values.values()):
                raise
            t, tz = _community_t(ctx), ctx.services.community.tz
            values = {k: local_time(v, tz, t) if isinstance(v, datetime) else v for k, v in exc.values.items()}
            if dated:
                values["date"] = example_date(ctx)
            raise UserError(exc.key, **values) from None

    return run


def register(router: Router) -> None:
    router.command("live", help_key="help.commands.live")(_times_worded(live))
    router.form(views.SCHEDULE_FORM, role="creator", command="live schedule", refusal="live.errors.creator_only")(
        _times_worded(schedule_form)
    )
    router.action("qa.rsvp")(_times_worded(rsvp_button))
    router.action("qa.unrsvp")(_times_worded(unrsvp_button))
    router.action("qa.here")(_times_worded(here_button))
    router.action("qa.ics")(_times_worded(calendar_button))
    router.action("qa.mark", role="moderator", command="live attend", refusal="live.errors.staff_only")(
        _times_worded(mark_button)
    )
