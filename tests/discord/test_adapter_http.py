"""The adapter with discord.py's real HTTP client against the fake Discord REST server."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import unquote

import pytest

from bot.messages import Button, Buttons, Header, OutboundMessage, Section, Target, text_message
from bot.platforms.discord.adapter import DiscordPlatform
from bot.ports import AccessNotManageable, PermanentError, RateLimited, StartupRefused, TransientError
from bot.testing.fake_discord import GUILD_ID, FakeDiscord
from tests.kits.discord import Recorder, StartAdapter

MEMBER = "940000000000000001"
DM = Target("discord", GUILD_ID, user_id=MEMBER)
MESSAGES = r"/channels/\d+/messages"


def role_id(fake: FakeDiscord, name: str) -> str:
    return next(r["id"] for r in fake.roles if r["name"] == name)


async def test_login_registers_one_guild_slash_command_per_router_command(
    started: tuple[DiscordPlatform, Recorder], fake: FakeDiscord
) -> None:
    [sync] = fake.requests("PUT", rf"/applications/\d+/guilds/{GUILD_ID}/commands")
    assert sorted(c["name"] for c in sync.body) == ["help", "library", "next"]
    assert all(
        c["options"]
        == [{"type": 3, "name": "args", "description": "What to look for, or options (optional)", "required": False}]
        for c in sync.body
    )
    assert sync.headers["Authorization"] == "Bot test-token"


async def test_autocomplete_is_declared_for_commands_with_suggestions(
    fake: FakeDiscord, start_adapter: StartAdapter
) -> None:
    async def topics(current: str) -> list[str]:
        return [t for t in ("pricing", "hiring") if t.startswith(current)]

    await start_adapter(suggest={"library": topics})
    [sync] = fake.requests("PUT", r"/applications/\d+/guilds/\d+/commands")
    flags = {c["name"]: c["options"][0].get("autocomplete", False) for c in sync.body}
    assert flags == {"help": False, "library": True, "next": False}


async def test_dm_opens_the_dm_channel_once_and_posts(
    started: tuple[DiscordPlatform, Recorder], fake: FakeDiscord
) -> None:
    adapter, _ = started
    first = await adapter.send(DM, text_message("Hello"))
    await adapter.send(DM, text_message("Again"))
    opens = fake.requests("POST", "/users/@me/channels")
    assert len(opens) == 1 and opens[0].body == {"recipient_id": int(MEMBER)}
    posts = fake.requests("POST", MESSAGES)
    assert [p.path for p in posts] == [f"/channels/8{MEMBER[1:]}/messages"] * 2
    assert posts[0].body["content"] == "Hello"
    assert posts[0].body["allowed_mentions"]["parse"] == []  # a DM never pings anyone
    assert first.message_id and first.channel_id == f"8{MEMBER[1:]}"


async def test_channel_by_name_with_embed_and_buttons(
    started: tuple[DiscordPlatform, Recorder], fake: FakeDiscord
) -> None:
    adapter, _ = started
    message = OutboundMessage(
        "New", (Header("New drop"), Section("Read it"), Buttons((Button("Open", action_id="library.open:3"),)))
    )
    await adapter.send(Target("discord", GUILD_ID, channel="#welcome"), message)
    [post] = fake.requests("POST", MESSAGES)
    welcome = next(c["id"] for c in fake.channels if c["name"] == "welcome")
    assert post.path == f"/channels/{welcome}/messages"
    assert post.body["embeds"][0]["title"] == "New drop"
    assert post.body["components"][0]["components"][0]["custom_id"] == "library.open:3"
    assert "content" not in post.body


async def test_drops_mention_the_tier_roles(started: tuple[DiscordPlatform, Recorder], fake: FakeDiscord) -> None:
    adapter, _ = started
    await adapter.send(Target("discord", GUILD_ID, channel="drops"), text_message("This week: pricing"))
    [post] = fake.requests("POST", MESSAGES)
    member, inner = role_id(fake, "Member"), role_id(fake, "Inner Circle")
    assert post.body["content"] == f"<@&{member}> <@&{inner}> This week: pricing"
    assert sorted(post.body["allowed_mentions"]["roles"]) == sorted([int(member), int(inner)])


async def test_unknown_channel_is_permanent_and_names_the_fix(started: tuple[DiscordPlatform, Recorder]) -> None:
    adapter, _ = started
    with pytest.raises(PermanentError, match=r"#nowhere.*community\.toml"):
        await adapter.send(Target("discord", GUILD_ID, channel="nowhere"), text_message("x"))


async def test_long_429_surfaces_as_rate_limited_for_the_outbox(
    started: tuple[DiscordPlatform, Recorder], fake: FakeDiscord
) -> None:
    adapter, _ = started
    fake.rate_limit("POST", MESSAGES, retry_after=60)
    with pytest.raises(RateLimited) as caught:
        await adapter.send(DM, text_message("x"))
    assert caught.value.retry_after == 60
    await adapter.send(DM, text_message("x"))  # the limit is the outbox's to honour, not a broken client
    assert len(fake.requests("POST", MESSAGES)) == 2


async def test_short_429_is_retried_inside_discord_py(
    started: tuple[DiscordPlatform, Recorder], fake: FakeDiscord
) -> None:
    adapter, _ = started
    fake.rate_limit("POST", MESSAGES, retry_after=0)
    sent = await adapter.send(DM, text_message("x"))
    assert sent.message_id and len(fake.requests("POST", MESSAGES)) == 2


@pytest.mark.parametrize(
    ("status", "code", "error"),
    [
        (503, 0, TransientError),
        (403, 50007, PermanentError),
        (404, 10013, PermanentError),
        (403, 50001, PermanentError),
        (400, 40003, RateLimited),
    ],
)
async def test_http_errors_become_neutral(
    started: tuple[DiscordPlatform, Recorder], fake: FakeDiscord, status: int, code: int, error: type[Exception]
) -> None:
    adapter, _ = started
    fake.fail("POST", MESSAGES, status, code=code)
    with pytest.raises(error):
        await adapter.send(DM, text_message("x"))


async def test_edit_replaces_content_embed_and_components(
    started: tuple[DiscordPlatform, Recorder], fake: FakeDiscord
) -> None:
    adapter, _ = started
    await adapter.edit(
        Target("discord", GUILD_ID, channel="welcome"), "970000000000000001", OutboundMessage("t", (Header("Updated"),))
    )
    [patch] = fake.requests("PATCH", r"/channels/\d+/messages/970000000000000001")
    assert patch.body["content"] is None and patch.body["components"] == []
    assert patch.body["embeds"][0]["title"] == "Updated"


async def test_upload_file_is_multipart(started: tuple[DiscordPlatform, Recorder], fake: FakeDiscord) -> None:
    adapter, _ = started
    await adapter.upload_file(
        Target("discord", GUILD_ID, channel="welcome"), "growth.png", b"\x89PNG", "Growth this month"
    )
    [post] = fake.requests("POST", MESSAGES)
    assert post.files == ["growth.png"] and post.body["content"] == "Growth this month"


async def test_grant_and_revoke_tier_founding_and_past_due(
    started: tuple[DiscordPlatform, Recorder], fake: FakeDiscord
) -> None:
    adapter, _ = started
    fake.add_member(MEMBER, "dana")
    fake.add_role("Payment due", position=1)
    await adapter.grant_access(GUILD_ID, MEMBER, "member")
    await adapter.grant_access(GUILD_ID, MEMBER, "founding")
    await adapter.grant_access(GUILD_ID, MEMBER, "past-due")
    assert sorted(fake.members[MEMBER]["roles"]) == sorted(
        role_id(fake, n) for n in ("Member", "Founding member", "Payment due")
    )
    await adapter.revoke_access(GUILD_ID, MEMBER, "past-due")
    assert role_id(fake, "Payment due") not in fake.members[MEMBER]["roles"]
    [put] = fake.requests("PUT", rf"/guilds/\d+/members/{MEMBER}/roles/{role_id(fake, 'Member')}")
    assert unquote(put.headers["X-Audit-Log-Reason"]) == "membot: tier member"


async def test_missing_role_says_what_to_create(started: tuple[DiscordPlatform, Recorder]) -> None:
    adapter, _ = started
    with pytest.raises(AccessNotManageable) as caught:
        await adapter.grant_access(GUILD_ID, MEMBER, "past-due")
    assert caught.value.fix.startswith("Create a role named 'Payment due' in Server Settings → Roles")


async def test_role_above_the_bot_says_move_the_bot_role(
    started: tuple[DiscordPlatform, Recorder], fake: FakeDiscord
) -> None:
    adapter, _ = started
    fake.fail("PUT", r"/guilds/\d+/members/\d+/roles/\d+", 403, code=50013, message="Missing Permissions")
    with pytest.raises(AccessNotManageable) as caught:
        await adapter.grant_access(GUILD_ID, MEMBER, "member")
    assert (
        caught.value.fix
        == "Move the 'membot' role above 'Member' in Server Settings → Roles (drag it higher in the list)."
    )


async def test_missing_manage_roles_says_which_permission(
    started: tuple[DiscordPlatform, Recorder], fake: FakeDiscord
) -> None:
    adapter, _ = started
    next(r for r in fake.roles if r["name"] == "membot")["permissions"] = "0"
    fake.fail("PUT", r"/guilds/\d+/members/\d+/roles/\d+", 403, code=50013, message="Missing Permissions")
    with pytest.raises(AccessNotManageable) as caught:
        await adapter.grant_access(GUILD_ID, MEMBER, "member")
    assert "Manage Roles permission" in caught.value.fix


async def test_unknown_tier_and_other_workspace(started: tuple[DiscordPlatform, Recorder]) -> None:
    adapter, _ = started
    with pytest.raises(AccessNotManageable, match="unknown tier"):
        await adapter.grant_access(GUILD_ID, MEMBER, "platinum")
    with pytest.raises(PermanentError):
        await adapter.grant_access("1", MEMBER, "member")


async def test_lookup_user(started: tuple[DiscordPlatform, Recorder], fake: FakeDiscord) -> None:
    adapter, _ = started
    fake.add_member(MEMBER, "dana", nick="Dana S.")
    profile = await adapter.lookup_user(GUILD_ID, MEMBER)
    assert (profile.user_id, profile.display_name, profile.is_bot) == (MEMBER, "Dana S.", False)
    with pytest.raises(PermanentError):
        await adapter.lookup_user(GUILD_ID, "940000000000000999")


async def test_scheduled_event_create_edit_after_restart_and_cancel(
    fake: FakeDiscord, start_adapter: StartAdapter
) -> None:
    starts = datetime(2026, 11, 26, 16, 0, tzinfo=UTC)
    adapter, _ = await start_adapter()
    event_id = await adapter.upsert_scheduled_event(
        GUILD_ID,
        "qa:42",
        "Live Q&A",
        starts,
        starts + timedelta(hours=1),
        "Bring your pricing questions.",
        "https://zoom.example/j/1",
    )
    [create] = fake.requests("POST", r"/guilds/\d+/scheduled-events")
    assert create.body == {
        "name": "Live Q&A",
        "privacy_level": 2,
        "entity_type": 3,
        "entity_metadata": {"location": "https://zoom.example/j/1"},
        "scheduled_start_time": "2026-11-26T16:00:00+00:00",
        "scheduled_end_time": "2026-11-26T17:00:00+00:00",
        "description": "Bring your pricing questions.\n\nmembot:qa:42",
    }

    restarted, _ = await start_adapter()  # a new process: no memory of the id, finds it by its key
    again = await restarted.upsert_scheduled_event(
        GUILD_ID,
        "qa:42",
        "Live Q&A (moved)",
        starts + timedelta(hours=1),
        starts + timedelta(hours=2),
        "Moved by an hour.",
        "https://zoom.example/j/1",
    )
    assert again == event_id and len(fake.scheduled_events) == 1
    assert fake.scheduled_events[event_id]["name"] == "Live Q&A (moved)"
    await restarted.cancel_scheduled_event(GUILD_ID, event_id)
    assert fake.scheduled_events[event_id]["status"] == 4
    await restarted.cancel_scheduled_event(GUILD_ID, "980000000000000001")  # unknown: already gone, no error
    with pytest.raises(PermanentError):
        await restarted.upsert_scheduled_event(GUILD_ID, "qa:43", "x", starts, starts, "", "")


async def test_a_rejected_token_says_where_to_get_a_new_one(fake: FakeDiscord, start_adapter: StartAdapter) -> None:
    fake.fail("GET", "/users/@me", 401, message="401: Unauthorized")
    with pytest.raises(StartupRefused, match="Reset Token") as caught:  # the command line says it in one sentence
        await start_adapter()
    assert "test-token" not in str(caught.value)
    # Found as an outsider: an unreachable Discord was "unexpected TransientError: network: …", exit code 1.
    with pytest.raises(StartupRefused, match=r"^couldn't reach Discord to sign in \(.*\): check the network"):
        await start_adapter(base_url="http://127.0.0.1:9/api/v10")


async def test_kick_removes_the_member_and_a_refusal_says_how_to_fix_it(
    started: tuple[DiscordPlatform, Recorder], fake: FakeDiscord
) -> None:
    adapter, _ = started
    await adapter.remove_member(GUILD_ID, MEMBER)
    [kick] = fake.requests("DELETE", rf"/guilds/\d+/members/{MEMBER}$")
    assert unquote(kick.headers["X-Audit-Log-Reason"]) == "membot: membership ended"
    assert MEMBER not in fake.members

    fake.fail("DELETE", r"/guilds/\d+/members/\d+$", 403, code=50013, message="Missing Permissions")
    with pytest.raises(AccessNotManageable) as caught:
        await adapter.remove_member(GUILD_ID, "940000000000000009")
    assert "membot discord invite-url --kick" in caught.value.fix


async def test_a_reply_in_the_thread_of_a_message_starts_that_thread_first(
    started: tuple[DiscordPlatform, Recorder], fake: FakeDiscord
) -> None:
    adapter, _ = started
    channel = next(c["id"] for c in fake.channels if c["name"] == "welcome")
    question = "930000000000000123"  # a member's message in the FAQ channel: no thread yet
    target = Target("discord", GUILD_ID, channel=channel, thread_id=question)

    first = await adapter.send(target, text_message("Log in to the portal and open Billing."))
    second = await adapter.send(target, text_message("A follow-up in the same thread."))

    [start] = fake.requests("POST", rf"/channels/{channel}/messages/{question}/threads")
    assert start.body["name"] == "Log in to the portal and open Billing."
    assert start.body["auto_archive_duration"] == 1440
    assert fake.threads[question]["parent_id"] == channel
    posts = fake.requests("POST", rf"/channels/{question}/messages")
    assert len(posts) == 3  # refused once (no thread yet), then the reply, then the follow-up
    assert first.channel_id == second.channel_id == question


async def test_an_unknown_channel_without_a_thread_to_start_stays_a_permanent_error(
    started: tuple[DiscordPlatform, Recorder], fake: FakeDiscord
) -> None:
    adapter, _ = started
    with pytest.raises(PermanentError):
        await adapter.send(Target("discord", GUILD_ID, channel="999000000000000001"), text_message("hello"))
    assert not fake.threads
