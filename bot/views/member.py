"""A member's own pages: /me (status and progress), /prefs (settings with controls) and the home tab."""

from __future__ import annotations

import re
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from bot.i18n import Translator
from bot.i18n_format import language_name
from bot.messages import (
    Block,
    Button,
    Buttons,
    Context,
    Divider,
    Fields,
    Header,
    Option,
    OutboundMessage,
    Section,
    Select,
)
from bot.notices.billing import WaitlistPlace
from bot.notices.content import ContentPiece
from bot.notices.live import SessionInfo
from bot.notices.member import CELEBRATE_CHOICES, MemberPage, Preferences, Standing
from bot.notices.onboarding import DROP_CHOICES, TIMES_OF_DAY
from bot.views.common import kind_label, local_date, local_time, shorten


def me(
    page: MemberPage,
    upcoming: Sequence[ContentPiece],
    tz: ZoneInfo,
    t: Translator,
    waiting: WaitlistPlace | None = None,
) -> OutboundMessage:
    header = t("member.me.header", name=page.name.split()[0])
    standing, progress = page.standing, page.progress
    ended = standing.status == "ended"  # an ex-member: no "member since", getting started or next drop
    steps = t("member.me.steps", done=min(progress.onboarding_done, page.steps_total), total=page.steps_total)
    fields = (
        (
            t("member.me.status"),
            t(f"member.status.{standing.status}") + (f" · {standing.tier}" if standing.tier else ""),
        ),
        (t("member.me.level"), str(page.level) if page.level else t("member.me.no_level")),
        *(
            ((t("member.me.since"), local_date(page.joined_at, tz, t)),)
            if standing.status not in ("none", "ended")
            else ()
        ),
        *(((t("member.me.onboarding"), steps),) if not ended else ()),
        *(((t("member.me.waitlist"), _waitlist_place(waiting, tz, t)),) if waiting is not None else ()),
    )
    value = t(
        "member.me.value",
        drops=t.plural("member.me.drops", progress.drops_since_joining, opened=t.number(progress.items_opened)),
        live=t.plural("member.me.live", progress.live_attended),
        answered=t.plural("member.me.answered", progress.questions_answered),
        referrals=t.plural("member.me.referrals", progress.referrals),
    )
    # Someone who never joined has had nothing yet: no "0 drops published since you joined".
    blocks: list[Block] = [Header(header), Fields(fields), *((Section(value),) if standing.status != "none" else ())]
    item = upcoming[0] if upcoming and not ended else None
    if item is not None and item.publish_at is not None:
        blocks.append(
            Context(
                t(
                    "member.me.next",
                    kind=kind_label(item.kind, t),
                    title=item.title,
                    when=local_time(item.publish_at, tz, t),
                )
            )
        )
    blocks.append(
        Buttons(
            (
                Button(t("member.me.prefs_button"), action_id="prefs.show"),
                Button(t("welcome.dm.button_library"), action_id="library.browse"),
            )
        )
    )
    return OutboundMessage(text=header, blocks=tuple(blocks))


def _waitlist_place(place: WaitlistPlace, tz: ZoneInfo, t: Translator) -> str:
    if place.held_until is not None:
        return t("member.me.waitlist_held", until=local_time(place.held_until, tz, t))
    if place.invited:
        return t("member.me.waitlist_invited")
    return t("member.me.waitlist_position", position=place.position)


