"""Slack payloads -> neutral events. Pure: no SDK, no network; the adapter attaches the responder.

Shapes follow Slack's Events API envelopes (`event_callback`), slash-command form bodies
and interactivity payloads (`block_actions`, `view_submission`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from bot.events import (
    ActionClicked,
    ChannelRef,
    CommandInvoked,
    Event,
    FormSubmitted,
    MemberJoined,
    MemberLeft,
    MessagePosted,
    ReactionAdded,
    Responder,
    UserRef,
)
from bot.platforms.slack.commands import parse_command
from bot.platforms.slack.render import LINK_ACTION_PREFIX, decode_action_id

PLATFORM = "slack"
# Message subtypes that are still a person saying something; every other subtype
# (message_changed, message_deleted, channel_join, bot_message...) is ignored.
PERSON_SUBTYPES = frozenset({"thread_broadcast", "file_share", "me_message"})

_USER_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|([^>]*))?>")
_CHANNEL_MENTION = re.compile(r"<#([CG][A-Z0-9]+)(?:\|([^>]*))?>")
_SPECIAL = re.compile(r"<!(here|channel|everyone)(?:\|[^>]*)?>")
_LINK = re.compile(r"<((?:https?://|mailto:)[^|>]+)(?:\|([^>]*))?>")


def plain_text(text: str, *, bot_user_id: str | None = None) -> str:
    """Slack's mrkdwn as a person typed it: the bot's mention removed, other mentions as `@name`,
    links as their label (what the person typed), entities decoded."""
    if bot_user_id:
        text = re.sub(rf"<@{re.escape(bot_user_id)}(?:\|[^>]*)?>", "", text)
    text = _USER_MENTION.sub(lambda m: f"@{m.group(2) or m.group(1)}", text)
    text = _CHANNEL_MENTION.sub(lambda m: f"#{m.group(2) or m.group(1)}", text)
    text = _SPECIAL.sub(lambda m: f"@{m.group(1)}", text)
    text = _LINK.sub(lambda m: m.group(2) or m.group(1), text)
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return re.sub(r"[ \t]{2,}", " ", text).strip()


def _user(team_id: str, user_id: str, *, name: str | None = None, locale: str | None = None) -> UserRef:
    return UserRef(PLATFORM, team_id, user_id, name or None, locale or None)


def _channel(
    team_id: str, channel_id: str, *, thread_ts: str | None = None, channel_type: str | None = None
) -> ChannelRef:
    is_dm = channel_type == "im" if channel_type else channel_id.startswith("D")
    return ChannelRef(PLATFORM, team_id, channel_id, thread_id=thread_ts, is_dm=is_dm)


# -- Events API ---------------------------------------------------------------------------


def envelope_team(body: Mapping[str, Any]) -> str:
    event = body.get("event") or {}
    return str(body.get("team_id") or event.get("team") or "")


def event_from_envelope(body: Mapping[str, Any], *, bot_user_id: str | None = None) -> Event | None:
    """One `event_callback` envelope -> an event, or None when membot does not care about it."""
    event = body.get("event") or {}
    team = envelope_team(body)
    event_id = body.get("event_id")
    kind = event.get("type")
    if kind == "team_join":
        return _team_join(team, event, event_id)
    if kind in ("member_joined_channel", "member_left_channel"):
        user_id = event.get("user")
        if not user_id or user_id == bot_user_id:
            return None
        where = _channel(team, event.get("channel", ""), channel_type=_channel_type(event.get("channel_type")))
        cls = MemberJoined if kind == "member_joined_channel" else MemberLeft
        return cls(user=_user(team, user_id), channel=where, event_id=event_id)
    if kind == "message":
        return _message(team, event, event_id, bot_user_id)
    if kind == "app_mention":
        if event.get("bot_id") or not event.get("user"):
            return None
        return _posted(team, event, event_id, bot_user_id, mentions_bot=True)
    if kind == "reaction_added":
        item = event.get("item") or {}
        if item.get("type") != "message" or not event.get("user") or event.get("user") == bot_user_id:
            return None
        where = _channel(team, item.get("channel", ""))
        return ReactionAdded(
            user=_user(team, event["user"]),
            channel=where,
            emoji=event.get("reaction", ""),
            message_id=item.get("ts", ""),
            event_id=event_id,
        )
    return None


def _channel_type(code: str | None) -> str | None:
    """member_joined_channel says C (public) or G (private); messages say channel/group/im."""
    return {"C": "channel", "G": "group"}.get(code or "", code)


def _team_join(team: str, event: Mapping[str, Any], event_id: str | None) -> MemberJoined | None:
    user = event.get("user") or {}
    if not isinstance(user, Mapping) or not user.get("id") or user.get("is_bot") or user.get("deleted"):
        return None
    profile = user.get("profile") or {}
    name = profile.get("display_name") or profile.get("real_name") or user.get("real_name") or user.get("name")
    return MemberJoined(
        user=_user(user.get("team_id") or team, user["id"], name=name, locale=user.get("locale")), event_id=event_id
    )


def _message(
    team: str, event: Mapping[str, Any], event_id: str | None, bot_user_id: str | None
) -> MessagePosted | None:
    if event.get("bot_id") or (event.get("subtype") and event["subtype"] not in PERSON_SUBTYPES):
        return None
    if not event.get("user") or event.get("user") == bot_user_id:
        return None
    is_dm = event.get("channel_type") == "im"
    mentions = bool(bot_user_id) and f"<@{bot_user_id}" in event.get("text", "")
    if mentions and not is_dm:
        return None  # Slack also sends app_mention for it; that one becomes the event
    return _posted(team, event, event_id, bot_user_id, mentions_bot=mentions)


def _posted(
    team: str, event: Mapping[str, Any], event_id: str | None, bot_user_id: str | None, *, mentions_bot: bool
) -> MessagePosted:
    where = _channel(
        team, event.get("channel", ""), thread_ts=event.get("thread_ts"), channel_type=event.get("channel_type")
    )
    return MessagePosted(
        user=_user(event.get("user_team") or team, event["user"]),
        channel=where,
        text=plain_text(event.get("text", ""), bot_user_id=bot_user_id),
        message_id=event.get("ts", ""),
        mentions_bot=mentions_bot,
        event_id=event_id,
    )


def home_opened(body: Mapping[str, Any]) -> UserRef | None:
    """The member who opened the App Home tab (not the Messages tab), or None."""
    event = body.get("event") or {}
    if event.get("type") != "app_home_opened" or event.get("tab") != "home" or not event.get("user"):
        return None
    return _user(envelope_team(body), event["user"])


# -- slash commands and interactivity -----------------------------------------------------


def command_event(body: Mapping[str, Any], responder: Responder | None = None) -> CommandInvoked:
    """A slash command's form body. Slash commands are never retried, so the trigger id is the event id."""
    name, args = parse_command(body.get("command", ""), body.get("text", ""))
    team = str(body.get("team_id", ""))
    return CommandInvoked(
        user=_user(team, body.get("user_id", ""), name=body.get("user_name")),
        channel=_channel(
            team, body["channel_id"], channel_type="im" if body.get("channel_name") == "directmessage" else None
        )
        if body.get("channel_id")
        else None,
        name=name,
        args=args,
        event_id=body.get("trigger_id"),
        responder=responder,
    )


