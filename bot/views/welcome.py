"""The personal welcome a new member gets, and the public greeting."""

from __future__ import annotations

from collections.abc import Sequence

from bot.i18n import Translator
from bot.messages import Button, Buttons, Context, Header, OutboundMessage, Section
from bot.notices.onboarding import INTAKE_QUESTIONS
from bot.views.common import fill_in, first_name


def welcome_dm(
    *,
    name: str,
    community: str,
    creator: str,
    next_drop: str | None,
    t: Translator,
    weekly: Sequence[str] = (),
    body: str = "",
) -> OutboundMessage:
    """The personal welcome. `weekly`: the content kinds the community's drop slots send each week
    (the line that promises them is left out when there are none). `body`: the creator's own words for the
    opening paragraph (an experiment's variant); empty: the template's."""
    values = {"name": first_name(name), "community": community, "creator": creator}
    next_line = t("welcome.dm.next_drop", when=next_drop) if next_drop else t("welcome.dm.next_drop_soon")
    kinds = [t(f"welcome.kinds.{kind}") for kind in weekly]
    weekly_line = t("welcome.dm.weekly", kinds=t.list(kinds)) + "\n" if kinds else ""
    blocks = (
        Header(t("welcome.dm.header", **values)),
        Section(fill_in(body, values) if body else t("welcome.dm.body", **values)),
        Section(t("welcome.dm.what_next", next_drop=next_line, weekly=weekly_line, **values)),
        Buttons(
            (
                Button(
                    t.plural("onboarding.intake.button", len(INTAKE_QUESTIONS)),
                    action_id="onboard.intake",
                    style="primary",
                ),
                Button(t("welcome.dm.button_next"), action_id="content.next"),
                Button(t("welcome.dm.button_library"), action_id="library.browse"),
                Button(t("welcome.dm.button_help"), action_id="help.show"),
            )
        ),
        Context(t("welcome.dm.signature", **values)),
    )
    return OutboundMessage(text=t("welcome.dm.fallback", **values), blocks=blocks)


def welcome_public(*, name: str, community: str, t: Translator) -> OutboundMessage:
    text = t("welcome.public.text", name=first_name(name), community=community)
    return OutboundMessage(text=text, blocks=(Section(text),))
