"""The schema, as typed SQLAlchemy 2 models, one module per aggregate. Alembic migrations are
generated from these; importing this package registers every table on `Base.metadata`."""

from __future__ import annotations

from storage.models.base import Base
from storage.models.community import Community, Tier
from storage.models.members import Member, PlatformIdentity, Membership, MemberPreferences, LinkCode
from storage.models.content import ContentItem, FaqEntry, FaqQuestion
from storage.models.live import LiveSession, Rsvp, LiveQuestion
from storage.models.engagement import Activity, OnboardingProgress, Nudge, Milestone, Announcement, Poll, PollVote, Feedback, ReferralCode, Referral
from storage.models.delivery import OutboxMessage, InboundEvent
from storage.models.billing import StripeEvent, WaitlistEntry, Erasure
from storage.models.replies import MemberReply

__all__ = [
    "Activity",
    "Announcement",
    "Base",
    "Community",
    "ContentItem",
    "Erasure",
    "FaqEntry",
    "FaqQuestion",
    "Feedback",
    "InboundEvent",
    "LinkCode",
    "LiveQuestion",
    "LiveSession",
    "Member",
    "MemberReply",
    "MemberPreferences",
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
    "StripeEvent",
    "Tier",
    "WaitlistEntry",
]
