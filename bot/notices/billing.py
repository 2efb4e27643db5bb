"""What billing tells people, as data: members' payment, trial, renewal and waitlist notes, and the creator's news.

Also the plain data billing hands its handlers to word a reply (`PlanOffer`, `DoorsStatus`,
`MembershipRow`), so the views need nothing from the billing services.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from bot.notices import Notice

EXIT_REASONS = ("price", "time", "content", "break", "other")  # the exit survey's choices, by key
EXIT_COMMENT = 1000  # the longest comment kept with an exit answer


# -- plain data for replies ---------------------------------------------------------------


@dataclass(frozen=True)
class PlanOffer:
    """A plan as a member is offered it (community.toml's plan, without its Stripe price id)."""

    key: str
    amount: Decimal
    currency: str = "usd"
    interval: str = "month"  # month | year
    founding: bool = False
    trial_days: int = 0


@dataclass(frozen=True)
class WaitlistPlace:
    """Where someone stands on the waitlist: their number in line, whether they hold an invitation they
    have not taken up yet, and until when it holds their seat (None: no seat cap to hold one against)."""

    position: int
    invited: bool = False
    held_until: datetime | None = None


@dataclass(frozen=True)
class DoorsStatus:
    open: bool
    seat_cap: int | None
    seats_taken: int
    waiting: int
    invited: int
    founding: bool = False  # a founding window is open: everyone who joins is offered the founding price
    closes_at: datetime | None = None  # when the open window closes by itself
    next_opens: datetime | None = None  # the next window that opens by itself
    next_founding: bool = False

    @property
    def full(self) -> bool:
        return self.seat_cap is not None and self.seats_taken >= self.seat_cap


@dataclass(frozen=True)
class MembershipRow:
    """One open membership in `/member list`."""

    member_id: int
    name: str
    status: str
    tier: str
    plan: str | None
    founding: bool
    until: datetime | None  # the end of the period, or since when a payment is late
    paid: bool  # through Stripe (else granted by hand)


@dataclass(frozen=True)
class YearInReview:
    drops: int
    live_sessions: int
    attended: int


# -- to a member ---------------------------------------------------------------------------


@dataclass(frozen=True)
class MembershipStarted(Notice):
    community: str
    status: str  # active | trialing


@dataclass(frozen=True)
class PaymentRecovered(Notice):
    """A late payment went through."""


@dataclass(frozen=True)
class PaymentReminder(Notice):
    step: int  # the dunning day: 0 is the first note
    until: datetime  # when access pauses


@dataclass(frozen=True)
class AccessPaused(Notice):
    """The grace period after a failed payment is over."""


@dataclass(frozen=True)
class SubscriptionPaused(Notice):
    pass


@dataclass(frozen=True)
class ExitSurvey(Notice):
    """Why are you leaving? (buttons with `EXIT_REASONS`, and a form for their own words)."""


@dataclass(frozen=True)
class WinBack(Notice):
    community: str


@dataclass(frozen=True)
class DoorsOpened(Notice):
    """An invitation from the waitlist; no offer means joining is free."""

    community: str
    offer: tuple[PlanOffer, ...] = ()
    held_until: datetime | None = None  # a seat cap holds their seat until then
    seat_freed: bool = False  # a seat came free (or the cap rose) while the doors were open: no launch


@dataclass(frozen=True)
class InviteLapsed(Notice):
    """The seat an invitation held (with a seat cap) went to the next in line; they are still waiting."""

    position: int


@dataclass(frozen=True)
class RenewalComing(Notice):
    community: str
    renews_at: datetime
    review: YearInReview


@dataclass(frozen=True)
class TrialEnding(Notice):
    trial_end: datetime
    paid: bool  # a Stripe trial (it converts) rather than one given by hand (it ends)


@dataclass(frozen=True)
class TrialOver(Notice):
    pass


@dataclass(frozen=True)
class MembershipGranted(Notice):
    community: str
    tier: str  # the tier's name
    mode: str  # comped | trial
    until: datetime | None = None


# -- to the creator ------------------------------------------------------------------------


@dataclass(frozen=True)
class CreatorDoorsOpened(Notice):
    """A launch window opened the doors by itself."""

    founding: bool
    closes_at: datetime | None
    invited: int


@dataclass(frozen=True)
class CreatorDoorsClosed(Notice):
    """A launch window closed the doors by itself."""

    founding: bool
    next_opens: datetime | None = None


@dataclass(frozen=True)
class CreatorPaymentFailed(Notice):
    name: str
    until: datetime


@dataclass(frozen=True)
class CreatorGraceOver(Notice):
    name: str


@dataclass(frozen=True)
class CreatorMemberLeft(Notice):
    name: str
    status: str


@dataclass(frozen=True)
class CreatorDuplicateSubscription(Notice):
    """A member who already pays started a second subscription (two checkout tabs, say)."""

    name: str
    kept: str
    duplicate: str


@dataclass(frozen=True)
class DuplicateSubscription(Notice):
    """To the member: the second subscription is noticed and the creator will refund it."""

    creator: str


@dataclass(frozen=True)
class CreatorExitAnswer(Notice):
    name: str
    reason: str  # a reason key, or "" when they gave their own words only
    comment: str = ""


@dataclass(frozen=True)
class CreatorAccessProblem(Notice):
    platform: str
    tier: str
    fix: str
