"""How billing speaks: checkout and portal links, dunning and renewal DMs, the waitlist, the exit survey."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.community.schema import Plan
from bot.i18n import Translator
from bot.messages import Block, Button, Buttons, Context, Fields, Form, FormField, Header, Option, OutboundMessage, Section
from bot.views.common import local_time

if TYPE_CHECKING:
    from bot.services.billing.doors import DoorsStatus
    from bot.services.billing.manual import MembershipRow
    from bot.services.billing.renewals import YearInReview

PORTAL = "billing.portal"
CHECKOUT = "billing.checkout"
JOIN = "billing.join"
EXIT = "billing.exit"
EXIT_FORM = "billing.exit-form"
EXIT_FORM_ID = "billing.exit"
EXIT_REASONS = ("price", "time", "content", "break", "other")
SYMBOLS = {"usd": "$", "eur": "€", "gbp": "£", "cad": "CA$", "aud": "A$"}


def price_label(plan: Plan, t: Translator) -> str:
    amount = plan.amount
    number = f"{amount:.0f}" if amount == amount.to_integral_value() else f"{amount.quantize(Decimal('0.01'))}"
    symbol = SYMBOLS.get(plan.currency)
    money = f"{symbol}{number}" if symbol else f"{number} {plan.currency.upper()}"
    return t(f"billing.price.{plan.interval}", money=money)


def _message(text: str, *blocks: Block) -> OutboundMessage:
    return OutboundMessage(text=text, blocks=(Section(text), *blocks) if blocks else (Section(text),))


def _portal_button(t: Translator) -> Buttons:
    return Buttons((Button(t("billing.buttons.portal"), PORTAL, style="primary"),))


def _plan_buttons(offer: Sequence[Plan], t: Translator) -> Buttons:
    return Buttons(tuple(Button(t("billing.buttons.plan", plan=p.key, price=price_label(p, t)), f"{CHECKOUT}:{p.key}") for p in offer))


# -- replies ------------------------------------------------------------------------------


def checkout_link(plan: Plan, url: str, t: Translator) -> OutboundMessage:
    text = t("billing.checkout.text", plan=plan.key, price=price_label(plan, t))
    extra = t("billing.checkout.trial", days=plan.trial_days) if plan.trial_days else ""
    blocks: list[Block] = [Buttons((Button(t("billing.buttons.pay"), url=url, style="primary"),))]
    if extra:
        blocks.insert(0, Context(extra))
    return _message(text, *blocks, Context(t("billing.checkout.small_print")))


def plan_choices(choices: Sequence[Plan], t: Translator) -> OutboundMessage:
    return _message(t("billing.checkout.choose"), _plan_buttons(choices, t))


def portal_link(url: str, t: Translator) -> OutboundMessage:
    return _message(t("billing.portal.text"), Buttons((Button(t("billing.buttons.portal"), url=url, style="primary"),)))


def waitlisted(position: int, *, full: bool, t: Translator) -> OutboundMessage:
    return _message(t("billing.waitlist.full" if full else "billing.waitlist.added", position=position))


def doors_status(status: DoorsStatus, t: Translator) -> OutboundMessage:
    cap = str(status.seat_cap) if status.seat_cap is not None else t("billing.doors.no_cap")
    fields = (
        (t("billing.doors.field_doors"), t("billing.doors.open_word") if status.open else t("billing.doors.closed_word")),
        (t("billing.doors.field_seats"), t("billing.doors.seats", taken=status.seats_taken, cap=cap)),
        (t("billing.doors.field_waitlist"), t("billing.doors.waiting", waiting=status.waiting, invited=status.invited)),
    )
    header = t("billing.doors.header")
    return OutboundMessage(text=header, blocks=(Header(header), Fields(fields), Context(t("billing.doors.usage"))))


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
            t("billing.member.line", name=row.name, status=t(f"billing.status.{row.status}") if row.status in STATUS_KEYS else row.status,
              tier=row.tier, source=t("billing.member.stripe") if row.paid else t("billing.member.by_hand"),
              extra=(" · " + " · ".join(extra)) if extra else "")
        )
    header = t("billing.member.header", count=len(rows))
    return OutboundMessage(text=header, blocks=(Header(header), Section("\n".join(lines)), Context(t("billing.member.usage"))))


STATUS_KEYS = ("active", "trialing", "past_due", "paused", "canceled", "unpaid", "comped", "expired", "incomplete")


def exit_form(t: Translator) -> Form:
    reasons = tuple(Option(t(f"billing.exit.reasons.{r}"), r) for r in EXIT_REASONS)
    return Form(
        EXIT_FORM_ID,
        t("billing.exit.form_title"),
        (
            FormField("reason", t("billing.exit.form_reason"), kind="select", options=reasons),
            FormField("comment", t("billing.exit.form_comment"), kind="multiline", required=False),
        ),
        submit_label=t("billing.exit.form_submit"),
    )


# -- DMs to members -------------------------------------------------------------------------


def started_dm(community: str, status: str, t: Translator) -> OutboundMessage:
    key = "billing.started.trialing" if status == "trialing" else "billing.started.active"
    return _message(t(key, community=community), Context(t("billing.started.small_print")))


def recovered_dm(t: Translator) -> OutboundMessage:
    return _message(t("billing.notes.recovered"))


def dunning_dm(step: int, until: datetime, zone: ZoneInfo, t: Translator) -> OutboundMessage:
    key = "billing.dunning.day0" if step == 0 else "billing.dunning.reminder"
    return _message(t(key, until=local_time(until, zone, t)), _portal_button(t))


def grace_over_dm(t: Translator) -> OutboundMessage:
    return _message(t("billing.dunning.grace_over"), _portal_button(t))


def paused_dm(t: Translator) -> OutboundMessage:
    return _message(t("billing.notes.paused"), _portal_button(t))


def exit_survey_dm(t: Translator) -> OutboundMessage:
    buttons = tuple(Button(t(f"billing.exit.reasons.{r}"), f"{EXIT}:{r}") for r in EXIT_REASONS)
    return _message(
        t("billing.exit.question"), Buttons(buttons), Buttons((Button(t("billing.exit.own_words"), EXIT_FORM),)),
        Context(t("billing.exit.small_print")),
    )


def winback_dm(community: str, t: Translator) -> OutboundMessage:
    return _message(t("billing.notes.winback", community=community), Buttons((Button(t("billing.buttons.come_back"), JOIN, style="primary"),)))


def doors_open_dm(community: str, offer: Sequence[Plan], t: Translator) -> OutboundMessage:
    if not offer:
        return _message(t("billing.doors.invite_free", community=community), Buttons((Button(t("billing.buttons.join"), JOIN, style="primary"),)))
    founding = any(p.founding for p in offer)
    key = "billing.doors.invite_founding" if founding else "billing.doors.invite"
    prices = ", ".join(price_label(p, t) for p in offer)
    return _message(t(key, community=community, prices=prices), _plan_buttons(offer, t))


def renewal_dm(community: str, renews_at: datetime, review: YearInReview, zone: ZoneInfo, t: Translator) -> OutboundMessage:
    text = t("billing.renewal.text", community=community, when=local_time(renews_at, zone, t))
    year = t("billing.renewal.year", drops=review.drops, lives=review.live_sessions, attended=review.attended)
    return _message(text, Section(year), _portal_button(t))


def trial_ending_dm(trial_end: datetime, zone: ZoneInfo, paid: bool, t: Translator) -> OutboundMessage:
    when = local_time(trial_end, zone, t)
    if paid:
        return _message(t("billing.trial.ending_paid", when=when), _portal_button(t))
    return _message(t("billing.trial.ending_by_hand", when=when))


def trial_over_dm(t: Translator) -> OutboundMessage:
    return _message(t("billing.trial.over"), Buttons((Button(t("billing.buttons.join"), JOIN, style="primary"),)))


def granted_dm(community: str, tier: str, mode: str, end: datetime | None, zone: ZoneInfo, t: Translator) -> OutboundMessage:
    if mode == "trial" and end is not None:
        return _message(t("billing.granted.trial", community=community, tier=tier, until=local_time(end, zone, t)))
    return _message(t("billing.granted.comped", community=community, tier=tier))


# -- DMs to the creator ---------------------------------------------------------------------


def creator_past_due(name: str, until: datetime, zone: ZoneInfo, t: Translator) -> OutboundMessage:
    return _message(t("billing.creator.past_due", name=name, until=local_time(until, zone, t)))


def creator_grace_over(name: str, t: Translator) -> OutboundMessage:
    return _message(t("billing.creator.grace_over", name=name))


def creator_left(name: str, status: str, t: Translator) -> OutboundMessage:
    return _message(t("billing.creator.left", name=name, status=t(f"billing.status.{status}")))


def creator_exit_answer(name: str, reason: str, comment: str, t: Translator) -> OutboundMessage:
    text = t("billing.creator.exit_answer", name=name, reason=t(f"billing.exit.reasons.{reason}"))
    return _message(text, Context(comment.strip()[:500])) if comment.strip() else _message(text)


def creator_access_problem(platform: str, tier: str, fix: str, t: Translator) -> OutboundMessage:
    return _message(t("billing.creator.access_problem", platform=platform, tier=tier, fix=fix))
