"""The adapters the settings ask for: the chat platforms, the Stripe gateway, and `membot web`'s
HTTP side alone. Part of the composition root (`bot.app`); SDK-backed adapters are imported
only when chosen, so a bot without Slack, Discord or billing never loads their SDKs.
"""

from __future__ import annotations

import functools
from urllib.parse import urlsplit

from bot.clock import SystemClock
from bot.health import HealthCheck
from bot.metrics import Metrics, MetricsAccess
from bot.ports import Platform
from bot.router import Router
from bot.services.billing.wire import StripePort
from bot.services.registry import Services
from bot.settings import Settings, SettingsError
from bot.web import WebServer
from storage.database import Database

LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "0.0.0.0"})


def build_platforms(settings: Settings, services: Services, router: Router, web: WebServer) -> dict[str, Platform]:
    """The adapters the settings ask for. SDK-backed adapters are imported only when chosen."""
    community = services.community
    built: dict[str, Platform] = {}
    for name in settings.chosen_platforms():
        if name == "console":
            from bot.platforms.console import ConsolePlatform

            built[name] = ConsolePlatform(creator_name=community.creator_name, community_id=community.id)
        elif name == "slack":
            from bot.handlers.home import render_home
            from bot.platforms.slack.adapter import create_slack_platform

            built[name] = create_slack_platform(
                settings,
                community.config,
                web_server=web,
                home_provider=functools.partial(render_home, services),
                clock=services.clock,
            )
        elif name == "discord":
            from bot.handlers.content import library_topics
            from bot.platforms.discord.factory import create_discord_platform

            t = services.catalog.for_locale(community.locale)
            commands = {n: (t(spec.help_key) if spec.help_key else n) for n, spec in router.commands.items()}
            discord = create_discord_platform(settings, community.config, commands=commands)
            discord.set_autocomplete("library", functools.partial(library_topics, services))
            built[name] = discord
        else:
            raise SettingsError(f"MEMBOT_PLATFORMS: the {name} adapter is not available in this build yet")
    return built


def stripe_gateway(settings: Settings) -> StripePort | None:
    """The Stripe client when `MEMBOT_STRIPE_API_KEY` is set, else None (memberships granted by hand).

    The SDK is imported only then, so a bot without billing never loads it.
    """
    if settings.stripe_api_key is None:
        if settings.stripe_webhook_secret is not None:
            raise SettingsError(
                "MEMBOT_STRIPE_WEBHOOK_SECRET is set but MEMBOT_STRIPE_API_KEY (or STRIPE_SECRET_KEY) is not: billing needs both"
            )
        return None
    if settings.stripe_webhook_secret is None:  # members could pay, and wait a day for the nightly sync
        raise SettingsError(
            "MEMBOT_STRIPE_API_KEY is set but MEMBOT_STRIPE_WEBHOOK_SECRET is not: without it Stripe's payment "
            "events are never received. Add the webhook endpoint (README, Billing step 3) and set its whsec_ secret"
        )
    key = settings.stripe_api_key.get_secret_value()
    if key.startswith(("sk_live_", "rk_live_")) and urlsplit(settings.public_url).hostname in LOCAL_HOSTS:
        raise SettingsError(
            f"MEMBOT_PUBLIC_URL is {settings.public_url}, so members who pay would land on localhost: "
            "set it to the address Stripe's webhook uses, like https://club.example.com"
        )
    from bot.integrations.stripe_gateway import StripeGateway

    return StripeGateway(
        key, api_base=settings.stripe_api_base, webhook_secret=settings.stripe_webhook_secret.get_secret_value()
    )


def build_web_only(settings: Settings, database: Database) -> tuple[WebServer, StripePort | None]:
    """`membot web`: the HTTP side alone. Stripe events are verified and recorded here; the bot
    process (`membot run`, which holds the chat platforms) processes them from the table."""
    from bot.services.billing.webhooks import WebhookInbox

    web = WebServer(settings.port, health=HealthCheck(database, SystemClock()).report)
    stripe = stripe_gateway(settings)
    if stripe is not None:
        from bot.handlers.billing import add_routes

        add_routes(web, WebhookInbox(database, SystemClock(), stripe))
    Metrics().serve(web, database, start_server=True, access=MetricsAccess.from_settings(settings))
    return web, stripe