def prefs(p: Preferences, locales: Sequence[str], community_tz: str, t: Translator) -> OutboundMessage:
    header = t("member.prefs.header")
    fields = (
        (t("member.prefs.drops"), t(f"onboarding.drops.{p.drops}")),
        (t("member.prefs.time"), t(f"onboarding.times.{p.time}")),
        (t("member.prefs.timezone"), p.timezone or t("member.prefs.community_zone", zone=community_tz)),
        (t("member.prefs.language"), language_name(p.language) if p.language else t("member.prefs.community_language")),
        (t("member.prefs.nudges"), t("member.prefs.on") if p.nudges else t("member.prefs.off")),
        (t("member.prefs.celebrate"), t(f"member.celebrate.{p.celebrate}")),
    )
    blocks: tuple[Block, ...] = (
        Header(header),
        Fields(fields),
        _select("drops", t),
        _select("time", t),
        _select("celebrate", t),
        Select(
            "prefs.set:language", t("member.prefs.language"), tuple(Option(language_name(loc), loc) for loc in locales)
        ),
        Buttons(
            (
                Button(
                    t("member.prefs.nudges_off") if p.nudges else t("member.prefs.nudges_on"),
                    action_id="prefs.set:nudges",
                    value="off" if p.nudges else "on",
                ),
            )
        ),
        Context(t("member.prefs.typed")),
    )
    return OutboundMessage(text=header, blocks=blocks)


def _select(setting: str, t: Translator) -> Select:
    choices = choice_words(setting, t)
    return Select(f"prefs.set:{setting}", t(f"member.prefs.{setting}"), tuple(Option(w, c) for c, w in choices.items()))


def choice_words(setting: str, t: Translator) -> dict[str, str]:
    """Each choice of a setting `/prefs` offers, and the words it shows for it in the reader's language."""
    if setting == "drops":
        return {k: t(f"onboarding.drops.{k}") for k in DROP_CHOICES}
    if setting == "time":
        return {k: t(f"onboarding.times.{k}") for k in (*TIMES_OF_DAY, "any")}
    if setting == "celebrate":
        return {k: t(f"member.celebrate.{k}") for k in CELEBRATE_CHOICES}
    if setting == "nudges":
        return {"on": t("member.prefs.on"), "off": t("member.prefs.off")}
    return {}  # a time zone or a language is a name, not one of our words


_HOUR_NOTE = re.compile(r"\s*[(（][^()（）]*[)）]$")  # "Kveld (18:00)": "kveld" says it


def typed_choice(setting: str, typed: str, t: Translator) -> str:
    """The choice meant by what a member typed after `/prefs SETTING`: the words `/prefs` shows them
    ("Kveld (18:00)", "kveld", "av") as well as the choice itself (`evening`, `off`); anything else as typed."""
    wanted = _folded(typed)
    words = choice_words(setting.strip().lower(), t)
    if wanted in words:
        return wanted
    for choice, label in words.items():
        if wanted in (_folded(label), _folded(_HOUR_NOTE.sub("", label.strip()))):
            return choice
    return typed


def _folded(text: str) -> str:
    return " ".join(text.split()).casefold()


def home(
    *,
    name: str,
    level: int | None,
    standing: Standing,
    prefs: Preferences,
    upcoming: Sequence[ContentPiece],
    live: SessionInfo | None,
    recent: Sequence[ContentPiece],
    community: str,
    creator: str,
    tz: ZoneInfo,
    t: Translator,
) -> OutboundMessage:
    """The home tab (Slack's App Home): membership, level, what's next, the latest in the library, preferences."""
    header = t("home.header", community=community, name=name.split()[0])
    nxt = upcoming[0] if upcoming else None
    blocks: list[Block] = [
        Header(header),
        Fields(
            (
                (t("member.me.status"), t(f"member.status.{standing.status}")),
                (t("member.me.level"), str(level) if level else t("member.me.no_level")),
                (
                    t("home.next_drop"),
                    t(
                        "home.item",
                        kind=kind_label(nxt.kind, t),
                        title=nxt.title,
                        when=local_time(nxt.publish_at, tz, t),
                    )
                    if nxt is not None and nxt.publish_at
                    else t("home.nothing"),
                ),
                (
                    t("home.next_live"),
                    t("home.live", title=live.title, when=local_time(live.starts_at, tz, t))
                    if live
                    else t("home.nothing"),
                ),
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
        Buttons(
            (
                Button(t("member.me.prefs_button"), action_id="prefs.show"),
                Button(t("welcome.dm.button_help"), action_id="help.show"),
            )
        ),
        Context(t("home.footer", creator=creator)),
    ]
    return OutboundMessage(text=header, blocks=tuple(blocks))