def interaction_team(body: Mapping[str, Any]) -> str:
    team = body.get("team") or {}
    return str(team.get("id") or (body.get("user") or {}).get("team_id") or "")


def interaction_user(body: Mapping[str, Any]) -> UserRef:
    user = body.get("user") or {}
    return _user(interaction_team(body), user.get("id", ""), name=user.get("name") or user.get("username"))


def interaction_channel(body: Mapping[str, Any]) -> ChannelRef | None:
    container = body.get("container") or {}
    channel_id = (body.get("channel") or {}).get("id") or container.get("channel_id")
    if not channel_id:
        return None
    thread = container.get("thread_ts") or (body.get("message") or {}).get("thread_ts")
    return _channel(interaction_team(body), channel_id, thread_ts=thread)


def action_events(body: Mapping[str, Any], responder: Responder | None = None) -> list[ActionClicked]:
    """Each button or static-select choice in a `block_actions` payload (link buttons are skipped)."""
    events = []
    actions = body.get("actions") or []
    for index, action in enumerate(actions):
        raw = action.get("action_id", "")
        if raw.startswith(LINK_ACTION_PREFIX):
            continue
        if action.get("type") in ("static_select", "external_select"):
            value = (action.get("selected_option") or {}).get("value", "")
        else:
            value = action.get("value", "")
        trigger = body.get("trigger_id") or action.get("action_ts", "")
        events.append(
            ActionClicked(
                user=interaction_user(body),
                channel=interaction_channel(body),
                action_id=decode_action_id(raw),
                value=value,
                event_id=trigger if len(actions) == 1 else f"{trigger}:{index}",
                responder=responder,
            )
        )
    return events


def form_values(state: Mapping[str, Any]) -> dict[str, str]:
    """`view.state.values` -> `{field name: value}`; an empty optional field gives ""."""
    values: dict[str, str] = {}
    for block_id, elements in (state.get("values") or {}).items():
        for action_id, element in elements.items():
            kind = element.get("type")
            if kind in ("static_select", "radio_buttons", "external_select"):
                value = (element.get("selected_option") or {}).get("value")
            else:
                value = element.get("value")
            values[action_id or block_id] = "" if value is None else str(value)
    return values


def form_event(body: Mapping[str, Any], responder: Responder | None = None) -> FormSubmitted | None:
    view = body.get("view") or {}
    if body.get("type") != "view_submission" or not view.get("callback_id"):
        return None
    return FormSubmitted(
        user=interaction_user(body),
        form_id=view["callback_id"],
        values=form_values(view.get("state") or {}),
        event_id=body.get("trigger_id") or view.get("id"),
        responder=responder,
    )


# -- shape ---------------------------------------------------------------------------------

