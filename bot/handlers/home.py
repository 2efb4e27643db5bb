"""The member's home page (Slack's App Home tab): membership, level, what's next, recent library, preferences."""

from __future__ import annotations

from bot.events import UserRef
from bot.messages import Button, Buttons, Context, Divider, Fields, Header, OutboundMessage, Section
from bot.services.registry import Services
from bot.views.common import kind_label, local_time, shorten
from storage.repositories import members

RECENT = 5


async def render_home(services: Services, user: UserRef) -> OutboundMessage:
    member = await services.membership.identify(user)
    t = services.catalog.for_locale(member.locale, user.locale, services.community.locale)
    tz = services.community.tz
    async with services.database.session() as session:
        current = await members.current_membership(session, member.id)
    prefs = await services.preferences.get(member.id)
    upcoming = await services.content.upcoming(1)
    live = await services.live.next_session()
    recent = list(await services.content.library())[:RECENT]

    status = t(f"member.status.{current[0].status if current else 'none'}")
    header = t("home.header", community=services.community.name, name=member.display_name.split()[0])
    blocks: list = [
        Header(header),
        Fields(
            (
                (t("member.me.status"), status),
                (t("member.me.level"), str(member.level) if member.level else t("member.me.no_level")),
                (
                    t("home.next_drop"),
                    t("home.item", kind=kind_label(upcoming[0].kind, t), title=upcoming[0].title, when=local_time(upcoming[0].publish_at, tz, t))
                    if upcoming and upcoming[0].publish_at
                    else t("home.nothing"),
                ),
                (t("home.next_live"), t("home.live", title=live.title, when=local_time(live.starts_at, tz, t)) if live else t("home.nothing")),
            )
        ),
        Divider(),
        Section(t("home.recent")),
    ]
    if recent:
        blocks.append(Buttons(tuple(Button(shorten(i.title), action_id=f"library.open:{i.id}") for i in recent)))
    else:
        blocks.append(Section(t("library.empty")))
    blocks += [
        Divider(),
        Section(t("home.prefs", drops=t(f"onboarding.drops.{prefs.drops}"), time=t(f"onboarding.times.{prefs.time}"))),
        Buttons((Button(t("member.me.prefs_button"), action_id="prefs.show"), Button(t("welcome.dm.button_help"), action_id="help.show"))),
        Context(t("home.footer", creator=services.community.creator_name)),
    ]
    return OutboundMessage(text=header, blocks=tuple(blocks))
