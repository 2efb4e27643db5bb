"""The member's home page (Slack's App Home tab): membership, level, what's next, recent library, preferences."""

from __future__ import annotations

from bot.events import UserRef
from bot.messages import OutboundMessage
from bot.services.registry import Services
from bot.services.timing import member_zone
from bot.views import member as views

RECENT = 5


async def render_home(services: Services, user: UserRef) -> OutboundMessage:
    member = await services.membership.identify(user)
    return views.home(
        name=member.display_name,
        level=member.level,
        standing=await services.member_pages.standing(member.id),
        prefs=await services.preferences.get(member.id),
        upcoming=await services.content.upcoming(1),
        live=await services.live.next_session(),
        recent=list(await services.content.library())[:RECENT],
        community=services.community.name,
        creator=services.community.creator_name,
        tz=member_zone(member.timezone, services.community.tz),
        t=services.catalog.for_locale(member.locale, user.locale, services.community.locale),
    )
