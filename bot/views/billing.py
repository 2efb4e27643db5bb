"""How billing speaks: checkout and portal links, dunning and renewal DMs, the waitlist, the exit survey."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.i18n import Translator
from bot.messages import (
    Block,
    Button,
    Buttons,
    Context,
    Fields,
    Form,
    FormField,
    Header,
    Option,
    OutboundMessage,
    Section,
)
from bot.notices import Notice
from bot.notices.billing import (
    EXIT_COMMENT,
    EXIT_REASONS,
    AccessPaused,
    CreatorAccessProblem,
    CreatorDoorsClosed,
    CreatorDoorsOpened,
    CreatorDuplicateSubscription,
    CreatorExitAnswer,
    CreatorGraceOver,
    CreatorMemberLeft,
    CreatorPaymentFailed,
    DoorsOpened,
    DoorsStatus,
    DuplicateSubscription,
    ExitSurvey,
    InviteLapsed,
    MembershipGranted,
    MembershipRow,
    MembershipStarted,
    PaymentRecovered,
    PaymentReminder,
    PlanOffer,
    RenewalComing,
    SubscriptionPaused,
    TrialEnding,
    TrialOver,
    WinBack,
)
from bot.untrusted import inert
from bot.views.common import local_time

PORTAL = "billing.portal"
CHECKOUT = "billing.checkout"
JOIN = "billing.join"
EXIT = "billing.exit"
EXIT_FORM = "billing.exit-form"
EXIT_FORM_ID = "billing.exit"
STATUS_KEYS = ("active", "trialing", "past_due", "paused", "canceled", "unpaid", "comped", "expired", "incomplete")


def price_label(plan: PlanOffer, t: Translator) -> str:
    """A plan's price per interval ($49 / month), the amount written the reader's way (CLDR)."""
    return t(f"billing.price.{plan.interval}", money=t.money(plan.amount, plan.currency))


def plan_name(plan: PlanOffer, t: Translator) -> str:
    """What a member calls a plan ("Monthly", "Founding price, yearly"), not its key in community.toml."""
    return t(f"billing.plans.{'founding_' if plan.founding else ''}{plan.interval}")


def _message(text: str, *blocks: Block) -> OutboundMessage:
    return OutboundMessage(text=text, blocks=(Section(text), *blocks) if blocks else (Section(text),))


def _portal_button(t: Translator) -> Buttons:
    return Buttons((Button(t("billing.buttons.portal"), PORTAL, style="primary"),))


def _plan_buttons(offer: Sequence[PlanOffer], t: Translator) -> Buttons:
    return Buttons(
        tuple(
            Button(t("billing.buttons.plan", plan=plan_name(p, t), price=price_label(p, t)), f"{CHECKOUT}:{p.key}")
            for p in offer
        )
    )


# -- replies ------------------------------------------------------------------------------


def checkout_link(plan: PlanOffer, url: str, t: Translator) -> OutboundMessage:
    text = t("billing.checkout.text", plan=plan_name(plan, t), price=price_label(plan, t))
    extra = t("billing.checkout.trial", days=plan.trial_days) if plan.trial_days else ""
    blocks: list[Block] = [Buttons((Button(t("billing.buttons.pay"), url=url, style="primary"),))]
    if extra:
        blocks.insert(0, Context(extra))
    return _message(text, *blocks, Context(t("billing.checkout.small_print")))


def plan_choices(choices: Sequence[PlanOffer], t: Translator) -> OutboundMessage:
    return _message(t("billing.checkout.choose"), _plan_buttons(choices, t))


def portal_link(url: str, t: Translator) -> OutboundMessage:
    return _message(t("billing.portal.text"), Buttons((Button(t("billing.buttons.portal"), url=url, style="primary"),)))


def waitlisted(position: int, *, full: bool, t: Translator) -> OutboundMessage:
    return _message(t("billing.waitlist.full" if full else "billing.waitlist.added", position=position))


def inviting(invited: int, t: Translator, *, paced: bool) -> str:
    """Whom opening the doors invites: 3 people from the waitlist, 1 person, or nobody waiting."""
    if invited == 0:
        return t("billing.doors.inviting_nobody")
    return t.plural("billing.doors.inviting_paced" if paced else "billing.doors.inviting", invited)


def doors_opened_reply(key: str, invited: int, closes: datetime | None, tz: ZoneInfo, t: Translator) -> OutboundMessage:
    """`/doors open [founding] [until ...]`: opened, whom it invites, and when they close by themselves."""
    text = t(key, inviting=inviting(invited, t, paced=True))
    if closes is not None:
        text = f"{text} {t('billing.doors.until', when=local_time(closes, tz, t))}"
    return _message(text)


def _window_line(status: DoorsStatus, tz: ZoneInfo, t: Translator) -> str:
    lines = []
    if status.open and status.closes_at is not None:
        lines.append(t("billing.doors.closes_at", when=local_time(status.closes_at, tz, t)))
    if status.next_opens is not None:
        key = "billing.doors.next_opens_founding" if status.next_founding else "billing.doors.next_opens"
        lines.append(t(key, when=local_time(status.next_opens, tz, t)))
    return "\n".join(lines) or t("billing.doors.no_window")


def doors_status(status: DoorsStatus, tz: ZoneInfo, t: Translator, date: str) -> OutboundMessage:
    """`/doors`: doors, seats, waitlist and launch window; `date` is the day the usage line's example names."""
    seats = (
        t("billing.doors.no_cap", taken=t.number(status.seats_taken))
        if status.seat_cap is None
        else t("billing.doors.seats", taken=t.number(status.seats_taken), cap=t.number(status.seat_cap))
    )
    state = "open_founding_word" if status.open and status.founding else "open_word" if status.open else "closed_word"
    fields = (
        (t("billing.doors.field_doors"), t(f"billing.doors.{state}")),
        (t("billing.doors.field_seats"), seats),
        (t("billing.doors.field_waitlist"), t("billing.doors.waiting", waiting=status.waiting, invited=status.invited)),
        (t("billing.doors.field_window"), _window_line(status, tz, t)),
    )
    header = t("billing.doors.header")
    return OutboundMessage(
        text=header, blocks=(Header(header), Fields(fields), Context(t("billing.doors.usage", date=date)))
    )


