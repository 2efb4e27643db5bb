"""Signed Slack interactions from someone without the role: the router refuses them before any handler runs."""

from __future__ import annotations

from sqlalchemy import func, select, update

from bot.app import App
from bot.testing.fake_slack import FakeSlack
from storage.models import ContentItem, Member, OutboxMessage, PlatformIdentity
from tests.kits.slack import SlackRequests

PHISH = "https://phish.example/login"


def drop_values(title: str, url: str) -> dict:
    """`view.state.values` as Slack sends them for the drops.add form (block id = action id = field name)."""
    text = {"title": title, "url": url, "teaser": "Log in to claim it", "levels": "", "topics": "", "body": ""}
    values = {name: {name: {"type": "plain_text_input", "value": value}} for name, value in text.items()}
    values["kind"] = {
        "kind": {
            "type": "static_select",
            "selected_option": {"text": {"type": "plain_text", "text": "Resource"}, "value": "resource"},
        }
    }
    return values


async def count(app: App, model: type, *where: object) -> int:
    async with app.database.session() as session:
        return await session.scalar(select(func.count()).select_from(model).where(*where)) or 0


async def test_a_members_forged_drops_add_submission_queues_nothing(
    slack_app: App, requests: SlackRequests, fake_slack: FakeSlack
) -> None:
    """The repro: a member (not the creator) posts a signed view_submission for the creator's drops.add form."""
    outbox_before = await count(slack_app, OutboxMessage)
    response = await requests.interaction(
        requests.view_submission("drops.add", drop_values("Claim your bonus", PHISH), user="U0MALLORY")
    )
    assert response.status == 200  # Slack closes the modal; the answer comes as a message
    await slack_app.settle()

    assert await count(slack_app, ContentItem, ContentItem.title == "Claim your bonus") == 0
    assert await count(slack_app, OutboxMessage) == outbox_before  # nothing queued for anyone
    answers = [
        c.params["text"] for c in fake_slack.calls_to("chat.postMessage") + fake_slack.calls_to("chat.postEphemeral")
    ]
    assert answers == ["Sorry, /drop is for the creator and moderators only."]


async def test_the_same_submission_from_the_creator_is_accepted(slack_app: App, requests: SlackRequests) -> None:
    await requests.command("/membot", "help", user="U0CREATOR")  # the account exists
    async with slack_app.database.session() as session:
        owner = select(PlatformIdentity.member_id).where(PlatformIdentity.user_id == "U0CREATOR").scalar_subquery()
        await session.execute(update(Member).where(Member.id == owner).values(role="creator"))
    response = await requests.interaction(
        requests.view_submission(
            "drops.add", drop_values("Pricing teardown", "https://example.com/t"), user="U0CREATOR"
        )
    )
    assert response.status == 200
    assert await count(slack_app, ContentItem, ContentItem.title == "Pricing teardown") == 1


async def test_a_members_forged_announce_button_sends_nothing(
    slack_app: App, requests: SlackRequests, fake_slack: FakeSlack
) -> None:
    response = await requests.interaction(
        requests.block_actions({"type": "button", "action_id": "announce.send:1", "value": ""}, user="U0MALLORY")
    )
    assert response.status == 200
    await slack_app.settle()
    texts = [c.params.get("text") for c in fake_slack.calls_to("chat.postMessage")] + [
        body.get("text") for _, body in fake_slack.responses
    ]
    assert "Sorry, /announce is for the creator and moderators only." in texts
