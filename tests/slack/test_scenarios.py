"""The real app on Slack: signed, real-shaped requests into Bolt, the Web API answered by the fake."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from bot.app import App
from bot.clock import FakeClock
from bot.events import FormSubmitted
from bot.messages import Form, FormField, Option, Target, text_message
from bot.platforms.slack.adapter import SlackPlatform
from bot.platforms.slack.render import render_form
from bot.router import Context
from bot.testing.fake_slack import FakeSlack
from storage.repositories import outbox
from tests.kits.slack import TEAM, SlackRequests, team_join_event

DANA_DM = "D0DANA"


def posts_to(fake: FakeSlack, channel: str) -> list[dict]:
    return [c.params for c in fake.calls_to("chat.postMessage") if c.params["channel"] == channel]


async def test_team_join_sends_the_welcome_dm_through_the_outbox(
    slack_app: App, requests: SlackRequests, fake_slack: FakeSlack
) -> None:
    response = await requests.event(team_join_event())
    assert response.status == 200
    assert posts_to(fake_slack, DANA_DM) == []  # nothing leaves before the outbox delivers

    await slack_app.settle()

    [dm] = posts_to(fake_slack, DANA_DM)
    assert "Dana" in dm["text"] and "Smith" not in dm["text"]
    action_ids = [e["action_id"] for b in dm["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert {"content.next", "library.browse", "help.show"} <= set(action_ids)  # other buttons may come and go
    assert len(action_ids) == len(set(action_ids))
    [opened] = fake_slack.calls_to("conversations.open")
    assert opened.params["users"] == "U0DANA"
    assert posts_to(fake_slack, "C0WELCOME") == []  # greeted in public once a member, not on arrival
    async with slack_app.database.session() as session:
        row = await outbox.by_key(session, "welcome:member:1")
    posted = fake_slack.history[fake_slack.dm_channel_of("U0DANA")]
    assert row is not None and row.status == "sent" and row.platform_message_id == posted[0]["ts"]


async def test_dm_channel_is_opened_once_per_member(
    slack_app: App, slack: SlackPlatform, fake_slack: FakeSlack
) -> None:
    for text in ("one", "two", "three"):
        await slack.send(Target("slack", TEAM, user_id="U0EVE"), text_message(text))
    assert len(fake_slack.calls_to("conversations.open")) == 1
    assert [p["text"] for p in posts_to(fake_slack, "D0EVE")] == ["one", "two", "three"]


async def test_retried_event_delivery_has_no_second_effect(
    slack_app: App, requests: SlackRequests, fake_slack: FakeSlack
) -> None:
    first = await requests.event(team_join_event(), event_id="Ev0JOIN1")
    retry = await requests.event(team_join_event(), event_id="Ev0JOIN1", retry=1)
    assert first.status == retry.status == 200

    await slack_app.settle()
    await slack_app.settle()

    assert len(posts_to(fake_slack, DANA_DM)) == 1
    assert len(fake_slack.calls_to("conversations.open")) == 1


async def test_bad_signature_is_rejected_and_nothing_happens(
    slack_app: App, requests: SlackRequests, fake_slack: FakeSlack
) -> None:
    forged = await requests.event(team_join_event(), secret="not-the-secret")
    stale = await requests.event(team_join_event(), timestamp=1_000_000_000)  # far older than 5 minutes
    assert forged.status == stale.status == 401

    await slack_app.settle()
    assert fake_slack.calls_to("chat.postMessage") == []
    assert await slack_app.services.membership.summaries() == []


@pytest.mark.parametrize(("command", "text"), [("/library", ""), ("/membot", "library")])
async def test_library_slash_command_answers_ephemerally(
    slack_app: App, requests: SlackRequests, fake_slack: FakeSlack, command: str, text: str
) -> None:
    response, name = await requests.command(command, text)

    assert response.status == 200 and response.body == ""  # acknowledged empty; the answer follows
    [(where, answer)] = fake_slack.responses
    assert where == name
    assert answer["response_type"] == "ephemeral" and answer["replace_original"] is False
    assert answer["blocks"] and answer["text"]


async def test_membot_help_lists_commands(slack_app: App, requests: SlackRequests, fake_slack: FakeSlack) -> None:
    await requests.command("/membot", "")  # bare /membot means help
    [(_, answer)] = fake_slack.responses
    assert "Strategy Club" in answer["text"]
    assert any("library" in b.get("text", {}).get("text", "") for b in answer["blocks"])


async def test_ask_command_when_it_exists(slack_app: App, requests: SlackRequests, fake_slack: FakeSlack) -> None:
    if "ask" not in slack_app.router.commands:
        pytest.skip("/ask is not registered in the router yet (another engineer is building it)")
    await requests.command("/ask", "How do I price a workshop?")
    assert fake_slack.responses


async def test_button_click_replies_through_response_url(
    slack_app: App, requests: SlackRequests, fake_slack: FakeSlack
) -> None:
    payload = requests.block_actions(
        {"type": "button", "action_id": "content.next", "text": {"type": "plain_text", "text": "Next"}},
        response_name="click1",
    )
    response = await requests.interaction(payload)

    assert response.status == 200
    [(where, answer)] = fake_slack.responses
    assert where == "click1" and answer["response_type"] == "ephemeral"
    assert answer["text"]


async def test_duplicate_button_ids_reach_the_router_without_their_suffix(
    slack_app: App, requests: SlackRequests, fake_slack: FakeSlack
) -> None:
    seen: list[tuple[str, str]] = []

    async def rsvp(ctx: Context) -> None:
        seen.append((ctx.event.action_id, ctx.event.value))  # type: ignore[attr-defined]

    slack_app.router.action("test.rsvp")(rsvp)
    await requests.interaction(
        requests.block_actions({"type": "button", "action_id": "test.rsvp:42~2", "value": "maybe"})
    )
    await requests.interaction(
        requests.block_actions(
            {
                "type": "static_select",
                "action_id": "test.rsvp:43",
                "selected_option": {"text": {"type": "plain_text", "text": "Yes"}, "value": "yes"},
            }
        )
    )
    assert seen == [("test.rsvp:42", "maybe"), ("test.rsvp:43", "yes")]


async def test_modal_opens_from_a_command_and_its_submission_reaches_the_form_handler(
    slack_app: App, requests: SlackRequests, fake_slack: FakeSlack
) -> None:
    form = Form(
        "testform",
        "Your goals",
        (
            FormField("goal", "What do you want this month?"),
            FormField("level", "Your stage", kind="select", options=(Option("Idea", "1"), Option("Growing", "3"))),
            FormField("notes", "Anything else?", kind="multiline", required=False),
        ),
    )
    submitted: list[dict[str, str]] = []

    async def open_it(ctx: Context) -> None:
        assert await ctx.open_form(form)

    async def on_submit(ctx: Context) -> None:
        assert isinstance(ctx.event, FormSubmitted)
        submitted.append(dict(ctx.event.values))
        await ctx.reply("Thanks, noted!")

    slack_app.router.command("testform")(open_it)
    slack_app.router.form("testform")(on_submit)

    await requests.command("/membot", "testform", channel="C0GENERAL")
    [opened] = fake_slack.calls_to("views.open")
    assert opened.params["trigger_id"]
    view = opened.params["view"]
    assert view["callback_id"] == "testform"
    assert view["blocks"] == render_form(form)["blocks"]
    assert json.loads(view["private_metadata"])["channel"] == "C0GENERAL"

    values = {
        "goal": {"goal": {"type": "plain_text_input", "value": "Raise prices"}},
        "level": {
            "level": {
                "type": "static_select",
                "selected_option": {"text": {"type": "plain_text", "text": "Growing"}, "value": "3"},
            }
        },
        "notes": {"notes": {"type": "plain_text_input", "value": None}},
    }
    response = await requests.interaction(
        requests.view_submission("testform", values, private_metadata=view["private_metadata"])
    )

    assert response.status == 200
    assert submitted == [{"goal": "Raise prices", "level": "3", "notes": ""}]
    [thanks] = fake_slack.calls_to("chat.postEphemeral")  # back where the form was opened, only for them
    assert thanks.params["channel"] == "C0GENERAL" and thanks.params["user"] == "U0DANA"
    assert thanks.params["text"] == "Thanks, noted!"


async def test_rate_limited_send_is_rescheduled_and_sent_once_after_the_wait(
    slack_app: App, fake_slack: FakeSlack, clock: FakeClock
) -> None:
    async with slack_app.database.session() as session:
        await slack_app.outbox.enqueue(
            session, "test:429", Target("slack", TEAM, user_id="U0DANA"), text_message("Hello")
        )
    fake_slack.rate_limit("chat.postMessage", times=1, retry_after=30)
    started = clock.now()

    await slack_app.settle()

    async with slack_app.database.session() as session:
        row = await outbox.by_key(session, "test:429")
    assert row is not None and row.status == "pending"
    assert row.next_attempt_at.replace(tzinfo=None) == (started + timedelta(seconds=30)).replace(tzinfo=None)
    assert posts_to(fake_slack, DANA_DM) == []
    assert len(fake_slack.calls_to("chat.postMessage", ok_only=False)) == 1  # no tight retry loop

    clock.advance(timedelta(seconds=29))
    await slack_app.settle()
    assert posts_to(fake_slack, DANA_DM) == []  # still waiting

    clock.advance(timedelta(seconds=1))
    await slack_app.settle()
    await slack_app.settle()
    assert [p["text"] for p in posts_to(fake_slack, DANA_DM)] == ["Hello"]
    async with slack_app.database.session() as session:
        row = await outbox.by_key(session, "test:429")
    assert row is not None and row.status == "sent" and row.attempts <= 1


async def test_app_home_is_published_when_opened(
    slack_app: App, requests: SlackRequests, fake_slack: FakeSlack
) -> None:
    await requests.event(
        {
            "type": "app_home_opened",
            "user": "U0DANA",
            "channel": DANA_DM,
            "tab": "home",
            "event_ts": "1790000000.000200",
        }
    )
    await requests.event(
        {
            "type": "app_home_opened",
            "user": "U0DANA",
            "channel": DANA_DM,
            "tab": "messages",
            "event_ts": "1790000000.000300",
        }
    )

    [published] = fake_slack.calls_to("views.publish")
    assert published.params["user_id"] == "U0DANA"
    view = published.params["view"]
    assert view["type"] == "home"
    assert view["blocks"][0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": "Welcome home", "emoji": True},
    }
    assert view["blocks"][1]["text"]["text"] == "Hi &lt;@U0DANA&gt; &amp; friends"


async def test_a_dm_to_the_bot_becomes_a_message_event(slack_app: App, requests: SlackRequests) -> None:
    seen = []

    async def on_message(ctx: Context) -> None:
        seen.append(ctx.event)

    from bot.events import MessagePosted

    slack_app.router.on(MessagePosted)(on_message)
    await requests.event(
        {
            "type": "message",
            "channel": DANA_DM,
            "user": "U0DANA",
            "text": "hi &amp; hello",
            "ts": "1790000000.000400",
            "channel_type": "im",
        }
    )
    await requests.event(
        {
            "type": "message",
            "subtype": "message_changed",
            "channel": DANA_DM,
            "hidden": True,
            "ts": "1790000000.000500",
            "channel_type": "im",
            "message": {},
        }
    )
    await requests.event(
        {
            "type": "message",
            "channel": DANA_DM,
            "bot_id": "B0MEMBOT",
            "user": "U0MEMBOT",
            "text": "echo",
            "ts": "1790000000.000600",
            "channel_type": "im",
        }
    )

    [event] = seen
    assert event.text == "hi & hello" and event.channel.is_dm and event.message_id == "1790000000.000400"


async def test_a_file_answering_a_command_goes_privately_to_the_dm(
    slack_app: App, requests: SlackRequests, fake_slack: FakeSlack
) -> None:
    from bot.messages import Attachment, OutboundMessage

    async def chart(ctx: Context) -> None:
        await ctx.reply(
            OutboundMessage(text="Your numbers", attachment=Attachment("stats.png", b"\x89PNG-bytes", "image/png"))
        )

    slack_app.router.command("testchart")(chart)
    await requests.command("/membot", "testchart", channel="C0GENERAL")

    [complete] = fake_slack.calls_to("files.completeUploadExternal")
    [opened] = fake_slack.calls_to("conversations.open")
    assert opened.params["users"] == "U0DANA"
    assert complete.params["channel_id"] == fake_slack.dm_channel_of("U0DANA")
    assert complete.params["initial_comment"] == "Your numbers"
    assert list(fake_slack.uploads.values()) == [b"\x89PNG-bytes"]
    assert fake_slack.calls_to("chat.postMessage") == []  # not in the channel where everyone would see it
