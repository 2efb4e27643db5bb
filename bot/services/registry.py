"""The services a handler or job can reach, built once by bot.app."""

from __future__ import annotations

from dataclasses import dataclass

from bot.clock import Clock
from bot.i18n import Catalog
from bot.metrics import Metrics
from bot.services.analytics import AnalyticsService
from bot.services.announcements import AnnouncementService
from bot.services.billing.service import BillingService
from bot.services.briefing import BriefingService
from bot.services.community import CommunityContext
from bot.services.content import ContentService
from bot.services.engagement import EngagementService
from bot.services.experiments import ExperimentService
from bot.services.faq.answers import AnswerService
from bot.services.feedback import FeedbackService
from bot.services.form_drafts import FormDrafts
from bot.services.linking import LinkingService
from bot.services.live import LiveService
from bot.services.live.calendar_sync import CalendarSync
from bot.services.member import MemberPages
from bot.services.membership import MembershipService
from bot.services.onboarding import OnboardingService
from bot.services.polls import PollService
from bot.services.preferences import PreferencesService
from bot.services.presence import Presence
from bot.services.privacy import PrivacyService
from bot.services.referrals import ReferralService


@dataclass(frozen=True)
class Services:
    clock: Clock
    catalog: Catalog
    community: CommunityContext
    presence: Presence
    metrics: Metrics
    membership: MembershipService
    billing: BillingService
    content: ContentService
    engagement: EngagementService
    live: LiveService
    onboarding: OnboardingService
    preferences: PreferencesService
    member_pages: MemberPages
    linking: LinkingService
    calendar: CalendarSync
    privacy: PrivacyService
    announcements: AnnouncementService
    polls: PollService
    feedback: FeedbackService
    referrals: ReferralService
    answers: AnswerService
    analytics: AnalyticsService
    briefing: BriefingService
    experiments: ExperimentService
    forms: FormDrafts
