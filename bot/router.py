"""Routes neutral events to handlers, and gives each handler a context with a bound reply.

Handlers register explicitly (`router.command("library")(handler)`); nothing is discovered by import. The
router drops retried deliveries, resolves the member, checks the role every command, button and form declared
when registered, and turns `UserError` into a friendly reply ("did you mean /join?" for an unknown command).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import timedelta
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Protocol
from zoneinfo import ZoneInfo

from bot.activity import activity_kind, activity_ref
from bot.command_guess import unknown_command
from bot.events import (
    ActionClicked,
    ChannelRef,
    CommandInvoked,
    Event,
    FormSubmitted,
    MemberLeft,
    Responder,
    UserRef,
    event_from_dict,
    event_to_dict,
)
from bot.i18n import Translator
from bot.messages import ActionId, Form, OutboundMessage, text_message
from bot.services.community import ROLES, outranks
from bot.services.errors import UserError
from bot.services.timing import member_zone
from bot.views import forms as form_views

if TYPE_CHECKING:
    from bot.ports import Ack
    from bot.services.registry import Services
    from storage.models import Member

log = logging.getLogger(__name__)

Handler = Callable[["Context"], Awaitable[None]]
INBOUND_MEMORY = timedelta(days=4)  # longer than any platform retries a delivery
INBOUND_LEASE = timedelta(seconds=60)  # a handler still running after this is presumed dead, and redone
MAX_INBOUND_ATTEMPTS = 5  # an event that kills its process this often is given up on (logged)


class ClaimedDelivery(Protocol):
    """A recorded delivery whose handling never finished, as `InboundLog.claim` hands it over."""

    @property
    def id(self) -> int: ...

    @property
    def payload(self) -> dict[str, Any] | None: ...

    @property
    def attempts(self) -> int: ...


class ReplayResponder(Responder, Protocol):
    """Answers a replayed delivery (through the outbox); told the member once the router knows them."""

    member_id: int | None


class InboundLog(Protocol):
    """The durable inbound queue (`bot.services.inbound.InboundQueue`, built by `bot/app.py`)."""

    async def first_delivery(
        self, platform: str, key: str, payload: dict[str, Any], lease: timedelta
    ) -> int | None: ...

    async def unfinished(self, limit: int) -> Sequence[int]: ...

    async def claim(self, row_id: int, lease: timedelta) -> ClaimedDelivery | None: ...

    async def finish(self, row_id: int, *, status: str = "done") -> None: ...

    def responder(self, row_id: int, user: UserRef, channel: ChannelRef | None) -> ReplayResponder: ...


@dataclass
class Context:
    """What a handler gets: the event, the member, the services, words in their language, and a reply."""

    event: Event
    member: Member
    services: Services
    t: Translator
    replies: list[OutboundMessage] = field(default_factory=list)

    @property
    def args(self) -> str:
        return self.event.args if isinstance(self.event, CommandInvoked) else ""

    @property
    def zone(self) -> ZoneInfo:
        """The zone this person reads times in: their own (`/prefs timezone`), else the community's."""
        return member_zone(self.member.timezone, self.services.community.tz)

    @property
    def action(self) -> ActionId | None:
        return ActionId.parse(self.event.action_id) if isinstance(self.event, ActionClicked) else None

    async def reply(self, message: OutboundMessage | str, *, ephemeral: bool = True) -> None:
        """Answer the interaction in place (not through the outbox: the member is waiting)."""
        if isinstance(message, str):
            message = text_message(message)
        self.replies.append(message)
        if self.event.responder is not None:
            await self.event.responder.reply(message, ephemeral=ephemeral)

    async def say(self, key: str, **values: Any) -> None:
        await self.reply(self.t(key, **values))

    async def open_form(self, form: Form) -> bool:
        self.services.forms.opened(self.event.user, form)  # what a refusal of it offers again
        return bool(self.event.responder and await self.event.responder.open_form(form))


@dataclass(frozen=True)
class CommandSpec:
    name: str
    handler: Handler
    role: str = "member"
    help_key: str | None = None


@dataclass(frozen=True)
class RouteSpec:
    """A button (action) or form route and the role it needs; the router checks the role before the handler runs.

    A refused caller reads `refusal` (a template) with `{command}` (what it names, `announce`
    or `faq answer`), `{sub}` (the last word of that) and `{creator}` filled in.
    """

    route: str
    handler: Handler
    role: str = "member"
    command: str = ""
    refusal: str = "errors.not_allowed"

    def refused(self, creator: str) -> UserError:
        name = self.command or self.route.partition(".")[0]
        return UserError(self.refusal, command=name, sub=name.rpartition(" ")[2], creator=creator)


