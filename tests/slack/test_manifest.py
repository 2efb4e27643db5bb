"""The Slack app manifest and `membot slack manifest`."""

from __future__ import annotations

import yaml
from typer.testing import CliRunner

from bot.platforms.slack.cli import app
from bot.platforms.slack.commands import ROOT_COMMAND, SHORTCUTS
from bot.platforms.slack.manifest import build_manifest

NEEDED_SCOPES = {
    "chat:write",
    "im:write",
    "im:history",
    "channels:history",
    "groups:history",
    "channels:read",
    "groups:read",
    "groups:write",
    "users:read",
    "reactions:read",
    "commands",
    "app_mentions:read",
    "files:write",
    "usergroups:read",
    "usergroups:write",
    "team:read",
}
NEEDED_EVENTS = {
    "team_join",
    "member_joined_channel",
    "member_left_channel",
    "message.channels",
    "message.groups",
    "message.im",
    "app_mention",
    "reaction_added",
    "app_home_opened",
}


def test_socket_mode_manifest_by_default() -> None:
    manifest = build_manifest()
    settings = manifest["settings"]
    assert settings["socket_mode_enabled"] is True
    assert "request_url" not in settings["event_subscriptions"] and "request_url" not in settings["interactivity"]
    assert settings["interactivity"]["is_enabled"] is True
    assert set(manifest["oauth_config"]["scopes"]["bot"]) >= NEEDED_SCOPES
    assert "users:read.email" not in manifest["oauth_config"]["scopes"]["bot"]
    assert set(settings["event_subscriptions"]["bot_events"]) == NEEDED_EVENTS
    assert (
        manifest["features"]["app_home"]["home_tab_enabled"]
        and manifest["features"]["app_home"]["messages_tab_enabled"]
    )
    commands = [c["command"] for c in manifest["features"]["slash_commands"]]
    assert commands == [f"/{ROOT_COMMAND}", *(f"/{name}" for name in SHORTCUTS)]
    assert all("url" not in c for c in manifest["features"]["slash_commands"])


def test_http_mode_points_everything_at_slack_events() -> None:
    manifest = build_manifest(http_url="https://bot.example.com/", shortcuts=False)
    url = "https://bot.example.com/slack/events"
    assert manifest["settings"]["socket_mode_enabled"] is False
    assert manifest["settings"]["event_subscriptions"]["request_url"] == url
    assert manifest["settings"]["interactivity"]["request_url"] == url
    assert [c["url"] for c in manifest["features"]["slash_commands"]] == [url]


def test_cli_prints_yaml() -> None:
    result = CliRunner().invoke(
        app, ["manifest", "--name", "Strategy Club Bot", "--http-url", "https://bot.example.com"]
    )
    assert result.exit_code == 0, result.output
    data = yaml.safe_load(result.output)
    assert data["display_information"]["name"] == "Strategy Club Bot"
    assert data["settings"]["event_subscriptions"]["request_url"] == "https://bot.example.com/slack/events"
    bad = CliRunner().invoke(app, ["manifest", "--http-url", "bot.example.com"])
    assert bad.exit_code != 0


def test_cli_refuses_an_empty_name_and_keeps_a_name_on_one_line() -> None:
    """An empty `--name` printed a manifest Slack refuses (an app needs a name); a pasted newline split it."""
    runner = CliRunner()
    for empty in ("", "   "):
        result = runner.invoke(app, ["manifest", "--name", empty])
        assert result.exit_code == 2 and "--name" in result.output and "give the app a name" in result.output
        assert "_metadata" not in result.stdout  # no manifest printed
    result = runner.invoke(app, ["manifest", "--name", "Light &\n Lens"])
    assert result.exit_code == 0
    manifest = yaml.safe_load(result.stdout)
    assert manifest["display_information"]["name"] == "Light & Lens"
    assert manifest["features"]["bot_user"]["display_name"] == "Light & Lens"
