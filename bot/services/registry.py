"""The services a handler or job can reach, built once by bot.app."""

from __future__ import annotations

from dataclasses import dataclass

from bot.clock import Clock
from bot.i18n import Catalog
from bot.metrics import Metrics
from bot.outbox import Outbox
from bot.services.community import CommunityContext
from bot.services.content import ContentService
from bot.services.membership import MembershipService
from bot.services.onboarding import OnboardingService
from bot.services.presence import Presence
from storage.database import Database


@dataclass(frozen=True)
class Services:
    database: Database
    clock: Clock
    catalog: Catalog
    community: CommunityContext
    presence: Presence
    outbox: Outbox
    metrics: Metrics
    membership: MembershipService
    content: ContentService
    onboarding: OnboardingService
