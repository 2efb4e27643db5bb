"""The creator's analytics in chat: `/stats`, `/stats cohorts`, `/stats forecast`, and `/members at-risk`
with a button to send a personal note (`/members` itself is registered by the engagement handlers)."""

from __future__ import annotations

from bot.events import FormSubmitted
from bot.handlers.experiments import show as show_experiments
from bot.router import Context, Router
from bot.services.analytics import MAX_COHORT_MONTHS, MAX_FORECAST_MONTHS
from bot.services.errors import UserError
from bot.services.parsing import MAX_DAYS, record_id, whole
from bot.views import analytics as views
from bot.views import charts

DEFAULT_COHORT_MONTHS = 12
DEFAULT_FORECAST_MONTHS = 6
CREATOR_ONLY = "analytics.errors.creator_only"


def _count(word: str | None, default: int, most: int, error: str) -> int:
    if word is None:
        return default
    found = whole(word, 1, most)
    if found is None:
        raise UserError(error, max=most)
    return found


async def stats(ctx: Context) -> None:
    """`/stats [days]`, `/stats cohorts [months]`, `/stats forecast [months]`, `/stats experiments`."""
    words = ctx.args.lower().split()
    sub = words[0] if words else ""
    rest = words[1] if len(words) > 1 else None
    if sub == "cohorts":
        await _cohorts(ctx, _count(rest, DEFAULT_COHORT_MONTHS, MAX_COHORT_MONTHS, "analytics.errors.months"))
    elif sub == "forecast":
        await _forecast(ctx, _count(rest, DEFAULT_FORECAST_MONTHS, MAX_FORECAST_MONTHS, "analytics.errors.months"))
    elif sub == "experiments":
        await show_experiments(ctx, words[1:])
    elif sub == "" or sub.lstrip("-+−").isdigit():  # "-5" is a wrong number of days, not an unknown word
        await overview(ctx, _count(sub or None, 30, MAX_DAYS, "analytics.errors.days"))
    else:
        await ctx.reply(views.usage(ctx.t))


async def overview(ctx: Context, days: int) -> None:
    services = ctx.services
    community = services.community
    snapshot = await services.analytics.snapshot(days)
    labels = views.chart_labels(community.name, snapshot.membership.currency, days, charts.words_for(ctx.t))
    png = await charts.dashboard_png(snapshot, labels)
    await ctx.reply(views.stats(snapshot, community.name, community.tz, png, ctx.t))


async def _cohorts(ctx: Context, months: int) -> None:
    community = ctx.services.community
    matrix = await ctx.services.analytics.cohorts(months)
    shown = [views.month_label(m, community.tz) for m in matrix.months]
    png = None
    if any(matrix.sizes):
        words = charts.words_for(ctx.t)
        labels = views.chart_labels(community.name, "usd", 30, words)
        png = await charts.cohort_png(matrix, labels, views.month_names(shown, words))
    await ctx.reply(views.cohorts(matrix, views.month_names(shown, ctx.t), community.name, png, ctx.t))


async def _forecast(ctx: Context, months: int) -> None:
    community = ctx.services.community
    plan = await ctx.services.analytics.forecast(months)
    ahead = views.months_from(plan.start, community.tz, len(plan.months))
    words = charts.words_for(ctx.t)
    labels = views.chart_labels(community.name, plan.currency, 30, words)
    png = await charts.forecast_png(plan.months, labels, views.month_names(ahead, words))
    await ctx.reply(views.forecast(plan, views.month_names(ahead, ctx.t), community.name, png, ctx.t))


async def members_at_risk(ctx: Context) -> None:
    """`/members at-risk`: reached through `/members` (bot.handlers.engagement)."""
    risks = await ctx.services.analytics.at_risk()
    await ctx.reply(views.at_risk(risks, ctx.t))


async def note_clicked(ctx: Context) -> None:
    action = ctx.action
    if action is None or not (action.arg or "").isdigit():
        raise UserError("errors.stale_button")
    member_id = int(action.arg or 0)
    name = await ctx.services.analytics.member_name(member_id)
    if not await ctx.open_form(views.note_form(member_id, name, ctx.t)):
        await ctx.reply(views.no_forms(name, ctx.t))


async def note_submitted(ctx: Context) -> None:
    event = ctx.event
    assert isinstance(event, FormSubmitted)
    raw = str(event.values.get("member_id") or "").strip()
    member_id = record_id(raw, "analytics.errors.no_member")
    name, delivered = await ctx.services.analytics.send_note(member_id, str(event.values.get("note") or ""))
    await ctx.reply(views.note_result(name, delivered, ctx.t))


def register(router: Router) -> None:
    router.command("stats", role="creator", help_key="help.commands.stats")(stats)
    # the at-risk list could be forwarded: its button and form are the creator's alone
    router.action(views.NOTE, role="creator", refusal=CREATOR_ONLY)(note_clicked)
    router.form(views.NOTE, role="creator", refusal=CREATOR_ONLY)(note_submitted)
