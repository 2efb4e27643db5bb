"""The billing entry point handlers and jobs call: each change is committed first, then access is applied."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.clock import Clock
from bot.notices.billing import CreatorAccessProblem, DoorsStatus, MembershipRow, PlanOffer, WaitlistPlace
from bot.outbox import Outbox
from bot.ports import Platform
from bot.services.billing import plans
from bot.services.billing.access import AccessProblem, AccessService, has_access
from bot.services.billing.checkout import CheckoutService
from bot.services.billing.doors import Admission, DoorsService
from bot.services.billing.dunning import DunningService
from bot.services.billing.erasure import BillingErasure, BillingFootprint
from bot.services.billing.exits import ExitService
from bot.services.billing.manual import ManualMemberships, MemberRef, parse_grant
from bot.services.billing.notify import Notifier
from bot.services.billing.reconcile import Reconciler, ReconcileReport
from bot.services.billing.renewals import RenewalService
from bot.services.billing.subscriptions import SubscriptionSync
from bot.services.billing.webhooks import EventProcessor, WebhookInbox
from bot.services.billing.wire import (
    CheckoutCompleted,
    StripePort,
    checkout_from,
    event_object,
    invoice_renews_at,
    invoice_subscription,
    subscription_from,
)
from bot.services.community import CommunityContext
from bot.services.errors import UserError
from bot.services.membership import MembershipService
from bot.services.presence import Presence
from storage.database import Database
from storage.models import Member, Membership
from storage.repositories import memberships

log = logging.getLogger(__name__)

SUBSCRIPTION_EVENTS = frozenset(
    {
        "customer.subscription.created",
        "customer.subscription.updated",
        "customer.subscription.deleted",
        "customer.subscription.paused",
        "customer.subscription.resumed",
        "customer.subscription.trial_will_end",
    }
)
INVOICE_EVENTS = frozenset({"invoice.paid", "invoice.payment_failed", "invoice.payment_succeeded"})


@dataclass(frozen=True)
class JoinResult:
    kind: str  # joined | waitlist | full | choose | checkout
    url: str | None = None
    plan: PlanOffer | None = None
    choices: Sequence[PlanOffer] = field(default_factory=tuple)
    position: int = 0


@dataclass(frozen=True)
class BillingConfig:
    public_url: str
    grace_days: int
    revoke_mode: str


class BillingService:
    def __init__(
        self,
        database: Database,
        outbox: Outbox,
        clock: Clock,
        community: CommunityContext,
        presence: Presence,
        membership: MembershipService,
        config: BillingConfig,
        stripe: StripePort | None,
    ) -> None:
        self._database = database
        self._clock = clock
        self._community = community
        self._membership = membership
        self._stripe = stripe
        self._notify = Notifier(outbox, presence, community)
        self._access = AccessService(database, presence, grace_days=config.grace_days, revoke_mode=config.revoke_mode)
        self._doors = DoorsService(database, community, self._notify, paid=stripe is not None)
        self._sync = SubscriptionSync(community, self._notify, self._doors)
        self._dunning = DunningService(database, community, self._notify, config.grace_days)
        self._renewals = RenewalService(database, community, self._notify)
        self._exits = ExitService(database, community, self._notify)
        self._manual = ManualMemberships(database, community, self._notify)
        self._erasure = BillingErasure(database, stripe)
        self._events = EventProcessor(database, clock, self.handle_event)
        self.inbox = WebhookInbox(database, clock, stripe) if stripe is not None else None
        self._checkout = CheckoutService(database, community, stripe, config.public_url) if stripe is not None else None
        self._reconciler = Reconciler(database, community, stripe, self._sync) if stripe is not None else None

    @property
    def stripe(self) -> StripePort | None:
        """The Stripe gateway, for the few other services that talk to Stripe (privacy)."""
        return self._stripe

    @property
    def paid(self) -> bool:
        """Whether Stripe is configured (else memberships are granted by hand)."""
        return self._stripe is not None

    def bind_platforms(self, platforms: Mapping[str, Platform]) -> None:
        self._access.bind(platforms)

    # -- members -------------------------------------------------------------------------

    async def may_join(self, member: Member) -> bool:
        """Refuse `/join` to someone who needs no membership (the creator, a member with access), before
        anything in the command is read; True if they hold a trial given by hand, which `/join` converts."""
        if member.role == "creator":  # a membership would count them, and take a seat
            raise UserError("membership.creator_has_access")
        async with self._database.session() as session:
            found = await memberships.latest(session, member.id)
        hand_trial = found is not None and _trial_by_hand(found[0])
        if found is not None and has_access(found[0], self._clock.now(), self._access.grace_days) and not hand_trial:
            raise UserError("membership.already_member")
        return hand_trial

    async def join(self, member: Member, plan_key: str | None = None) -> JoinResult:
        hand_trial = await self.may_join(member)
        now = self._clock.now()
        # A trial given by hand already holds its seat; its reminder says "type /join to stay".
        admission = Admission(admitted=True) if hand_trial else await self._doors.admit(member.id, now)
        if not admission.admitted:
            return JoinResult("full" if admission.full else "waitlist", position=admission.position)
        if self._checkout is None:
            await self._membership.activate(member.id, convert_trial=hand_trial)
            async with self._database.session() as session:
                await self._doors.converted(session, member.id, now)
            await self.after_change(member.id)
            return JoinResult("joined")
        plan = plans.by_key(self._community.config, plan_key) if plan_key else None
        if plan_key and plan is None:
            raise UserError("billing.errors.unknown_plan", plan=plan_key[:40])
        choices = self._checkout.choices(founding=admission.founding)
        if plan is None and len(choices) == 1:
            plan = choices[0]
        if plan is None:
            if not choices:
                raise UserError("billing.errors.no_plans")
            return JoinResult("choose", choices=tuple(map(plans.offer, choices)))
        url = await self._checkout.link(member, plan, founding_allowed=admission.founding)
        return JoinResult("checkout", url=url, plan=plans.offer(plan))

    async def portal(self, member_id: int) -> str:
        if self._checkout is None:
            raise UserError("billing.errors.not_configured")
        return await self._checkout.portal(member_id)

    async def exit_answer(self, member_id: int, reason: str, comment: str = "") -> None:
        await self._exits.record(member_id, reason, comment)

    async def erasure_footprint(self, member_id: int) -> BillingFootprint:
        """What forgetting the member would do to billing (for the confirmation)."""
        return await self._erasure.footprint(member_id)

    async def end_for_erasure(self, member_id: int) -> BillingFootprint:
        """Before a member is forgotten: cancel at Stripe, end the membership, take access away, free the seat.

        Raises `wire.BillingUnavailable` when Stripe cannot cancel; nothing has changed then.
        """
        found = await self._erasure.end(member_id, self._clock.now())
        if found.memberships or found.paying:
            await self.after_change(member_id, leaving=True, seat_freed=True)
        return found

    # -- the creator -----------------------------------------------------------------------

    async def doors_status(self) -> DoorsStatus:
        return await self._doors.status(self._clock.now())

    async def open_doors(self, *, founding: bool, until: datetime | None = None) -> int:
        return await self._doors.open(self._clock.now(), founding=founding, until=until)

    async def close_doors(self) -> None:
        await self._doors.close(self._clock.now())

    async def set_seat_cap(self, cap: int | None) -> int:
        await self._doors.set_cap(cap)
        return await self._doors.fill_seats(self._clock.now())

    async def find_member(self, platform: str, workspace_id: str, ref: str, *, numbered: bool = False) -> MemberRef:
        """The member the creator named in `/member` (a mention, a user id or a display name; with
        `numbered`, first their member number, `2` or `#2`, as `/member show` takes it)."""
        return await self._manual.find(platform, workspace_id, ref, numbered=numbered)

    async def member_add(self, member_id: int, words: Sequence[str]) -> str:
        config = self._community.config
        grant = parse_grant(words, [t.key for t in config.tiers], {p.key: p.tier for p in config.plans})
        now = self._clock.now()
        membership = await self._manual.add(member_id, grant, now)
        async with self._database.session() as session:
            await self._doors.converted(session, member_id, now)
        await self.after_change(member_id)
        return membership.status

    async def member_remove(self, member_id: int) -> None:
        await self._manual.remove(member_id, self._clock.now())
        await self.after_change(member_id, leaving=True, seat_freed=True)

    async def how_to_leave(self, member_id: int) -> str:
        """How the member can end their membership: none, stripe (the billing portal) or here (`leave`)."""
        return await self._manual.how_to_leave(member_id)

    async def leave(self, member_id: int) -> bool:
        """`/leave`: a member ends a membership granted by hand (access removed, exit survey sent)."""
        if not await self._manual.leave(member_id, self._clock.now()):
            return False
        await self.after_change(member_id, leaving=True, seat_freed=True)
        return True

    async def waitlist_place(self, member_id: int) -> WaitlistPlace | None:
        return await self._doors.place(member_id, self._clock.now())

    async def leave_waitlist(self, member_id: int) -> bool:
        """`/leave` from someone waiting: off the waitlist (False when they were not on it)."""
        return await self._doors.leave(member_id, self._clock.now())

    async def member_rows(self) -> Sequence[MembershipRow]:
        return await self._manual.rows()

    # -- webhooks --------------------------------------------------------------------------

    async def handle_event(self, event_type: str, event: Mapping[str, Any]) -> None:
        """Process one recorded Stripe event (called by the EventProcessor, possibly more than once)."""
        obj = event_object(event)
        if event_type == "checkout.session.completed":
            info = checkout_from(obj)
            if info.subscription:
                await self._settle(info.subscription, checkout=info)
        elif event_type in SUBSCRIPTION_EVENTS and obj.get("id"):
            snapshot = await self._settle(str(obj["id"]), fallback=obj)
            if event_type == "customer.subscription.trial_will_end" and snapshot is not None:
                await self._trial_will_end(str(obj["id"]))
        elif event_type in INVOICE_EVENTS:
            sub = invoice_subscription(obj)
            if sub:
                await self._settle(sub)
        elif event_type == "invoice.upcoming":
            sub = invoice_subscription(obj)
            if sub:
                async with self._database.session() as session:
                    await self._renewals.upcoming_invoice(session, sub, invoice_renews_at(obj), self._clock.now())
        else:
            log.debug("stripe event type %s ignored", event_type)

    async def _settle(
        self,
        subscription_id: str,
        *,
        checkout: CheckoutCompleted | None = None,
        fallback: Mapping[str, Any] | None = None,
    ) -> Any:
        """Re-read the subscription (events may be stale or out of order) and apply what Stripe says now.

        If Stripe no longer knows it, the event's own copy (`fallback`) is the best there is.
        """
        assert self._stripe is not None
        obj = await self._stripe.retrieve_subscription(subscription_id) or fallback
        if obj is None:
            log.warning("subscription %s not found at Stripe", subscription_id)
            return None
        snapshot = subscription_from(obj)
        async with self._database.session() as session:
            outcome = await self._sync.apply(session, snapshot, self._clock.now(), checkout=checkout)
        if outcome is not None:
            await self.after_change(outcome.member_id, leaving=outcome.leaving, seat_freed=outcome.seat_freed)
            if outcome.after == "past_due" and outcome.before != "past_due":
                await self.run_dunning()  # the day-0 note now, not at the next scan
        return snapshot

    async def _trial_will_end(self, subscription_id: str) -> None:
        async with self._database.session() as session:
            membership = await memberships.by_subscription(session, subscription_id)
            if membership is not None:
                await self._renewals.trial_ending(session, membership, membership.current_period_end)

    # -- after a change --------------------------------------------------------------------

    async def after_change(self, member_id: int, *, leaving: bool = False, seat_freed: bool = False) -> None:
        """Apply access on every platform, tell the creator what the bot cannot fix, fill a freed seat."""
        now = self._clock.now()
        problems = await self._access.sync_member(member_id, now, leaving=leaving)
        if problems:
            await self._report(problems)
        if seat_freed:
            await self._doors.fill_seats(now)

    async def _report(self, problems: Sequence[AccessProblem]) -> None:
        day = self._clock.now().date().isoformat()
        async with self._database.session() as session:
            for problem in problems:
                await self._notify.creators(
                    session,
                    f"billing:access-problem:{problem.platform}:{problem.tier}:{day}",
                    CreatorAccessProblem(problem.platform, problem.tier, problem.fix),
                )

    # -- jobs ------------------------------------------------------------------------------

    async def process_events(self) -> int:
        return await self._events.process_pending() if self.paid else 0

    async def run_dunning(self) -> int:
        expired = await self._dunning.run(self._clock.now())
        for member_id in expired:
            await self.after_change(member_id)
        return len(expired)

    async def run_trials(self) -> int:
        ended = await self._renewals.manual_trials(self._clock.now())
        for member_id in ended:
            await self.after_change(member_id, leaving=True, seat_freed=True)
        return len(ended)

    async def run_winback(self) -> int:
        return await self._exits.win_back(self._clock.now())

    async def fill_seats(self) -> int:
        return await self._doors.fill_seats(self._clock.now())

    async def run_doors(self) -> None:
        """Launch windows open and close the doors by themselves."""
        await self._doors.tick(self._clock.now())

    async def reconcile(self) -> ReconcileReport | None:
        if self._reconciler is None:
            return None
        report = await self._reconciler.run(self._clock.now())
        leaving = {o.member_id for o in report.changed if o.leaving}
        for member_id in sorted(report.members):
            await self.after_change(member_id, leaving=member_id in leaving)
        if any(o.seat_freed for o in report.changed):
            await self.fill_seats()
        return report

    # -- lifecycle -------------------------------------------------------------------------

    async def run_events_forever(self, poll_seconds: float) -> None:
        """Drain recorded events as they arrive (woken by the webhook) and every `poll_seconds` anyway."""
        if self.inbox is None:
            return
        while True:
            try:
                await self._events.process_pending()
            except Exception:  # keep draining after a database hiccup
                log.exception("processing stripe events failed")
            await self.inbox.wait(poll_seconds)

    async def close(self) -> None:
        if self._stripe is not None:
            await self._stripe.close()


def _trial_by_hand(membership: Membership) -> bool:
    """A trial the creator gave (`/member add … trial N`), still open: `/join` makes it a membership
    (by hand, or through Stripe's checkout, whose subscription converts it)."""
    return membership.ended_at is None and membership.status == "trialing" and membership.stripe_subscription_id is None
