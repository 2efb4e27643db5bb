"""How arriving and leaving read: the welcome DM (worded by `bot.views.welcome` with the next drop in
the reader's time), and /leave."""

from __future__ import annotations

from collections.abc import Callable
from zoneinfo import ZoneInfo

from bot.i18n import Translator
from bot.messages import Button, Buttons, Context, Header, OutboundMessage, Section
from bot.notices import Notice
from bot.notices.membership import Welcome
from bot.notices.onboarding import MemberProfile
from bot.views.analytics import NOTE
from bot.views.common import local_date, local_time
from bot.views.onboarding import intake_lines
from bot.views.welcome import welcome_dm

LEAVE = "membership.leave"
STAY = "membership.stay"


def leave_confirmation(community: str, t: Translator) -> OutboundMessage:
    """`/leave` for a membership by hand: ending it is one click, keeping it the other."""
    text = t("membership.leave.confirm", community=community)
    buttons = Buttons(
        (
            Button(t("membership.leave.yes"), action_id=LEAVE, style="danger"),
            Button(t("membership.leave.no"), action_id=STAY),
        )
    )
    return OutboundMessage(text=text, blocks=(Section(text), buttons))


def leave_in_portal(url: str, t: Translator) -> OutboundMessage:
    """`/leave` for a subscription: it is canceled in the billing portal, and access lasts the paid period."""
    text = t("membership.leave.portal")
    return OutboundMessage(
        text=text, blocks=(Section(text), Buttons((Button(t("membership.leave.open_portal"), url=url),)))
    )


def welcome(notice: Welcome, t: Translator, tz: ZoneInfo) -> OutboundMessage:
    next_drop = local_time(notice.next_drop, tz, t) if notice.next_drop is not None else None
    return welcome_dm(
        name=notice.name,
        community=notice.community,
        creator=notice.creator,
        next_drop=next_drop,
        weekly=notice.weekly,
        body=notice.body,
        t=t,
    )


def profile(member: MemberProfile, tz: ZoneInfo, t: Translator) -> OutboundMessage:
    """`/member show`: who the member is, their membership, and what they told us when they joined."""
    header = t("membership.show.header", name=member.name)
    facts = [t("membership.show.joined", date=local_date(member.joined_at, tz, t))]
    if member.status is None:
        facts.append(t("membership.show.no_membership"))
    else:
        since = local_date(member.since, tz, t) if member.since is not None else t("membership.show.unknown_date")
        facts.append(
            t(
                "membership.show.membership" if member.ended is None else "membership.show.ended",
                status=t(f"billing.status.{member.status}"),
                plan=member.plan or member.tier or "-",
                since=since,
                ended=local_date(member.ended, tz, t) if member.ended is not None else "",
            )
        )
    if member.last_active_at is not None:
        facts.append(t("membership.show.last_active", date=local_date(member.last_active_at, tz, t)))
    facts.append(t("membership.show.number", id=member.member_id))  # what `/privacy export|forget` take
    if member.intake_at is None:
        answers = t("membership.show.no_intake")
    else:
        answers = "\n".join(intake_lines(member.why, member.goal, member.level, member.format, t))
    blocks = (
        Header(header),
        Section("\n".join(facts)),
        Section(answers),
        Buttons((Button(t("analytics.risk.note_button"), action_id=f"{NOTE}:{member.member_id}"),)),
        Context(t("membership.show.context")),
    )
    return OutboundMessage(text=f"{header}\n" + "\n".join(facts) + "\n" + answers, blocks=blocks)


VIEWS: dict[type[Notice], Callable[..., OutboundMessage]] = {Welcome: welcome}
