"""The adapter against the fake Web API: errors, access by tier, files, edits, lookups, HTTP mode, factory."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from pydantic import SecretStr

from bot.community.schema import CommunityFile, CommunityInfo, Creator, Tier
from bot.events import Event
from bot.messages import Target, text_message
from bot.platforms.slack.adapter import SlackPlatform, create_slack_platform
from bot.ports import AccessNotManageable, Ack, PermanentError, RateLimited, TransientError
from bot.settings import Settings
from bot.testing.fake_slack import FakeSlack, FakeUser
from tests.kits.slack import SECRET, TEAM, SlackRequests, team_join_event


@pytest.fixture
async def started(fake_slack: FakeSlack) -> AsyncIterator[tuple[SlackPlatform, list[Event]]]:
    fake_slack.channels.update({"inner-circle": "G0INNER", "vip-lounge": "G0VIP"})
    fake_slack.private_channels.update({"G0INNER", "G0VIP"})
    fake_slack.usergroups["inner"] = "S0INNER"
    fake_slack.group_members["S0INNER"] = ["U0MAYA"]
    platform = SlackPlatform(
        bot_token="xoxb-test",
        signing_secret=SECRET,
        api_url=fake_slack.base_url,
        http_port=None,
        tier_channels={"inner-circle": ("inner-circle", "#vip-lounge")},
        tier_usergroups={"inner-circle": "inner"},
        process_before_response=True,
    )
    seen: list[Event] = []

    async def dispatch(event: Event, *, ack: Ack | None = None) -> None:
        if ack is not None:
            await ack()
        seen.append(event)

    await platform.start(dispatch)
    yield platform, seen
    await platform.stop()


async def test_start_learns_the_workspace(started: tuple[SlackPlatform, list[Event]]) -> None:
    platform, _ = started
    assert platform.workspaces == (TEAM,)
    assert platform.bot_user_id == "U0MEMBOT"
    assert platform.mode == "http"
    caps = platform.capabilities
    assert caps.forms and caps.edit and caps.files and caps.ephemeral and caps.threads and caps.access_control
    assert caps.sends_per_second == 1.0


async def test_channel_names_resolve_once_and_ids_pass_through(
    started: tuple[SlackPlatform, list[Event]], fake_slack: FakeSlack
) -> None:
    platform, _ = started
    await platform.send(Target("slack", TEAM, channel="drops"), text_message("a"))
    await platform.send(Target("slack", TEAM, channel="#drops"), text_message("b"))
    await platform.send(Target("slack", TEAM, channel="C0GENERAL", thread_id="1790000000.000009"), text_message("c"))
    posts = fake_slack.calls_to("chat.postMessage")
    assert [p.params["channel"] for p in posts] == ["C0DROPS", "C0DROPS", "C0GENERAL"]
    assert posts[2].params["thread_ts"] == "1790000000.000009" and "thread_ts" not in posts[0].params
    assert len(fake_slack.calls_to("conversations.list")) == 1


async def test_channel_list_is_paged_and_reread_on_a_miss(
    started: tuple[SlackPlatform, list[Event]], fake_slack: FakeSlack
) -> None:
    platform, _ = started
    fake_slack.page_size = 2
    await platform.send(Target("slack", TEAM, channel="announcements"), text_message("a"))
    fake_slack.channels["brand-new"] = "C0NEW0001"
    sent = await platform.send(Target("slack", TEAM, channel="brand-new"), text_message("b"))
    assert sent.channel_id == "C0NEW0001"
    with pytest.raises(PermanentError):
        await platform.send(Target("slack", TEAM, channel="nowhere"), text_message("c"))


@pytest.mark.parametrize(
    ("fault", "expected"),
    [
        ({"error": "channel_not_found"}, PermanentError),
        ({"error": "is_archived"}, PermanentError),
        ({"error": "not_in_channel"}, PermanentError),
        ({"error": "internal_error", "status": 500}, TransientError),
        ({"error": "service_unavailable", "status": 503}, TransientError),
    ],
)
async def test_send_errors_become_neutral(
    started: tuple[SlackPlatform, list[Event]], fake_slack: FakeSlack, fault: dict[str, Any], expected: type
) -> None:
    platform, _ = started
    fake_slack.fail("chat.postMessage", **fault)
    with pytest.raises(expected):
        await platform.send(Target("slack", TEAM, channel="C0GENERAL"), text_message("x"))


async def test_cannot_dm_the_bot_is_permanent(started: tuple[SlackPlatform, list[Event]]) -> None:
    platform, _ = started
    with pytest.raises(PermanentError):
        await platform.send(Target("slack", TEAM, user_id="U0MEMBOT"), text_message("x"))


async def test_429_becomes_rate_limited_with_retry_after(
    started: tuple[SlackPlatform, list[Event]], fake_slack: FakeSlack
) -> None:
    platform, _ = started
    fake_slack.rate_limit("chat.postMessage", retry_after=12)
    with pytest.raises(RateLimited) as caught:
        await platform.send(Target("slack", TEAM, channel="C0GENERAL"), text_message("x"))
    assert caught.value.retry_after == 12
    assert len(fake_slack.calls_to("chat.postMessage", ok_only=False)) == 1  # the SDK did not retry by itself


async def test_unreachable_slack_is_transient(fake_slack: FakeSlack) -> None:
    platform = SlackPlatform(
        bot_token="xoxb-test", signing_secret=SECRET, api_url="http://127.0.0.1:9/api/", http_port=None
    )
    with pytest.raises(TransientError):
        await platform.send(Target("slack", TEAM, channel="C0GENERAL"), text_message("x"))


async def test_other_workspaces_are_refused(started: tuple[SlackPlatform, list[Event]]) -> None:
    platform, _ = started
    with pytest.raises(PermanentError):
        await platform.send(Target("slack", "T0OTHER", channel="C0GENERAL"), text_message("x"))


async def test_grant_and_revoke_tier_access(started: tuple[SlackPlatform, list[Event]], fake_slack: FakeSlack) -> None:
    platform, _ = started
    await platform.grant_access(TEAM, "U0DANA", "inner-circle")
    assert "U0DANA" in fake_slack.members["G0INNER"] and "U0DANA" in fake_slack.members["G0VIP"]
    assert fake_slack.group_members["S0INNER"] == ["U0MAYA", "U0DANA"]

    await platform.grant_access(TEAM, "U0DANA", "inner-circle")  # already_in_channel is fine; no second group write
    assert len(fake_slack.calls_to("usergroups.users.update")) == 1

    await platform.revoke_access(TEAM, "U0DANA", "inner-circle")
    assert "U0DANA" not in fake_slack.members["G0INNER"]
    assert fake_slack.group_members["S0INNER"] == ["U0MAYA"]
    await platform.revoke_access(TEAM, "U0DANA", "inner-circle")  # not in the channel any more: fine

    await platform.grant_access(TEAM, "U0DANA", "member")  # a tier with nothing on Slack: nothing to do
    assert len(fake_slack.calls_to("conversations.invite")) == 4


@pytest.mark.parametrize(
    ("method", "error", "fix_mentions"),
    [
        ("conversations.invite", "not_in_channel", "/invite @membot"),
        ("conversations.invite", "missing_scope", "groups:write"),
        ("conversations.kick", "restricted_action", "workspace settings"),
        ("usergroups.users.update", "missing_scope", "usergroups:write"),
        ("usergroups.users.update", "permission_denied", "admin"),
    ],
)
async def test_access_problems_tell_the_creator_what_to_fix(
    started: tuple[SlackPlatform, list[Event]], fake_slack: FakeSlack, method: str, error: str, fix_mentions: str
) -> None:
    platform, _ = started
    fake_slack.members["G0INNER"].add("U0DANA")
    fake_slack.fail(method, error)
    call = platform.revoke_access if method == "conversations.kick" else platform.grant_access
    with pytest.raises(AccessNotManageable) as caught:
        await call(TEAM, "U0ELI" if method != "conversations.kick" else "U0DANA", "inner-circle")
    assert fix_mentions in caught.value.fix


async def test_missing_tier_channel_is_not_manageable(fake_slack: FakeSlack) -> None:
    platform = SlackPlatform(
        bot_token="xoxb-test",
        signing_secret=SECRET,
        api_url=fake_slack.base_url,
        http_port=None,
        tier_channels={"vip": ("secret-room",)},
    )
    with pytest.raises(AccessNotManageable) as caught:
        await platform.grant_access(TEAM, "U0DANA", "vip")
    assert "#secret-room" in caught.value.fix


async def test_upload_edit_and_lookup(started: tuple[SlackPlatform, list[Event]], fake_slack: FakeSlack) -> None:
    platform, _ = started
    sent = await platform.upload_file(
        Target("slack", TEAM, channel="drops"), "chart.png", b"\x89PNG...", "Weekly chart"
    )
    assert fake_slack.uploads[sent.message_id] == b"\x89PNG..."
    [complete] = fake_slack.calls_to("files.completeUploadExternal")
    assert complete.params["channel_id"] == "C0DROPS"

    await platform.edit(Target("slack", TEAM, channel="drops"), "1790000000.000001", text_message("fixed"))
    [update] = fake_slack.calls_to("chat.update")
    assert (update.params["channel"], update.params["ts"], update.params["text"]) == (
        "C0DROPS",
        "1790000000.000001",
        "fixed",
    )

    fake_slack.users["U0DANA"] = FakeUser("U0DANA", "dana", real_name="Dana Smith", display_name="Dana", locale="nb-NO")
    profile = await platform.lookup_user(TEAM, "U0DANA")
    assert (profile.display_name, profile.locale, profile.timezone, profile.is_bot) == (
        "Dana",
        "nb-NO",
        "Europe/Oslo",
        False,
    )
    with pytest.raises(PermanentError):
        await platform.lookup_user(TEAM, "U0NOBODY")


async def test_http_mode_serves_slack_events(fake_slack: FakeSlack) -> None:
    platform = SlackPlatform(
        bot_token="xoxb-test", signing_secret=SECRET, api_url=fake_slack.base_url, http_port=0, http_host="127.0.0.1"
    )
    seen: list[Event] = []

    async def dispatch(event: Event, *, ack: Ack | None = None) -> None:
        if ack is not None:
            await ack()
        seen.append(event)

    await platform.start(dispatch)
    try:
        requests = SlackRequests(platform, fake_slack)
        url = f"http://127.0.0.1:{platform.http_port}/slack/events"
        challenge = json.dumps(
            {
                "token": "x",
                "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
                "type": "url_verification",
            }
        )
        event = json.dumps(
            {"team_id": TEAM, "event": team_join_event(), "type": "event_callback", "event_id": "Ev0HTTP"}
        )
        async with aiohttp.ClientSession() as session:
            async with session.post(
                url, data=challenge, headers=requests.headers(challenge, content_type="application/json")
            ) as response:
                assert response.status == 200
                assert (await response.json())["challenge"].startswith("3eZbrw")
            async with session.post(
                url, data=event, headers=requests.headers(event, content_type="application/json", secret="wrong")
            ) as response:
                assert response.status == 401
            async with session.post(
                url, data=event, headers=requests.headers(event, content_type="application/json")
            ) as response:
                assert response.status == 200
        [joined] = seen
        assert joined.event_id == "Ev0HTTP" and joined.user.user_id == "U0DANA"
    finally:
        await platform.stop()


def test_needs_a_way_in() -> None:
    with pytest.raises(ValueError):
        SlackPlatform(bot_token="xoxb-test", signing_secret=None, app_token=None)
    assert SlackPlatform(bot_token="xoxb-test", signing_secret=None, app_token="xapp-1").mode == "socket"


def test_factory_reads_settings_and_tiers(fake_slack: FakeSlack) -> None:
    settings = Settings(
        slack_bot_token=SecretStr("xoxb-test"),
        slack_signing_secret=SecretStr(SECRET),
        slack_api_url=fake_slack.base_url,
        port=8123,
        _env_file=None,
    )
    config = CommunityFile(
        community=CommunityInfo(name="Club", slug="club"),
        creator=Creator(name="Maya"),
        tiers=(
            Tier(key="member", name="Member", default=True),
            Tier(key="vip", name="VIP", slack_channels=("vip",), slack_usergroup="vips"),
        ),
    )
    platform = create_slack_platform(settings, config)
    assert platform.mode == "http"
    assert platform._access.manages("vip") and not platform._access.manages("member")
    assert platform._http_port == 8123


async def test_ack_is_sent_before_slow_work(fake_slack: FakeSlack) -> None:
    """Production mode (process_before_response=False): Slack gets its 200 while the handler still runs."""
    platform = SlackPlatform(bot_token="xoxb-test", signing_secret=SECRET, api_url=fake_slack.base_url, http_port=None)
    gate = asyncio.Event()
    done: list[Event] = []

    async def slow_dispatch(event: Event, *, ack: Ack | None = None) -> None:
        if ack is not None:  # the router acknowledges once the event is recorded, then handles it
            await ack()
        await gate.wait()
        done.append(event)

    await platform.start(slow_dispatch)
    requests = SlackRequests(platform, fake_slack)
    reply = await asyncio.wait_for(requests.event(team_join_event()), timeout=2.5)
    assert reply.status == 200 and done == []

    gate.set()
    for _ in range(50):
        if done:
            break
        await asyncio.sleep(0)
    assert len(done) == 1
    await platform.stop()


async def test_member_channels_limit_which_joins_and_leaves_count(fake_slack: FakeSlack) -> None:
    platform = SlackPlatform(
        bot_token="xoxb-test",
        signing_secret=SECRET,
        api_url=fake_slack.base_url,
        http_port=None,
        member_channels=("welcome",),
        process_before_response=True,
    )
    seen: list[Event] = []

    async def dispatch(event: Event, *, ack: Ack | None = None) -> None:
        if ack is not None:
            await ack()
        seen.append(event)

    await platform.start(dispatch)
    requests = SlackRequests(platform, fake_slack)
    for kind, channel in (
        ("member_left_channel", "C0GENERAL"),
        ("member_left_channel", "C0WELCOME"),
        ("member_joined_channel", "C0DROPS"),
    ):
        await requests.event({"type": kind, "user": "U0DANA", "channel": channel, "channel_type": "C", "team": TEAM})
    await requests.event(team_join_event())  # joining the workspace always counts
    assert [(type(e).__name__, e.channel.channel_id if e.channel else None) for e in seen] == [
        ("MemberLeft", "C0WELCOME"),
        ("MemberJoined", None),
    ]
    await platform.stop()


async def test_http_mode_mounts_on_the_shared_web_server(fake_slack: FakeSlack) -> None:
    from aiohttp.test_utils import TestClient, TestServer

    from bot.web import WebServer

    settings = Settings(
        slack_bot_token=SecretStr("xoxb-test"),
        slack_signing_secret=SecretStr(SECRET),
        slack_api_url=fake_slack.base_url,
        _env_file=None,
    )
    server = WebServer(port=0)
    platform = create_slack_platform(
        settings,
        CommunityFile(community=CommunityInfo(name="Club", slug="club"), creator=Creator(name="Maya")),
        web_server=server,
    )
    assert server.has_routes and platform._http_port is None

    body = json.dumps({"token": "x", "challenge": "abc123", "type": "url_verification"})
    async with TestClient(TestServer(server.application)) as client:
        response = await client.post(
            "/slack/events",
            data=body,
            headers=SlackRequests(platform, fake_slack).headers(body, content_type="application/json"),
        )
        assert response.status == 200 and (await response.json())["challenge"] == "abc123"


async def test_a_refused_token_or_an_unreachable_slack_is_one_sentence_to_fix(fake_slack: FakeSlack) -> None:
    """Found as an outsider: a mistyped bot token ended the start with "unexpected PermanentError:
    slack invalid_auth", exit code 1, as if it were a bug."""
    from bot.cli.errors import FIXABLE, sentence_for
    from bot.ports import StartupRefused

    async def dispatch(event: Event, *, ack: Ack | None = None) -> None:
        return None

    fake_slack.token = "xoxb-the-right-one"
    wrong = SlackPlatform(bot_token="xoxb-mistyped", signing_secret=SECRET, api_url=fake_slack.base_url, http_port=None)
    with pytest.raises(StartupRefused) as caught:
        await wrong.start(dispatch)
    assert str(caught.value).startswith("Slack refused SLACK_BOT_TOKEN (slack invalid_auth): copy the Bot User")
    assert "mistyped" not in str(caught.value)
    assert sentence_for(caught.value) == (str(caught.value), FIXABLE)

    away = SlackPlatform(bot_token="xoxb-x", signing_secret=SECRET, api_url="http://127.0.0.1:9/api/", http_port=None)
    with pytest.raises(StartupRefused, match=r"^couldn't reach Slack to sign in \(.*\): check the network"):
        await away.start(dispatch)