def member_list(rows: Sequence[MembershipRow], zone: ZoneInfo, t: Translator) -> OutboundMessage:
    if not rows:
        return _message(t("billing.member.none"))
    lines = []
    for row in rows:
        extra = []
        if row.founding:
            extra.append(t("billing.member.founding"))
        if row.until is not None:
            word = "billing.member.past_due_since" if row.status == "past_due" else "billing.member.until"
            extra.append(t(word, when=local_time(row.until, zone, t)))
        lines.append(
            t(
                "billing.member.line",
                name=row.name,
                status=t(f"billing.status.{row.status}") if row.status in STATUS_KEYS else row.status,
                tier=row.tier,
                source=t("billing.member.stripe") if row.paid else t("billing.member.by_hand"),
                extra=(" · " + " · ".join(extra)) if extra else "",
            )
        )
    header = t("billing.member.header", count=len(rows))
    return OutboundMessage(
        text=header, blocks=(Header(header), Section("\n".join(lines)), Context(t("billing.member.usage")))
    )


def exit_form(t: Translator) -> Form:
    reasons = tuple(Option(t(f"billing.exit.reasons.{r}"), r) for r in EXIT_REASONS)
    return Form(
        EXIT_FORM_ID,
        t("billing.exit.form_title"),
        (  # opened from "Tell you in my own words": the words first, a reason to pick only if they like
            FormField("comment", t("billing.exit.form_comment"), kind="multiline", max_length=EXIT_COMMENT),
            FormField("reason", t("billing.exit.form_reason"), kind="select", options=reasons, required=False),
        ),
        submit_label=t("billing.exit.form_submit"),
    )


def exit_buttons(t: Translator) -> OutboundMessage:
    """The exit survey: a button per reason, and one for their own words (also the reply where forms cannot open)."""
    buttons = tuple(Button(t(f"billing.exit.reasons.{r}"), f"{EXIT}:{r}") for r in EXIT_REASONS)
    return _message(
        t("billing.exit.question"),
        Buttons(buttons),
        Buttons((Button(t("billing.exit.own_words"), EXIT_FORM),)),
        Context(t("billing.exit.small_print")),
    )


