"""How ambassadors look in chat: the invite card, the thanks for a credited referral, the leaderboard."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from zoneinfo import ZoneInfo

from bot.i18n import Translator
from bot.messages import Block, Context, Header, OutboundMessage, Section
from bot.notices import Notice
from bot.notices.referrals import Ambassador, Invite, ReferralCredited
from bot.views.common import first_name

MEDALS = ("🥇", "🥈", "🥉")


def invite(card: Invite, t: Translator, *, community: str) -> OutboundMessage:
    blocks: list[Block] = [
        Header(t("referrals.invite.header", community=community)),
        Section(t("referrals.invite.body", code=card.code, community=community)),
        Section(t("referrals.invite.how", code=card.code)),
    ]
    if card.credited or card.pending:
        blocks.append(Context(t("referrals.invite.stats", credited=card.credited, pending=card.pending)))
    return OutboundMessage(text=t("referrals.invite.fallback", code=card.code), blocks=tuple(blocks))


def credited(notice: ReferralCredited, t: Translator, tz: ZoneInfo) -> OutboundMessage:
    """The ambassador's thanks, by DM, when a friend they invited starts paying."""
    text = t.plural("referrals.credited", notice.total, friend=first_name(notice.friend))
    return OutboundMessage(text=text, blocks=(Section(text),))


def leaderboard(leaders: Sequence[Ambassador], t: Translator) -> OutboundMessage:
    if not leaders:
        return OutboundMessage(text=t("referrals.board.empty"), blocks=(Section(t("referrals.board.empty")),))
    lines = []
    for rank, who in enumerate(leaders, start=1):
        place = MEDALS[rank - 1] if rank <= len(MEDALS) else f"{rank}."
        line = t.plural("referrals.board.line", who.credited, place=place, name=who.name)
        if who.pending:
            line += " " + t("referrals.board.pending", pending=who.pending)
        lines.append(line)
    header = t("referrals.board.header")
    return OutboundMessage(
        text=header, blocks=(Header(header), Section("\n".join(lines)), Context(t("referrals.board.context")))
    )


VIEWS: dict[type[Notice], Callable[..., OutboundMessage]] = {ReferralCredited: credited}
