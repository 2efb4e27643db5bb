"""On Slack, through signed requests: a modal the bot turns down is gone once acknowledged, so the
refusal comes as an ephemeral message with a button, and the button opens the modal again holding
what was typed (views.open with each block's initial value)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select, update

from bot.app import App
from bot.testing.fake_slack import FakeSlack
from storage.models import Member, PlatformIdentity
from tests.kits.slack import SlackRequests

TYPED = {"title": "Hot seats", "date": "2026-11-30", "time": "25:00", "zone": "Europe/Oslo", "duration": "45"}


def state(values: dict[str, str]) -> dict[str, Any]:
    """`view.state.values` as Slack sends a plain-text modal (block id = action id = field name)."""
    return {name: {name: {"type": "plain_text_input", "value": value}} for name, value in values.items()}


def initial_values(view: dict[str, Any]) -> dict[str, str]:
    return {
        block["element"]["action_id"]: block["element"]["initial_value"]
        for block in view["blocks"]
        if block.get("type") == "input" and "initial_value" in block["element"]
    }


async def test_a_refused_modal_comes_back_filled_in(
    slack_app: App, requests: SlackRequests, fake_slack: FakeSlack
) -> None:
    await requests.command("/membot", "help", user="U0CREATOR")
    async with slack_app.database.session() as session:
        owner = select(PlatformIdentity.member_id).where(PlatformIdentity.user_id == "U0CREATOR").scalar_subquery()
        await session.execute(update(Member).where(Member.id == owner).values(role="creator"))

    await requests.command("/membot", "live schedule", user="U0CREATOR")
    [first] = fake_slack.calls_to("views.open")
    view = first.params["view"]
    response = await requests.interaction(
        requests.view_submission(
            "qa.schedule", state(TYPED), user="U0CREATOR", private_metadata=view["private_metadata"]
        )
    )
    assert response.status == 200  # Slack closes the modal

    [refusal] = fake_slack.calls_to("chat.postEphemeral")[-1:]
    assert refusal.params["user"] == "U0CREATOR" and "Scheduled" not in refusal.params["text"]
    blocks = refusal.params["blocks"]
    blocks = json.loads(blocks) if isinstance(blocks, str) else blocks
    [button] = [e for b in blocks if b["type"] == "actions" for e in b["elements"]]
    assert button["action_id"] == "form.again:qa.schedule" and button["text"]["text"] == "Change it and send again"

    await requests.interaction(
        requests.block_actions({"type": "button", "action_id": button["action_id"], "value": ""}, user="U0CREATOR")
    )
    [_, again] = fake_slack.calls_to("views.open")
    reopened = again.params["view"]
    assert reopened["callback_id"] == "qa.schedule"
    assert initial_values(reopened) == TYPED  # link and description were left empty, as sent
