"""Settings: validated at start-up, with errors that name the setting."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import REPO_ROOT, SettingsError, load_settings


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)  # no stray .env
    for name in ("SLACK_BOT_TOKEN", "DISCORD_TOKEN", "DATABASE_URL", "PORT", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(f"MEMBOT_{name}", raising=False)
    monkeypatch.delenv("MEMBOT_PLATFORMS", raising=False)


def test_defaults_run_the_console_on_sqlite() -> None:
    settings = load_settings()
    assert settings.chosen_platforms() == ("console",)
    assert settings.database_url == "sqlite+aiosqlite:///./membot.db"
    assert settings.port == 8000


def test_tokens_choose_the_platforms(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    monkeypatch.setenv("MEMBOT_DISCORD_TOKEN", "abc")
    assert load_settings().chosen_platforms() == ("slack", "discord")
    assert load_settings(platforms="console").chosen_platforms() == ("console",)


def test_conventional_names_and_urls_are_accepted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgres://u:secret@db.example/app")
    monkeypatch.setenv("PORT", "5000")
    settings = load_settings()
    assert settings.database_url == "postgresql+asyncpg://u:secret@db.example/app"
    assert settings.port == 5000


@pytest.mark.parametrize(
    ("env", "value", "expected"),
    [
        ("MEMBOT_PORT", "eighty", "MEMBOT_PORT"),
        ("DATABASE_URL", "mysql://x/y", "unsupported database 'mysql'"),
        ("MEMBOT_PLATFORMS", "slack,telegram", "unknown platform 'telegram'"),
        ("MEMBOT_PLATFORMS", "memory", "unknown platform 'memory'; choose from console, slack, discord"),
        ("MEMBOT_LOG_LEVEL", "LOUD", "MEMBOT_LOG_LEVEL"),
        ("MEMBOT_FAQ_ENGINE", "neural", "MEMBOT_FAQ_ENGINE: use 'hybrid'"),
        ("DATABASE_URL", "db.example/app", "MEMBOT_DATABASE_URL: not a database URL"),
        ("MEMBOT_PUBLIC_URL", "notaurl", "MEMBOT_PUBLIC_URL: give the bot's full public address"),
        ("MEMBOT_PUBLIC_URL", "ftp://club.example", "MEMBOT_PUBLIC_URL: give the bot's full public address"),
    ],
)
def test_bad_values_name_the_setting(monkeypatch: pytest.MonkeyPatch, env: str, value: str, expected: str) -> None:
    monkeypatch.setenv(env, value)
    with pytest.raises(SettingsError, match=expected):
        load_settings()


def test_a_chosen_platform_without_its_token_is_refused() -> None:
    with pytest.raises(SettingsError, match="MEMBOT_DISCORD_TOKEN is not set"):
        load_settings(platforms="discord").check_platform_tokens()


def test_secrets_do_not_show_in_the_settings_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-very-secret")
    assert "xoxb-very-secret" not in repr(load_settings())


def test_a_bad_database_url_is_not_echoed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "u:hunter2@db.example/app")  # the scheme forgotten: a password in plain sight
    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert "hunter2" not in str(caught.value)


def test_settings_load_without_the_database_layer_or_the_encoder() -> None:
    """Every command reads the settings first; that must not load SQLAlchemy or numpy (the FAQ encoder)."""
    code = "import bot.settings, sys; print('numpy' in sys.modules, 'sqlalchemy' in sys.modules)"
    run = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, check=True)
    assert run.stdout.split() == ["False", "False"]


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"stripe_webhook_secret": "whsec_1"}, "MEMBOT_STRIPE_WEBHOOK_SECRET is set but MEMBOT_STRIPE_API_KEY"),
        ({"stripe_api_key": "sk_test_1"}, "MEMBOT_STRIPE_WEBHOOK_SECRET is not: without it Stripe's payment events"),
        (
            {"stripe_api_key": "sk_live_1", "stripe_webhook_secret": "whsec_1"},
            "MEMBOT_PUBLIC_URL is http://localhost:8000, so members who pay would land on localhost",
        ),
    ],
)
def test_half_a_stripe_setup_is_refused(values: dict[str, str], expected: str) -> None:
    """Found as an outsider: a key without a webhook secret served no webhook, so members paid and waited
    up to a day (the nightly sync) for access; a live key sent them to localhost after paying."""
    from bot.adapters import stripe_gateway

    with pytest.raises(SettingsError, match=expected):
        stripe_gateway(load_settings(**values))
    test_mode = load_settings(stripe_api_key="sk_test_1", stripe_webhook_secret="whsec_1")
    assert stripe_gateway(test_mode) is not None  # a test key may use localhost (the Stripe CLI forwards to it)


def test_a_utf16_env_file_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Found as an outsider: a .env saved as "Unicode" in Notepad ended in "unexpected UnicodeDecodeError"."""
    (tmp_path / ".env").write_text("SLACK_BOT_TOKEN=xoxb-1\n", encoding="utf-16")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SettingsError, match=r"^\.env is not UTF-8 text: save it again as UTF-8"):
        load_settings()
