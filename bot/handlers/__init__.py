"""Event-driven features. Each module exposes `register(router)`; `register_all` lists them all."""

from __future__ import annotations

from bot.handlers import (
    analytics,
    announcements,
    billing,
    briefing,
    content,
    engagement,
    experiments,
    faq,
    faq_replies,
    feedback,
    forms,
    help,
    linking,
    live,
    member,
    membership,
    onboarding,
    polls,
    privacy,
    referrals,
)
from bot.router import Router


def register_all(router: Router) -> None:
    membership.register(router)
    onboarding.register(router)
    content.register(router)
    member.register(router)
    live.register(router)
    announcements.register(router)
    polls.register(router)
    feedback.register(router)
    referrals.register(router)
    engagement.register(router)
    analytics.register(router)
    experiments.register(router)
    briefing.register(router)
    linking.register(router)
    privacy.register(router)
    faq.register(router)
    faq_replies.register(router)
    billing.register(router)
    forms.register(router)
    help.register(router)
