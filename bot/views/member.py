"""A member's own page: /me (status and progress) and /prefs (settings with controls)."""

from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import ZoneInfo

from bot.i18n import Translator
from bot.messages import Button, Buttons, Context, Fields, Header, Option, OutboundMessage, Section, Select
from bot.services.preferences import CELEBRATE, DROPS, Preferences
from bot.services.intake import TIMES
from bot.views.common import kind_label, local_date, local_time
from storage.models import ContentItem, Member
from storage.repositories.progress import Progress


def me(
    member: Member,
    *,
    status: str,
    tier: str | None,
    progress: Progress,
    steps_total: int,
    upcoming: Sequence[ContentItem],
    tz: ZoneInfo,
    t: Translator,
) -> OutboundMessage:
    header = t("member.me.header", name=member.display_name.split()[0])
    fields = (
        (t("member.me.status"), t(f"member.status.{status}") + (f" · {tier}" if tier else "")),
        (t("member.me.level"), str(member.level) if member.level else t("member.me.no_level")),
        (t("member.me.since"), local_date(member.joined_at, tz, t)),
        (t("member.me.onboarding"), t("member.me.steps", done=min(progress.onboarding_done, steps_total), total=steps_total)),
    )
    value = t(
        "member.me.value",
        drops=progress.drops_since_joining,
        opened=progress.items_opened,
        live=progress.live_attended,
        answered=progress.questions_answered,
        referrals=progress.referrals,
    )
    blocks: list = [Header(header), Fields(fields), Section(value)]
    if upcoming and upcoming[0].publish_at is not None:
        item = upcoming[0]
        blocks.append(Context(t("member.me.next", kind=kind_label(item.kind, t), title=item.title, when=local_time(item.publish_at, tz, t))))
    blocks.append(Buttons((Button(t("member.me.prefs_button"), action_id="prefs.show"), Button(t("welcome.dm.button_library"), action_id="library.browse"))))
    return OutboundMessage(text=header, blocks=tuple(blocks))


def prefs(p: Preferences, locales: Sequence[str], community_tz: str, t: Translator) -> OutboundMessage:
    header = t("member.prefs.header")
    fields = (
        (t("member.prefs.drops"), t(f"onboarding.drops.{p.drops}")),
        (t("member.prefs.time"), t(f"onboarding.times.{p.time}")),
        (t("member.prefs.timezone"), p.timezone or t("member.prefs.community_zone", zone=community_tz)),
        (t("member.prefs.language"), p.language or t("member.prefs.community_language")),
        (t("member.prefs.nudges"), t("member.prefs.on") if p.nudges else t("member.prefs.off")),
        (t("member.prefs.celebrate"), t(f"member.celebrate.{p.celebrate}")),
    )
    blocks = (
        Header(header),
        Fields(fields),
        Select("prefs.set:drops", t("member.prefs.drops"), tuple(Option(t(f"onboarding.drops.{k}"), k) for k in DROPS)),
        Select("prefs.set:time", t("member.prefs.time"), tuple(Option(t(f"onboarding.times.{k}"), k) for k in (*TIMES, "any"))),
        Select("prefs.set:celebrate", t("member.prefs.celebrate"), tuple(Option(t(f"member.celebrate.{k}"), k) for k in CELEBRATE)),
        Select("prefs.set:language", t("member.prefs.language"), tuple(Option(loc, loc) for loc in locales)),
        Buttons((Button(t("member.prefs.nudges_off") if p.nudges else t("member.prefs.nudges_on"), action_id="prefs.set:nudges", value="off" if p.nudges else "on"),)),
        Context(t("member.prefs.typed")),
    )
    return OutboundMessage(text=header, blocks=blocks)
