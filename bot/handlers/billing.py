"""/join with Stripe or the waitlist, /billing, /doors, /member, the exit survey, and the Stripe webhook route."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from aiohttp import web

from bot.clock import Clock, SystemClock
from bot.events import FormSubmitted
from bot.handlers.examples import dated_examples, example_date
from bot.handlers.member_show import show_member
from bot.log_throttle import ThrottledLog
from bot.router import Context, Router
from bot.services.billing import windows
from bot.services.billing.manual import MemberRef
from bot.services.billing.plans import by_key, offered
from bot.services.billing.service import JoinResult
from bot.services.billing.webhooks import WebhookInbox
from bot.services.billing.wire import BillingUnavailable, WebhookRejected
from bot.services.errors import UserError
from bot.services.parsing import whole
from bot.views import billing as views
from bot.web import WebServer

log = logging.getLogger(__name__)

T = TypeVar("T")
CREATOR = "creator"
DOORS_EXAMPLES = frozenset({"billing.errors.doors_usage", "billing.errors.until"})  # `until {date} 18:00`


async def stripe_call(call: Awaitable[T]) -> T:
    """A Stripe outage becomes a friendly "try again", not an internal error."""
    try:
        return await call
    except BillingUnavailable:
        raise UserError("billing.errors.billing_down") from None


async def join(ctx: Context) -> None:
    """`/join [plan] [referral code]`, in either order: a checkout link, a plan choice, the waitlist, or
    (without Stripe) in at once. Any word that is not a plan's key is the code. Someone who is a member
    already is told so whatever follows `/join` (an unknown code or plan is beside the point)."""
    await ctx.services.billing.may_join(ctx.member)
    words = ctx.args.split()
    plan = next((w.lower() for w in words if by_key(ctx.services.community.config, w.lower())), None)
    rest = [w for w in words if w.lower() != plan]
    code = " ".join(rest)
    if code and plan is None and ctx.services.billing.paid and not await ctx.services.referrals.knows(code):
        await _unknown_word(ctx, rest)
    if code:
        await ctx.services.referrals.redeem(code, ctx.member.id)
    result = await stripe_call(ctx.services.billing.join(ctx.member, plan))
    if result.kind == "joined" and plan is not None and (tiers := _other_tier(ctx, plan)) is not None:
        # Without Stripe /join gives the default tier; the plan's own tier is the creator's to give.
        given, asked = tiers
        community = ctx.services.community
        await ctx.say(
            "membership.joined_default_tier",
            community=community.name,
            tier=given,
            asked=asked,
            creator=community.creator_name,
        )
        return
    await _answer_join(ctx, result)


def _other_tier(ctx: Context, plan_key: str) -> tuple[str, str] | None:
    """(the tier /join gave, the plan's tier) by name, when they differ."""
    config = ctx.services.community.config
    plan = by_key(config, plan_key)
    default = next((t for t in config.tiers if t.default), config.tiers[0] if config.tiers else None)
    asked = next((t for t in config.tiers if plan is not None and t.key == plan.tier), None)
    return None if default is None or asked is None or asked.key == default.key else (default.name, asked.name)


async def _unknown_word(ctx: Context, words: list[str]) -> None:
    """`/join` with a word that is neither a plan nor an invite code, with Stripe on: a mistyped plan
    ("weekly") is as likely as a mistyped code, so the error names both (and the plans)."""
    known = [w for w in words if await ctx.services.referrals.knows(w)]
    if known:  # `/join weekly K7M2QX`: the code is fine, the plan is not
        raise UserError("billing.errors.unknown_plan", plan=" ".join(w for w in words if w not in known)[:40])
    plans = [p.key for p in offered(ctx.services.community.config, founding=False)]
    if plans:
        raise UserError("billing.errors.plan_or_code", word=" ".join(words)[:40], plans=ctx.t.list(plans))


async def _answer_join(ctx: Context, result: JoinResult) -> None:
    if result.kind == "joined":
        await ctx.say("membership.joined", community=ctx.services.community.name)
    elif result.kind in ("waitlist", "full"):
        await ctx.reply(views.waitlisted(result.position, full=result.kind == "full", t=ctx.t))
    elif result.kind == "choose":
        await ctx.reply(views.plan_choices(result.choices, ctx.t))
    else:
        assert result.plan is not None and result.url is not None
        await ctx.reply(views.checkout_link(result.plan, result.url, ctx.t))


async def join_clicked(ctx: Context) -> None:
    await _answer_join(ctx, await stripe_call(ctx.services.billing.join(ctx.member)))


async def checkout_clicked(ctx: Context) -> None:
    plan = ctx.action.arg if ctx.action else None
    if not plan:
        raise UserError("errors.stale_button")
    await _answer_join(ctx, await stripe_call(ctx.services.billing.join(ctx.member, plan)))


async def billing_page(ctx: Context) -> None:
    url = await stripe_call(ctx.services.billing.portal(ctx.member.id))
    await ctx.reply(views.portal_link(url, ctx.t))


async def doors(ctx: Context) -> None:
    """`/doors`, `/doors open [founding] [until DATE [HH:MM]]`, `/doors close`, `/doors cap N|off`."""
    words = ctx.args.lower().split()
    billing = ctx.services.billing
    verb = words[0] if words else ""
    if verb == "open":
        founding = words[1:2] == ["founding"]
        rest = words[2:] if founding else words[1:]
        if rest and (rest[0] != "until" or not 2 <= len(rest) <= 3):
            raise UserError("billing.errors.doors_usage")
        community = ctx.services.community
        closes = windows.until(" ".join(rest[1:]), community.tz, ctx.services.clock.now()) if rest else None
        invited = await billing.open_doors(founding=founding, until=closes)
        key = "billing.doors.opened_founding" if founding else "billing.doors.opened"
        await ctx.reply(views.doors_opened_reply(key, invited, closes, community.tz, ctx.t))
    elif verb == "close" and len(words) == 1:
        await billing.close_doors()
        await ctx.say("billing.doors.closed")
    elif verb == "cap" and len(words) == 2:
        if words[1] in ("off", "none"):
            invited = await billing.set_seat_cap(None)
            await ctx.say("billing.doors.cap_off", invited=invited)
            return
        if whole(words[1]) is None:  # ASCII digits, within an INTEGER; the service checks the range
            raise UserError("billing.errors.cap", max=100_000)
        invited = await billing.set_seat_cap(int(words[1]))
        await ctx.say("billing.doors.cap_set", cap=int(words[1]), invited=invited)
    elif not words:
        status = await billing.doors_status()
        await ctx.reply(views.doors_status(status, ctx.services.community.tz, ctx.t, example_date(ctx)))
    else:
        raise UserError("billing.errors.doors_usage")


async def member(ctx: Context) -> None:
    """`/member add @user [tier] [comped|trial DAYS]`, `/member remove @user`, `/member list`."""
    words = ctx.args.split()
    billing = ctx.services.billing
    verb = words[0].lower() if words else "list"
    if verb in ("add", "remove") and len(words) >= 2:
        target, rest = await _named_member(ctx, words[1:])
        if verb == "add":
            status = await billing.member_add(target.id, rest)
            await ctx.say(
                "billing.member.added_trial" if status == "trialing" else "billing.member.added_comped",
                name=target.name,
            )
        else:
            if rest:
                raise UserError("billing.errors.member_usage")
            await billing.member_remove(target.id)
            await ctx.say("billing.member.removed", name=target.name)
    elif verb == "show" and len(words) >= 2:  # what the creator knows of them (bot.handlers.member_show)
        await show_member(ctx, " ".join(words[1:]))
    elif verb == "list" and len(words) == 1:
        await ctx.reply(views.member_list(await billing.member_rows(), ctx.services.community.tz, ctx.t))
    else:
        raise UserError("billing.errors.member_usage")


async def _named_member(ctx: Context, words: list[str]) -> tuple[MemberRef, list[str]]:
    """The member the first words name (a mention, or a display name of several words: "Maya
    Lindqvist trial 3"), longest name first, and the words after it."""
    user, billing = ctx.event.user, ctx.services.billing
    for end in range(len(words), 0, -1):
        try:
            return await billing.find_member(user.platform, user.workspace_id, " ".join(words[:end])), words[end:]
        except UserError:
            if end == 1:
                raise
    raise UserError("billing.errors.member_usage")  # no words: the caller passes at least one


async def exit_reason(ctx: Context) -> None:
    reason = ctx.action.arg if ctx.action else None
    if not reason:
        raise UserError("errors.stale_button")
    await ctx.services.billing.exit_answer(ctx.member.id, reason)
    await ctx.say("billing.exit.thanks")


async def exit_form(ctx: Context) -> None:
    if not await ctx.open_form(views.exit_form(ctx.t)):
        await ctx.reply(views.exit_buttons(ctx.t))


async def exit_submitted(ctx: Context) -> None:
    event = ctx.event
    assert isinstance(event, FormSubmitted)
    await ctx.services.billing.exit_answer(
        ctx.member.id, event.values.get("reason") or "", event.values.get("comment", "")
    )
    await ctx.say("billing.exit.thanks")


def register(router: Router) -> None:
    router.command("billing", help_key="help.commands.billing")(billing_page)
    router.command("doors", role=CREATOR, help_key="help.commands.doors")(dated_examples(DOORS_EXAMPLES)(doors))
    router.command("member", role=CREATOR, help_key="help.commands.member")(member)
    router.action(views.PORTAL)(billing_page)
    router.action(views.JOIN)(join_clicked)
    router.action(views.CHECKOUT)(checkout_clicked)
    router.action(views.EXIT)(exit_reason)
    router.action(views.EXIT_FORM)(exit_form)
    router.form(views.EXIT_FORM_ID)(exit_submitted)


# -- HTTP ----------------------------------------------------------------------------------

RouteHandler = Callable[[web.Request], Awaitable[web.StreamResponse]]
# Why the gateway rejects a delivery (bot.integrations.stripe_gateway.verify_webhook), as it says it
REJECTIONS = frozenset(
    {
        "no webhook secret configured",
        "SignatureVerificationError",
        "UnicodeDecodeError",
        "ValueError",
        "JSONDecodeError",
        "not an event",
    }
)
DONE_PAGE = "<!doctype html><meta charset=utf-8><title>Thank you</title><p>All done. You can close this tab and go back to the chat.</p>"
CANCELED_PAGE = "<!doctype html><meta charset=utf-8><title>No charge</title><p>Nothing was charged. You can close this tab; type /join in the chat whenever you're ready.</p>"


def stripe_webhook(inbox: WebhookInbox, clock: Clock | None = None) -> RouteHandler:
    """`POST /stripe/webhook`: verify, record, answer 200 at once; the event worker does the rest.

    Anyone can post here: a rejected delivery logs one line a minute per reason, not one each.
    """
    rejected = ThrottledLog(log, clock or SystemClock())

    async def handle(request: web.Request) -> web.Response:
        body = await request.read()
        try:
            new = await inbox.receive(body, request.headers.get("Stripe-Signature"))
        except WebhookRejected as exc:
            reason = str(exc) if str(exc) in REJECTIONS else "other"  # a fixed word: it keys the throttle
            rejected.warning(reason, "stripe webhook rejected: %s", reason)
            return web.json_response({"error": "invalid signature"}, status=400)
        return web.json_response({"received": True, "duplicate": not new})

    return handle


def static_page(html: str) -> RouteHandler:
    async def handle(_request: web.Request) -> web.Response:
        return web.Response(text=html, content_type="text/html")

    return handle


def add_routes(server: WebServer, inbox: WebhookInbox, clock: Clock | None = None) -> None:
    """The billing routes on the one web server (webhook, and the pages Checkout returns to)."""
    server.add_route("POST", "/stripe/webhook", stripe_webhook(inbox, clock))
    server.add_route("GET", "/billing/done", static_page(DONE_PAGE))
    server.add_route("GET", "/billing/canceled", static_page(CANCELED_PAGE))