def _check_role(role: str) -> None:
    """An unknown role fails at registration, not on the first click."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r} (one of {', '.join(ROLES)})")


def _add_route(
    table: dict[str, RouteSpec], kind: str, route: str, role: str, command: str, refusal: str
) -> Callable[[Handler], Handler]:
    _check_role(role)

    def register(handler: Handler) -> Handler:
        if route in table:
            raise ValueError(f"{kind} {route} registered twice")
        table[route] = RouteSpec(route, handler, role, command, refusal)
        return handler

    return register


class Router:
    def __init__(self) -> None:
        self.commands: dict[str, CommandSpec] = {}
        self._actions: dict[str, RouteSpec] = {}
        self._forms: dict[str, RouteSpec] = {}
        self._events: dict[type[Event], list[Handler]] = {}
        self._services: Services | None = None
        self._inbound: InboundLog | None = None
        self._handling: set[int] = set()  # inbound rows this process is handling: its replay loop leaves them be
        self.inbound_lease = INBOUND_LEASE  # how long a handler may take before another process redoes it

    # -- registration --------------------------------------------------------------------

    def command(self, name: str, *, role: str = "member", help_key: str | None = None) -> Callable[[Handler], Handler]:
        _check_role(role)

        def register(handler: Handler) -> Handler:
            if name in self.commands:
                raise ValueError(f"command /{name} registered twice")
            self.commands[name] = CommandSpec(name, handler, role, help_key)
            return handler

        return register

    def action(
        self, route: str, *, role: str = "member", command: str = "", refusal: str = "errors.not_allowed"
    ) -> Callable[[Handler], Handler]:
        """Handle buttons whose action id is `route` or `route:<arg>` (`library.open`), for `role` and above.

        Buttons can be forged (and forwarded), so the role is checked on every click, like a command's.
        """
        return _add_route(self._actions, "action", route, role, command, refusal)

    def form(
        self, form_id: str, *, role: str = "member", command: str = "", refusal: str = "errors.not_allowed"
    ) -> Callable[[Handler], Handler]:
        """Handle submissions of the form `form_id`, for `role` and above (a submission can be forged too)."""
        return _add_route(self._forms, "form", form_id, role, command, refusal)

    @property
    def actions(self) -> Mapping[str, RouteSpec]:
        return MappingProxyType(self._actions)

    @property
    def forms(self) -> Mapping[str, RouteSpec]:
        return MappingProxyType(self._forms)

    def on(self, event_type: type[Event]) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            self._events.setdefault(event_type, []).append(handler)
            return handler

        return register

    def bind(self, services: Services, inbound: InboundLog) -> None:
        self._services = services
        self._inbound = inbound

    # -- dispatch ------------------------------------------------------------------------

    async def dispatch(self, event: Event, *, ack: Ack | None = None) -> Context | None:
        """Record the event, acknowledge it (`ack`, the adapter's answer to the platform), handle it.

        Returns the context (with its replies) or None if it was a retry. The record commits
        before the ack, so a crash after the ack leaves a `pending` row that the next process
        finishes (`replay_unfinished`). If recording fails the ack is not sent, so the platform
        retries (Slack's Events API) or the member sees the failure at once.
        """
        services, inbound = self._bound()
        row_id = await self._first_delivery(inbound, event) if event.event_id else None
        if event.event_id and row_id is None:
            await _acknowledge(ack)
            log.info("dropped a repeated %s delivery", type(event).__name__)
            return None
        await _acknowledge(ack)
        if row_id is None:
            return await self._handle(services, event)
        self._handling.add(row_id)  # this process is on it: its own replay loop must not take it over
        try:
            ctx = await self._handle(services, event)
            await inbound.finish(row_id)
        finally:
            self._handling.discard(row_id)
        return ctx

    async def replay_unfinished(self, limit: int = 100) -> int:
        """Handle events recorded but never finished (their process died); replies go through the outbox.

        Run at start-up and periodically. Each row is claimed with a conditional UPDATE, so
        several processes never replay the same row at once. Returns how many were handled.
        """
        services, inbound = self._bound()
        handled = 0
        for row_id in await inbound.unfinished(limit):
            if row_id in self._handling:
                continue  # a slow handler of this process, past its lease: not dead, just slow
            row = await inbound.claim(row_id, self.inbound_lease)
            if row is None:
                continue  # another process took it, or finished it
            event = _revive(row)
            if event is None:
                await inbound.finish(row_id, status="dead")
                continue
            log.info(
                "replaying an unfinished %s (inbound row %d, attempt %d)", type(event).__name__, row_id, row.attempts
            )
            responder = inbound.responder(row_id, event.user, event.channel)
            try:
                await self._handle(services, replace(event, responder=responder), replayed=responder)
            except Exception:  # stays pending: retried when the lease runs out, up to MAX_INBOUND_ATTEMPTS
                log.exception("replaying inbound row %d failed", row_id)
                continue
            await inbound.finish(row_id)
            handled += 1
        return handled

    def _bound(self) -> tuple[Services, InboundLog]:
        if self._services is None or self._inbound is None:
            raise RuntimeError("router is not bound to services")
        return self._services, self._inbound

    async def _handle(
        self, services: Services, event: Event, *, replayed: ReplayResponder | None = None
    ) -> Context | None:
        started = time.perf_counter()
        if isinstance(event, MemberLeft):
            found = await services.membership.find(event.user)
            if found is None:
                return None  # someone we never knew left: nothing to do
            member = found
        else:
            member = await services.membership.identify(event.user)
        if replayed is not None:  # its replies are DMs queued for this member
            replayed.member_id = member.id
        kind = activity_kind(event)
        if kind is not None:
            await services.membership.touch(member.id, kind, activity_ref(event))
        t = services.catalog.for_locale(member.locale, event.user.locale, services.community.locale)
        ctx = Context(event=event, member=member, services=services, t=t)
        try:
            await self._route(ctx)
        except UserError as exc:
            await ctx.reply(_refusal(services, event, t(exc.key, **exc.values), t))
        except Exception:
            log.exception("handler failed for %s", type(event).__name__)
            await ctx.reply(t("errors.internal"))
        finally:
            services.metrics.observe_handler(type(event).__name__, time.perf_counter() - started)
        return ctx

    async def _route(self, ctx: Context) -> None:
        event = ctx.event
        if isinstance(event, CommandInvoked):
            spec = self.commands.get(event.name)
            if spec is None:
                raise unknown_command(event.name, event.args, self.commands, ctx.member.role)
            if not outranks(ctx.member.role, spec.role):
                raise UserError("errors.not_allowed", command=event.name)
            await spec.handler(ctx)
        elif isinstance(event, ActionClicked):
            try:
                action = ActionId.parse(event.action_id)
            except ValueError:
                raise UserError("errors.stale_button") from None
            await self._checked(ctx, self._actions.get(action.route))
        elif isinstance(event, FormSubmitted):
            await self._checked(ctx, self._forms.get(event.form_id))
        else:
            for handler in self._events.get(type(event), []):
                await handler(ctx)

    @staticmethod
    async def _checked(ctx: Context, spec: RouteSpec | None) -> None:
        """Run a button's or form's handler if the caller has the role the route declared."""
        if spec is None:
            raise UserError("errors.stale_button")
        if not outranks(ctx.member.role, spec.role):
            raise spec.refused(ctx.services.community.creator_name)
        await spec.handler(ctx)

    async def _first_delivery(self, inbound: InboundLog, event: Event) -> int | None:
        """Record the event to handle now; its row id, or None if it was delivered before (or is being handled)."""
        key = f"{type(event).__name__}:{event.event_id}"
        return await inbound.first_delivery(event.user.platform, key, event_to_dict(event), self.inbound_lease)


def _refusal(services: Services, event: Event, reason: str, t: Translator) -> OutboundMessage | str:
    """A refused form's reason comes with a button that opens the form again, filled in as it was sent."""
    if isinstance(event, FormSubmitted) and services.forms.refused(event.user, event.form_id, event.values):
        return form_views.refused(reason, event.form_id, t)
    return reason


def _revive(row: ClaimedDelivery) -> Event | None:
    """The event a recorded delivery held, or None when it is to be given up on."""
    if row.attempts > MAX_INBOUND_ATTEMPTS or row.payload is None:
        log.warning("giving up on inbound row %d after %d attempts", row.id, row.attempts - 1)
        return None
    try:
        return event_from_dict(row.payload)
    except ValueError:
        log.warning("inbound row %d cannot be read back; giving up on it", row.id)
        return None


async def _acknowledge(ack: Ack | None) -> None:
    if ack is not None:
        await ack()


__all__ = ["CommandSpec", "Context", "Handler", "InboundLog", "RouteSpec", "Router"]
