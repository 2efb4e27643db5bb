"""The schema, as typed SQLAlchemy 2 models, one module per aggregate. Alembic migrations are
generated from these; importing this package registers every table on `Base.metadata`."""

from __future__ import annotations

from storage.models.base import Base
from storage.models.billing import Erasure, LaunchWindow, StripeEvent, WaitlistEntry
from storage.models.community import Community, Tier
from storage.models.content import ContentItem, FaqEntry, FaqQuestion
from storage.models.delivery import InboundEvent, OutboxMessage, SendBudget
from storage.models.engagement import (
    Activity,
    Announcement,
    Feedback,
    Milestone,
    Nudge,
    OnboardingProgress,
    Poll,
    PollVote,
    Referral,
    ReferralCode,
)
from storage.models.experiments import Experiment, ExperimentAssignment
from storage.models.live import LiveQuestion, LiveSeries, LiveSession, Rsvp
from storage.models.members import LinkCode, Member, MemberPreferences, Membership, PlatformIdentity
from storage.models.replies import MemberReply

__all__ = [
    "Activity",
    "Announcement",
    "Base",
    "Community",
    "ContentItem",
    "Erasure",
    "Experiment",
    "ExperimentAssignment",
    "FaqEntry",
    "FaqQuestion",
    "Feedback",
    "InboundEvent",
    "LaunchWindow",
    "LinkCode",
    "LiveQuestion",
    "LiveSeries",
    "LiveSession",
    "Member",
    "MemberPreferences",
    "MemberReply",
    "Membership",
    "Milestone",
    "Nudge",
    "OnboardingProgress",
    "OutboxMessage",
    "PlatformIdentity",
    "Poll",
    "PollVote",
    "Referral",
    "ReferralCode",
    "Rsvp",
    "SendBudget",
    "StripeEvent",
    "Tier",
    "WaitlistEntry",
]
