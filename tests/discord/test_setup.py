"""The invite URL, the `membot discord invite-url` command, and building the adapter from settings."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlparse

import discord
import pytest
from typer.testing import CliRunner

from bot.community.schema import CommunityFile, DiscordSettings, Tier
from bot.platforms.discord import invite
from bot.platforms.discord.cli import app as discord_cli
from bot.platforms.discord.factory import create_discord_platform
from bot.settings import Settings, SettingsError


def test_invite_asks_for_exactly_the_permissions_membot_uses() -> None:
    expected = discord.Permissions(
        view_channel=True,
        send_messages=True,
        send_messages_in_threads=True,
        embed_links=True,
        attach_files=True,
        read_message_history=True,
        add_reactions=True,
        manage_roles=True,
        manage_events=True,
        create_public_threads=True,
    )
    assert invite.permissions() == expected.value
    assert not discord.Permissions(invite.permissions()).mention_everyone
    assert not discord.Permissions(invite.permissions()).administrator
    with_kick = discord.Permissions(invite.permissions(kick=True))
    assert with_kick.kick_members and with_kick.value == expected.value | discord.Permissions(kick_members=True).value


def test_invite_url_shape() -> None:
    url = urlparse(invite.invite_url("123456789012345678", guild_id="42"))
    query = parse_qs(url.query)
    assert (url.scheme, url.netloc, url.path) == ("https", "discord.com", "/oauth2/authorize")
    assert query["scope"] == ["bot applications.commands"]
    assert query["client_id"] == ["123456789012345678"] and query["guild_id"] == ["42"]
    with pytest.raises(ValueError):
        invite.invite_url("not-a-number")


def test_cli_reads_the_application_id_from_the_environment() -> None:
    runner = CliRunner()
    result = runner.invoke(discord_cli, ["invite-url", "--kick"], env={"DISCORD_APPLICATION_ID": "123456789012345678"})
    assert result.exit_code == 0, result.output
    assert f"permissions={invite.permissions(kick=True)}" in result.stdout
    missing = runner.invoke(
        discord_cli, ["invite-url"], env={"DISCORD_APPLICATION_ID": "", "MEMBOT_DISCORD_APPLICATION_ID": ""}
    )
    assert missing.exit_code == 2
    assert missing.stderr.startswith("error: give --application-id")  # as every membot command's errors
    wrong = runner.invoke(discord_cli, ["invite-url", "--application-id", "abc"])
    assert wrong.exit_code == 2 and wrong.stderr.startswith("error: the application id is a number")


def test_cli_reads_the_ids_from_dot_env_and_checks_the_server_id(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found as an outsider: the README says settings come from the environment or `.env`, but
    invite-url read only the environment, and took `--guild-id "x y"` into the link."""
    (tmp_path / ".env").write_text("DISCORD_APPLICATION_ID=123456789012345678\nMEMBOT_DISCORD_GUILD_ID=42\n")
    monkeypatch.chdir(tmp_path)
    for name in (
        "DISCORD_APPLICATION_ID",
        "MEMBOT_DISCORD_APPLICATION_ID",
        "DISCORD_GUILD_ID",
        "MEMBOT_DISCORD_GUILD_ID",
    ):
        monkeypatch.delenv(name, raising=False)
    result = CliRunner().invoke(discord_cli, ["invite-url"])
    assert result.exit_code == 0, result.output
    query = parse_qs(urlparse(result.stdout.strip()).query)
    assert query["client_id"] == ["123456789012345678"] and query["guild_id"] == ["42"]
    bad = CliRunner().invoke(discord_cli, ["invite-url", "--guild-id", "x y"])
    assert bad.exit_code == 2 and "the server id is a number" in bad.stderr


COMMUNITY = CommunityFile.model_validate(
    {
        "community": {"name": "Strategy Club", "slug": "strategy-club"},
        "creator": {"name": "Maya"},
        "tiers": [
            Tier(key="member", name="Member", default=True),
            Tier(key="inner-circle", name="Inner Circle", discord_role="VIP"),
        ],
        "discord": DiscordSettings(founding_role=None, mention_role_on_drops=False),
    }
)


def test_factory_reads_settings_and_community() -> None:
    settings = Settings(
        _env_file=None, discord_token="secret-token", discord_application_id="123", discord_guild_id="456"
    )
    adapter = create_discord_platform(settings, COMMUNITY, commands={"help": "Help"})
    assert adapter.workspaces == ("456",)
    assert adapter._tier_roles == {"member": "Member", "inner-circle": "VIP"}
    assert adapter._roles._founding_role is None and adapter._mention_on_drops is False
    assert isinstance(adapter.client, discord.Client) and not isinstance(adapter.client, discord.AutoShardedClient)
    assert adapter.client.intents.members and adapter.client.intents.message_content


def test_factory_names_the_missing_setting() -> None:
    with pytest.raises(SettingsError, match="MEMBOT_DISCORD_GUILD_ID"):
        create_discord_platform(Settings(_env_file=None, discord_token="t", discord_application_id="123"), COMMUNITY)
    with pytest.raises(SettingsError, match="MEMBOT_DISCORD_APPLICATION_ID must be a Discord id"):
        create_discord_platform(
            Settings(_env_file=None, discord_token="t", discord_application_id="abc", discord_guild_id="1"), COMMUNITY
        )


def test_sharded_uses_the_auto_sharded_client() -> None:
    from bot.platforms.discord.adapter import DiscordPlatform

    adapter = DiscordPlatform(
        token="t",
        application_id=1,
        guild_id=2,
        tier_roles={},
        founding_role=None,
        past_due_role=None,
        mention_role_on_drops=False,
        sharded=True,
    )
    assert isinstance(adapter.client, discord.AutoShardedClient)


def test_starting_the_adapter_says_nothing_about_voice(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Found as an outsider: every Discord start printed "PyNaCl is not installed, voice will NOT be
    supported" and "davey is not installed…"; membot has no voice."""
    from bot.testing.fake_discord import FakeDiscord
    from tests.kits.discord import build_adapter

    monkeypatch.setattr(discord.VoiceClient, "warn_nacl", True)
    monkeypatch.setattr(discord.VoiceClient, "warn_dave", True)
    build_adapter(FakeDiscord())
    assert not [r for r in caplog.records if "voice will NOT be supported" in r.getMessage()]
