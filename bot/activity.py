"""What an inbound event counts as, for a member's activity: its kind, and what it was about."""

from __future__ import annotations

from bot.events import ActionClicked, CommandInvoked, Event, FormSubmitted, MessagePosted, ReactionAdded

ACTIVITY_KINDS: dict[type[Event], str] = {
    CommandInvoked: "command",
    ActionClicked: "click",
    MessagePosted: "message",
    ReactionAdded: "reaction",
    FormSubmitted: "form",
}

LEAVING = frozenset({"leave", "membership.leave", "membership.stay", "billing.exit", "billing.exit-form"})
"""`/leave`, its two buttons and the exit survey (their command, action and form ids): leaving, or
thinking about it, is not taking part, so it neither counts as a win-back after a check-in nor as
weekly activity (a stale "Keep it" pressed after leaving made the ex-member "active")."""


def activity_kind(event: Event) -> str | None:
    """How an event counts as activity (None: it does not). A message in a direct conversation with
    the bot is a "dm", not a "message": a question or a reply in private is taking part, but not a
    post the community saw (the first-post milestone and the onboarding's "unless posted" read "message")."""
    if isinstance(event, MessagePosted) and event.channel is not None and event.channel.is_dm:
        return "dm"
    ref = activity_ref(event)
    if ref is not None and ref.split(":", 1)[0] in LEAVING:
        return None
    return ACTIVITY_KINDS.get(type(event))


def activity_ref(event: Event) -> str | None:
    """What the activity was about, without personal data: a command name, an action id."""
    if isinstance(event, CommandInvoked):
        return event.name
    if isinstance(event, ActionClicked):
        return event.action_id
    if isinstance(event, FormSubmitted):
        return event.form_id
    if isinstance(event, ReactionAdded):
        return f"msg:{event.message_id}"  # which post was reacted to: analytics counts reactions per drop
    return None