# -- DMs to members -------------------------------------------------------------------------


def started(notice: MembershipStarted, t: Translator, tz: ZoneInfo) -> OutboundMessage:
    key = "billing.started.trialing" if notice.status == "trialing" else "billing.started.active"
    return _message(t(key, community=notice.community), Context(t("billing.started.small_print")))


def recovered(notice: PaymentRecovered, t: Translator, tz: ZoneInfo) -> OutboundMessage:
    return _message(t("billing.notes.recovered"))


def payment_reminder(notice: PaymentReminder, t: Translator, tz: ZoneInfo) -> OutboundMessage:
    key = "billing.dunning.day0" if notice.step == 0 else "billing.dunning.reminder"
    return _message(t(key, until=local_time(notice.until, tz, t)), _portal_button(t))


def access_paused(notice: AccessPaused, t: Translator, tz: ZoneInfo) -> OutboundMessage:
    return _message(t("billing.dunning.grace_over"), _portal_button(t))


def subscription_paused(notice: SubscriptionPaused, t: Translator, tz: ZoneInfo) -> OutboundMessage:
    return _message(t("billing.notes.paused"), _portal_button(t))


def exit_survey(notice: ExitSurvey, t: Translator, tz: ZoneInfo) -> OutboundMessage:
    return exit_buttons(t)


def win_back(notice: WinBack, t: Translator, tz: ZoneInfo) -> OutboundMessage:
    return _message(
        t("billing.notes.winback", community=notice.community),
        Buttons((Button(t("billing.buttons.come_back"), JOIN, style="primary"),)),
    )


def doors_opened(notice: DoorsOpened, t: Translator, tz: ZoneInfo) -> OutboundMessage:
    held = (
        "" if notice.held_until is None else " " + t("billing.doors.held", until=local_time(notice.held_until, tz, t))
    )
    seat = "seat_" if notice.seat_freed else ""  # "a place has opened up", not "the doors are open"
    if not notice.offer:
        return _message(
            t(f"billing.doors.{seat}invite_free", community=notice.community) + held,
            Buttons((Button(t("billing.buttons.join"), JOIN, style="primary"),)),
        )
    founding = any(p.founding for p in notice.offer)
    key = "billing.doors.invite_founding" if founding else f"billing.doors.{seat}invite"
    prices = ", ".join(price_label(p, t) for p in notice.offer)
    return _message(t(key, community=notice.community, prices=prices) + held, _plan_buttons(notice.offer, t))


def invite_lapsed(notice: InviteLapsed, t: Translator, tz: ZoneInfo) -> OutboundMessage:
    return _message(
        t("billing.doors.lapsed", position=notice.position),
        Buttons((Button(t("billing.buttons.join"), JOIN, style="primary"),)),
    )


def renewal_coming(notice: RenewalComing, t: Translator, tz: ZoneInfo) -> OutboundMessage:
    text = t("billing.renewal.text", community=notice.community, when=local_time(notice.renews_at, tz, t))
    review = notice.review
    year = t("billing.renewal.year", drops=review.drops, lives=review.live_sessions, attended=review.attended)
    return _message(text, Section(year), _portal_button(t))


def trial_ending(notice: TrialEnding, t: Translator, tz: ZoneInfo) -> OutboundMessage:
    when = local_time(notice.trial_end, tz, t)
    if notice.paid:
        return _message(t("billing.trial.ending_paid", when=when), _portal_button(t))
    return _message(t("billing.trial.ending_by_hand", when=when))


def trial_over(notice: TrialOver, t: Translator, tz: ZoneInfo) -> OutboundMessage:
    return _message(t("billing.trial.over"), Buttons((Button(t("billing.buttons.join"), JOIN, style="primary"),)))


