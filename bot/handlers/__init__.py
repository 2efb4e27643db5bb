"""Event-driven features. Each module exposes `register(router)`; `register_all` lists them all."""

from __future__ import annotations

from bot.handlers import content, drops, help, membership, onboarding
from bot.router import Router


def register_all(router: Router) -> None:
    membership.register(router)
    onboarding.register(router)
    content.register(router)
    drops.register(router)
    help.register(router)
