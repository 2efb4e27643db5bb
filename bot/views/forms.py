"""A form turned down: the reason, and a button that opens the same form again filled in as sent."""

from __future__ import annotations

from bot.i18n import Translator
from bot.messages import Button, Buttons, OutboundMessage, Section

AGAIN_ROUTE = "form.again"


def refused(reason: str, form_id: str, t: Translator) -> OutboundMessage:
    again = Button(t("forms.again.button"), f"{AGAIN_ROUTE}:{form_id}", style="primary")
    return OutboundMessage(text=reason, blocks=(Section(reason), Buttons((again,))))