def granted(notice: MembershipGranted, t: Translator, tz: ZoneInfo) -> OutboundMessage:
    if notice.mode == "trial" and notice.until is not None:
        until = local_time(notice.until, tz, t)
        return _message(t("billing.granted.trial", community=notice.community, tier=notice.tier, until=until))
    return _message(t("billing.granted.comped", community=notice.community, tier=notice.tier))


# -- DMs to the creator ---------------------------------------------------------------------


def creator_payment_failed(notice: CreatorPaymentFailed, t: Translator, tz: ZoneInfo) -> OutboundMessage:
    return _message(t("billing.creator.past_due", name=notice.name, until=local_time(notice.until, tz, t)))


def creator_grace_over(notice: CreatorGraceOver, t: Translator, tz: ZoneInfo) -> OutboundMessage:
    return _message(t("billing.creator.grace_over", name=notice.name))


def creator_member_left(notice: CreatorMemberLeft, t: Translator, tz: ZoneInfo) -> OutboundMessage:
    return _message(t("billing.creator.left", name=notice.name, status=t(f"billing.status.{notice.status}")))


def creator_duplicate(notice: CreatorDuplicateSubscription, t: Translator, tz: ZoneInfo) -> OutboundMessage:
    return _message(t("billing.creator.duplicate", name=notice.name, kept=notice.kept, duplicate=notice.duplicate))


def member_duplicate(notice: DuplicateSubscription, t: Translator, tz: ZoneInfo) -> OutboundMessage:
    return _message(t("billing.started.duplicate", creator=notice.creator))


def creator_exit_answer(notice: CreatorExitAnswer, t: Translator, tz: ZoneInfo) -> OutboundMessage:
    text = (
        t("billing.creator.exit_answer", name=notice.name, reason=t(f"billing.exit.reasons.{notice.reason}"))
        if notice.reason
        else t("billing.creator.exit_words", name=notice.name)  # no reason picked: their words alone
    )
    comment = notice.comment.strip()
    return _message(text, Context(inert(comment[:500]))) if comment else _message(text)


def creator_access_problem(notice: CreatorAccessProblem, t: Translator, tz: ZoneInfo) -> OutboundMessage:
    return _message(t("billing.creator.access_problem", platform=notice.platform, tier=notice.tier, fix=notice.fix))


def creator_doors_opened(notice: CreatorDoorsOpened, t: Translator, tz: ZoneInfo) -> OutboundMessage:
    key = "billing.doors.auto_opened_founding" if notice.founding else "billing.doors.auto_opened"
    text = t(key, inviting=inviting(notice.invited, t, paced=False))
    if notice.closes_at is not None:
        text = f"{text} {t('billing.doors.until', when=local_time(notice.closes_at, tz, t))}"
    return _message(text)


def creator_doors_closed(notice: CreatorDoorsClosed, t: Translator, tz: ZoneInfo) -> OutboundMessage:
    text = t("billing.doors.auto_closed_founding" if notice.founding else "billing.doors.auto_closed")
    if notice.next_opens is not None:
        text = f"{text} {t('billing.doors.auto_next', when=local_time(notice.next_opens, tz, t))}"
    return _message(text)


VIEWS: dict[type[Notice], Callable[..., OutboundMessage]] = {
    MembershipStarted: started,
    PaymentRecovered: recovered,
    PaymentReminder: payment_reminder,
    AccessPaused: access_paused,
    SubscriptionPaused: subscription_paused,
    ExitSurvey: exit_survey,
    WinBack: win_back,
    DoorsOpened: doors_opened,
    InviteLapsed: invite_lapsed,
    RenewalComing: renewal_coming,
    TrialEnding: trial_ending,
    TrialOver: trial_over,
    MembershipGranted: granted,
    CreatorPaymentFailed: creator_payment_failed,
    CreatorGraceOver: creator_grace_over,
    CreatorMemberLeft: creator_member_left,
    CreatorDuplicateSubscription: creator_duplicate,
    DuplicateSubscription: member_duplicate,
    CreatorExitAnswer: creator_exit_answer,
    CreatorAccessProblem: creator_access_problem,
    CreatorDoorsOpened: creator_doors_opened,
    CreatorDoorsClosed: creator_doors_closed,
}
