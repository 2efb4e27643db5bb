"""Settings from `MEMBOT_*` environment variables and `.env`, validated once at start-up.

Platform tokens also answer to their conventional names (`SLACK_BOT_TOKEN`,
`DISCORD_TOKEN`, `DATABASE_URL`, ...), which is what hosting dashboards suggest.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.database_url import DatabaseURLError, normalise_url

REPO_ROOT = Path(__file__).resolve().parent.parent
SAMPLE_COMMUNITY = REPO_ROOT / "examples" / "strategy-club"  # what `membot run` imports into an empty database
PLATFORM_NAMES = ("console", "slack", "discord")  # the tests' memory platform is passed in, never chosen
FAQ_ENGINES = ("hybrid", "lexical")  # bot.integrations.local_embeddings loads the encoder "hybrid" needs


def _env(name: str) -> AliasChoices:
    """Accept `MEMBOT_<NAME>` and the bare conventional `<NAME>`."""
    return AliasChoices(f"MEMBOT_{name}", name)


class SettingsError(ValueError):
    """Settings that cannot work; the message names the setting and says why."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MEMBOT_", env_file=".env", extra="ignore", populate_by_name=True)

    database_url: str = Field(default="sqlite+aiosqlite:///./membot.db", validation_alias=_env("DATABASE_URL"))
    # Which community: a folder (community.toml, content/, faq.toml) or the slug of one already
    # imported. Unset: the database's only community (`membot run` imports the sample into an
    # empty database). The command line resolves it to `community_slug`, which `build_app` loads.
    community: str | None = Field(default=None, validation_alias=_env("COMMUNITY"))
    community_slug: str | None = None
    prompts_path: Path = Field(default=REPO_ROOT / "prompts", validation_alias=_env("PROMPTS"))
    platforms: Annotated[tuple[str, ...], NoDecode] = Field(default=(), validation_alias=_env("PLATFORMS"))
    port: int = Field(default=8000, ge=1, le=65535, validation_alias=AliasChoices("MEMBOT_PORT", "PORT"))
    log_level: str = Field(default="INFO", validation_alias=_env("LOG_LEVEL"))
    # GET /metrics: with a token, on the public port behind `Authorization: Bearer <token>`;
    # without one, only on 127.0.0.1:<metrics_port> (a listener of its own).
    metrics_token: SecretStr | None = Field(default=None, validation_alias=_env("METRICS_TOKEN"))
    metrics_port: int = Field(default=9464, ge=1, le=65535, validation_alias=_env("METRICS_PORT"))

    slack_bot_token: SecretStr | None = Field(default=None, validation_alias=_env("SLACK_BOT_TOKEN"))
    slack_signing_secret: SecretStr | None = Field(default=None, validation_alias=_env("SLACK_SIGNING_SECRET"))
    slack_app_token: SecretStr | None = Field(default=None, validation_alias=_env("SLACK_APP_TOKEN"))
    slack_api_url: str = Field(default="https://slack.com/api/", validation_alias=_env("SLACK_API_URL"))

    discord_token: SecretStr | None = Field(default=None, validation_alias=_env("DISCORD_TOKEN"))
    discord_application_id: str | None = Field(default=None, validation_alias=_env("DISCORD_APPLICATION_ID"))
    discord_guild_id: str | None = Field(default=None, validation_alias=_env("DISCORD_GUILD_ID"))
    discord_sharded: bool = Field(default=False, validation_alias=_env("DISCORD_SHARDED"))
    discord_message_content: bool = Field(default=True, validation_alias=_env("DISCORD_MESSAGE_CONTENT"))
    discord_api_url: str | None = Field(default=None, validation_alias=_env("DISCORD_API_URL"))  # a local fake

    # How the FAQ finds answers locally: "hybrid" (a bundled multilingual sentence encoder plus
    # the lexical index) or "lexical" (no model: faster, but misses more paraphrases).
    faq_engine: str = Field(default="hybrid", validation_alias=_env("FAQ_ENGINE"))
    openai_api_key: SecretStr | None = Field(default=None, validation_alias=_env("OPENAI_API_KEY"))
    openai_base_url: str | None = Field(default=None, validation_alias=_env("OPENAI_BASE_URL"))
    openai_model: str = Field(default="gpt-4o-mini", validation_alias=_env("OPENAI_MODEL"))
    openai_timeout_seconds: float = Field(default=8.0, gt=0, le=120, validation_alias=_env("OPENAI_TIMEOUT"))
    # With an LLM configured, it judges which of the top five FAQ candidates answers a question
    # (or none); off: the LLM only words answers from the top passages, as before the judge.
    faq_judge: bool = Field(default=True, validation_alias=_env("FAQ_JUDGE"))

    # Stripe calls it the secret key (STRIPE_SECRET_KEY); both names work, with or without MEMBOT_.
    stripe_api_key: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices(
            "MEMBOT_STRIPE_API_KEY", "STRIPE_API_KEY", "MEMBOT_STRIPE_SECRET_KEY", "STRIPE_SECRET_KEY"
        ),
    )
    stripe_webhook_secret: SecretStr | None = Field(default=None, validation_alias=_env("STRIPE_WEBHOOK_SECRET"))
    stripe_api_base: str = Field(default="https://api.stripe.com", validation_alias=_env("STRIPE_API_BASE"))
    public_url: str = Field(default="http://localhost:8000", validation_alias=_env("PUBLIC_URL"))
    grace_days: int = Field(default=7, ge=0, le=60, validation_alias=_env("GRACE_DAYS"))
    revoke_mode: str = Field(default="remove", validation_alias=_env("REVOKE_MODE"))  # remove roles, or kick
    # What /forget-me does to the member's Stripe customer: delete it, flag it (metadata, so the
    # creator can act; invoices must often be kept for bookkeeping), or keep it untouched.
    privacy_stripe: str = Field(default="flag", validation_alias=_env("PRIVACY_STRIPE"))

    # Delivery tuning.
    outbox_batch: int = Field(default=50, ge=1, le=1000)
    outbox_lease_seconds: float = Field(default=60.0, gt=0)
    outbox_max_attempts: int = Field(default=8, ge=1, le=100)
    outbox_poll_seconds: float = Field(default=0.5, gt=0)
    # Each workspace's send rate: `shared` through the database by every worker process, `local`
    # to each process; `auto` shares it on PostgreSQL (where several workers can run).
    send_budget: str = Field(default="auto", validation_alias=_env("SEND_BUDGET"))

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        try:
            return normalise_url(value)
        except DatabaseURLError as exc:
            raise ValueError(str(exc)) from None

    @field_validator("platforms", mode="before")
    @classmethod
    def _split_platforms(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [p.strip() for p in value.split(",") if p.strip()]
        for name in value or ():
            if name not in PLATFORM_NAMES:
                raise ValueError(f"unknown platform {name!r}; choose from {', '.join(PLATFORM_NAMES)}")
        return tuple(value or ())

    @field_validator("public_url")
    @classmethod
    def _public_url(cls, value: str) -> str:
        parts = urlsplit(value.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("give the bot's full public address, like https://club.example.com")
        return value.strip()

    @field_validator("privacy_stripe")
    @classmethod
    def _privacy_stripe(cls, value: str) -> str:
        if value not in ("delete", "flag", "keep"):
            raise ValueError("use 'delete', 'flag' or 'keep'")
        return value

    @field_validator("send_budget")
    @classmethod
    def _send_budget(cls, value: str) -> str:
        if value not in ("auto", "local", "shared"):
            raise ValueError("use 'auto' (shared on PostgreSQL), 'shared' or 'local'")
        return value

    @field_validator("revoke_mode")
    @classmethod
    def _revoke_mode(cls, value: str) -> str:
        if value not in ("remove", "kick"):
            raise ValueError("use 'remove' (take away roles and channels) or 'kick'")
        return value

    @field_validator("faq_engine")
    @classmethod
    def _faq_engine(cls, value: str) -> str:
        if value not in FAQ_ENGINES:
            raise ValueError("use 'hybrid' (meaning and words, the default) or 'lexical' (words only)")
        return value

    @field_validator("log_level")
    @classmethod
    def _log_level(cls, value: str) -> str:
        value = value.upper()
        if value not in ("DEBUG", "INFO", "WARNING", "ERROR"):
            raise ValueError("use DEBUG, INFO, WARNING or ERROR")
        return value

    def chosen_platforms(self) -> tuple[str, ...]:
        """Platforms asked for, else those whose tokens are present, else the console."""
        if self.platforms:
            return self.platforms
        found = []
        if self.slack_bot_token:
            found.append("slack")
        if self.discord_token:
            found.append("discord")
        return tuple(found) or ("console",)

    def check_platform_tokens(self) -> None:
        """Fail early, naming the missing setting, when a chosen platform lacks its token."""
        needs: dict[str, list[tuple[str, object]]] = {
            "slack": [("MEMBOT_SLACK_BOT_TOKEN", self.slack_bot_token)],
            "discord": [
                ("MEMBOT_DISCORD_TOKEN", self.discord_token),
                ("MEMBOT_DISCORD_APPLICATION_ID", self.discord_application_id),
                ("MEMBOT_DISCORD_GUILD_ID", self.discord_guild_id),
            ],
        }
        for platform in self.chosen_platforms():
            for name, value in needs.get(platform, []):
                if not value:
                    raise SettingsError(f"{name} is not set, but platform {platform!r} was chosen")
        if "slack" in self.chosen_platforms() and not self.slack_app_token and not self.slack_signing_secret:
            raise SettingsError(
                "Slack needs MEMBOT_SLACK_APP_TOKEN (Socket Mode) or MEMBOT_SLACK_SIGNING_SECRET (HTTP mode)"
            )


def load_settings(**overrides: Any) -> Settings:
    """Build settings, turning pydantic's error list into one sentence per bad setting."""
    clean = {k: v for k, v in overrides.items() if v is not None}
    try:
        return Settings(**clean)
    except ValidationError as exc:
        raise SettingsError(describe_validation_error(exc)) from None
    except UnicodeDecodeError:  # Notepad's "Unicode" is UTF-16
        raise SettingsError(".env is not UTF-8 text: save it again as UTF-8 (in Notepad: Save as → Encoding)") from None


def describe_validation_error(exc: ValidationError) -> str:
    lines = []
    for error in exc.errors():
        field = ".".join(str(p) for p in error["loc"]) or "settings"
        setting = field if field.isupper() or not field.isidentifier() else f"MEMBOT_{field.upper()}"
        lines.append(f"{setting}: {error['msg'].removeprefix('Value error, ')}")
    return "; ".join(lines)
