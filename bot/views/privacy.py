"""Privacy in chat: a member's export file, and the question before /forget-me erases them."""

from __future__ import annotations

from collections.abc import Callable
from zoneinfo import ZoneInfo

from bot.i18n import Translator
from bot.messages import Attachment, Button, Buttons, OutboundMessage, Section
from bot.notices import Notice
from bot.notices.privacy import DataExport

JSON = "application/json"


def data_export(notice: DataExport, t: Translator, tz: ZoneInfo) -> OutboundMessage:
    """The member's own export, by DM (a file, never in a channel)."""
    return OutboundMessage(text=t("privacy.export_file"), attachment=Attachment("my-data.json", notice.data, JSON))


def export_for_creator(member_id: int, data: bytes, t: Translator) -> OutboundMessage:
    """`/privacy export MEMBER_ID`: the file, in the creator's reply."""
    return OutboundMessage(
        text=t("privacy.export_for_creator", id=member_id),
        attachment=Attachment(f"member-{member_id}.json", data, JSON),
    )


FORGET_MEMBER = "privacy.forget_member"  # the creator's confirmation of `/privacy forget ID`


def confirm_forget(member_id: int, *, paying: bool, member: bool, t: Translator) -> OutboundMessage:
    """Ask before erasing, saying what happens to billing: a running subscription is cancelled at Stripe."""
    if paying:
        text = t("privacy.confirm_subscription")
    else:
        text = t("privacy.confirm_membership" if member else "privacy.confirm")
    return OutboundMessage(
        text=text,
        blocks=(
            Section(text),
            Buttons(
                (
                    Button(t("privacy.confirm_yes"), action_id=f"privacy.forget:{member_id}", style="danger"),
                    Button(t("privacy.confirm_no"), action_id="privacy.keep"),
                )
            ),
        ),
    )


def confirm_forget_member(member_id: int, name: str, *, paying: bool, t: Translator) -> OutboundMessage:
    """The creator is asked before erasing someone: the name shows whether the id was the one meant."""
    text = t("privacy.confirm_member_subscription" if paying else "privacy.confirm_member", id=member_id, name=name)
    return OutboundMessage(
        text=text,
        blocks=(
            Section(text),
            Buttons(
                (
                    Button(
                        t("privacy.confirm_member_yes", name=name),
                        action_id=f"{FORGET_MEMBER}:{member_id}",
                        style="danger",
                    ),
                    Button(t("privacy.confirm_member_no"), action_id="privacy.keep"),
                )
            ),
        ),
    )


VIEWS: dict[type[Notice], Callable[..., OutboundMessage]] = {DataExport: data_export}
