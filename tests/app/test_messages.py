"""Neutral messages and action ids."""

from __future__ import annotations

import pytest

from bot.messages import ActionId, Button, Buttons, OutboundMessage, Target, text_message


def test_action_ids_round_trip() -> None:
    action = ActionId.parse("qa.rsvp:42")
    assert (action.namespace, action.verb, action.arg, action.route) == ("qa", "rsvp", "42", "qa.rsvp")
    assert str(action) == "qa.rsvp:42"
    assert ActionId.parse("content.next").arg is None


@pytest.mark.parametrize("raw", ["", "rsvp", "qa.", "Qa.rsvp", "qa.rsvp:has space", "qa.rsvp:" + "x" * 81])
def test_malformed_action_ids_are_rejected(raw: str) -> None:
    with pytest.raises(ValueError):
        ActionId.parse(raw)


def test_target_is_a_dm_or_a_channel_never_both() -> None:
    with pytest.raises(ValueError):
        Target("slack", "T1")
    with pytest.raises(ValueError):
        Target("slack", "T1", user_id="U1", channel="drops")
    assert Target("slack", "T1", user_id="U1").is_dm


def test_choices_list_only_clickable_buttons() -> None:
    message = OutboundMessage(
        "x", (Buttons((Button("Go", action_id="a.b"), Button("Site", url="https://example.com"))),)
    )
    assert [b.label for b in message.choices()] == ["Go"]  # type: ignore[union-attr]
    assert text_message("hi").choices() == []