Shape = dict[str, Any]  # field -> a type (or tuple of types), or a nested Shape for an object
_TEXT = (str,)
_USER = {"id": _TEXT, "name": _TEXT, "username": _TEXT, "team_id": _TEXT}
_STATE = {"values": (Mapping,)}
_VIEW = {"type": _TEXT, "callback_id": _TEXT, "id": _TEXT, "private_metadata": _TEXT, "state": _STATE}
_ACTION = {"action_id": _TEXT, "type": _TEXT, "value": _TEXT, "action_ts": _TEXT, "selected_option": {"value": _TEXT}}
_TOP: Shape = {
    "type": _TEXT,
    "team_id": _TEXT,
    "event_id": _TEXT,
    "trigger_id": _TEXT,
    "response_url": _TEXT,
    "command": _TEXT,
    "text": _TEXT,
    "user_id": _TEXT,
    "user_name": _TEXT,
    "channel_id": _TEXT,
    "channel_name": _TEXT,
    "authorizations": (list,),
    "enterprise": (str, Mapping),
    "team": {"id": _TEXT, "domain": _TEXT, "enterprise_id": _TEXT},
    "user": _USER,
    "channel": {"id": _TEXT},
    "container": {"channel_id": _TEXT, "thread_ts": _TEXT, "message_ts": _TEXT},
    "message": {"ts": _TEXT, "thread_ts": _TEXT},
    "view": _VIEW,
    "actions": (list,),
}
_EVENT: Shape = {
    "type": _TEXT,
    "channel": _TEXT,
    "channel_type": _TEXT,
    "text": _TEXT,
    "ts": _TEXT,
    "thread_ts": _TEXT,
    "subtype": _TEXT,
    "user_team": _TEXT,
    "reaction": _TEXT,
    "tab": _TEXT,
    "item": {"type": _TEXT, "channel": _TEXT, "ts": _TEXT},
}
_JOINED_USER = {**_USER, "real_name": _TEXT, "locale": _TEXT, "profile": {"display_name": _TEXT, "real_name": _TEXT}}
READ_EVENTS = frozenset(
    {
        "team_join",
        "member_joined_channel",
        "member_left_channel",
        "message",
        "app_mention",
        "reaction_added",
        "app_home_opened",
    }
)
_PEOPLES_PAYLOADS = frozenset(
    {"block_actions", "view_submission", "view_closed", "block_suggestion", "shortcut", "message_action"}
)


def body_problem(body: Any) -> str | None:
    """Why a signed body is not a well-formed Slack request, or None. Checked before Bolt or the
    translators above read it, so a malformed body is a 400 and never an exception in either.

    Only the fields Bolt and membot read are checked; an absent or null optional field is fine.
    """
    if not isinstance(body, Mapping):
        return "body"
    problem = _shape(body, _TOP, "")
    if problem:
        return problem
    kind = body.get("type")
    if kind == "event_callback" or "event" in body:
        event = body.get("event")
        if not isinstance(event, Mapping) or not isinstance(event.get("type"), str):
            return "event"
        if event["type"] not in READ_EVENTS:
            return None  # membot does not read it: Bolt answers it is unhandled
        user_shape: Shape = {"user": _JOINED_USER if event["type"] == "team_join" else _TEXT}
        return _shape(event, _EVENT, "event.") or _shape(event, user_shape, "event.")
    if kind in _PEOPLES_PAYLOADS and not (isinstance(body.get("user"), Mapping) and body["user"].get("id")):
        return "user"
    if kind == "block_actions" or "actions" in body:
        actions = body.get("actions")
        if not actions or not isinstance(actions, list) or not all(isinstance(a, Mapping) for a in actions):
            return "actions"
        return next(
            (p for a in actions if (p := _shape(a, _ACTION, "actions[].") or _required(a, "action_id", "actions[]."))),
            None,
        )
    if kind in ("view_submission", "view_closed") or "view" in body:
        view = body.get("view")
        if not isinstance(view, Mapping):
            return "view"
        return (
            _required(view, "type", "view.")
            or _required(view, "callback_id", "view.")
            or _form_state(view.get("state"))
        )
    if "command" in body:
        return _required(body, "command", "") or _required(body, "user_id", "")
    return None


def _shape(mapping: Mapping[str, Any], shape: Shape, path: str) -> str | None:
    for name, kind in shape.items():
        value = mapping.get(name)
        if value is None:
            continue
        if isinstance(kind, dict):
            if not isinstance(value, Mapping):
                return path + name
            problem = _shape(value, kind, f"{path}{name}.")
            if problem:
                return problem
        elif not isinstance(value, kind):
            return path + name
    return None


def _required(mapping: Mapping[str, Any], name: str, path: str) -> str | None:
    return None if isinstance(mapping.get(name), str) and mapping[name] else path + name


def _form_state(state: Any) -> str | None:
    """`view.state.values`: blocks of elements, each an object with a text value or a chosen option."""
    if state is None or state.get("values") is None:
        return None
    for elements in state["values"].values():
        if not isinstance(elements, Mapping):
            return "view.state.values"
        for element in elements.values():
            if not isinstance(element, Mapping) or _shape(
                element, {"type": _TEXT, "value": _TEXT, "selected_option": {"value": _TEXT}}, ""
            ):
                return "view.state.values"
    return None
