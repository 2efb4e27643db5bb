"""The schema, as typed SQLAlchemy 2 models. Alembic migrations are generated from these."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from storage.types import UTCDateTime

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON, list[Any]: JSON}


class Community(Base):
    __tablename__ = "communities"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    creator_name: Mapped[str] = mapped_column(String(100))
    locale: Mapped[str] = mapped_column(String(10), default="en")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)  # validated community.toml
    imported_at: Mapped[datetime | None]
    doors_open: Mapped[bool] = mapped_column(Boolean, default=True)  # closed: /join puts people on the waitlist
    seat_cap: Mapped[int | None] = mapped_column(Integer)


class Tier(Base):
    __tablename__ = "tiers"
    __table_args__ = (UniqueConstraint("community_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(80))
    name: Mapped[str] = mapped_column(String(100))
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)


class Member(Base):
    """One person, however many platform accounts they have."""

    __tablename__ = "members"
    __table_args__ = (Index("ix_members_joined", "community_id", "joined_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"), index=True)
    display_name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(20), default="member")  # member | moderator | creator
    level: Mapped[int | None] = mapped_column(Integer)
    segments: Mapped[list[Any]] = mapped_column(default=list)  # from intake: goals, formats
    locale: Mapped[str | None] = mapped_column(String(10))
    timezone: Mapped[str | None] = mapped_column(String(64))
    joined_at: Mapped[datetime]
    left_at: Mapped[datetime | None]
    last_active_at: Mapped[datetime | None]

    identities: Mapped[list[PlatformIdentity]] = relationship(
        back_populates="member", cascade="all, delete-orphan", lazy="selectin", order_by="PlatformIdentity.id"
    )


class PlatformIdentity(Base):
    __tablename__ = "platform_identities"
    __table_args__ = (UniqueConstraint("platform", "workspace_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    platform: Mapped[str] = mapped_column(String(20))
    workspace_id: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[str] = mapped_column(String(64))
    dm_channel_id: Mapped[str | None] = mapped_column(String(64))  # cached DM conversation
    created_at: Mapped[datetime]

    member: Mapped[Member] = relationship(back_populates="identities")


class Membership(Base):
    """A member's paid (or comped) access to a tier."""

    __tablename__ = "memberships"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    tier_id: Mapped[int] = mapped_column(ForeignKey("tiers.id", ondelete="RESTRICT"))
    status: Mapped[str] = mapped_column(String(20))  # active trialing past_due paused canceled unpaid comped
    plan: Mapped[str | None] = mapped_column(String(80))
    founding: Mapped[bool] = mapped_column(Boolean, default=False)
    started_at: Mapped[datetime]
    current_period_end: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    stripe_customer_id: Mapped[str | None] = mapped_column(String(64), index=True)
    stripe_subscription_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    past_due_since: Mapped[datetime | None]  # start of the grace period
    cancel_reason: Mapped[str | None] = mapped_column(Text)  # the exit survey's answer


class MemberPreferences(Base):
    __tablename__ = "member_preferences"

    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), primary_key=True)
    delivery: Mapped[str] = mapped_column(String(10), default="channel")  # drops by dm or only in the channel
    digest: Mapped[str] = mapped_column(String(10), default="every")  # every | weekly | none
    time_of_day: Mapped[time | None] = mapped_column(Time)  # preferred local time for timed messages
    nudges: Mapped[bool] = mapped_column(Boolean, default=True)
    celebrate: Mapped[str] = mapped_column(String(10), default="dm")  # dm | channel | none
    answers: Mapped[dict[str, Any]] = mapped_column(default=dict)  # intake answers
    intake_done_at: Mapped[datetime | None]


class ContentItem(Base):
    __tablename__ = "content_items"
    __table_args__ = (
        UniqueConstraint("community_id", "slug"),
        Index("ix_content_items_due", "community_id", "published_at", "publish_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"))
    slug: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(150))
    kind: Mapped[str] = mapped_column(String(20))
    levels: Mapped[list[Any]] = mapped_column(default=list)
    topics: Mapped[list[Any]] = mapped_column(default=list)
    teaser: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str | None] = mapped_column(String(500))
    queue_order: Mapped[int] = mapped_column(Integer, default=0)
    publish_at: Mapped[datetime | None]  # when it is due; None: not scheduled yet
    published_at: Mapped[datetime | None]  # set once, never cleared: published stays published
    source_hash: Mapped[str] = mapped_column(String(64), default="")


class Activity(Base):
    __tablename__ = "activity"
    __table_args__ = (Index("ix_activity_member_time", "member_id", "occurred_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(30))  # message reaction command click library_open join
    occurred_at: Mapped[datetime]
    ref: Mapped[str | None] = mapped_column(String(120))


class FaqEntry(Base):
    __tablename__ = "faq_entries"
    __table_args__ = (UniqueConstraint("community_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(80))
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text)
    alt_questions: Mapped[list[Any]] = mapped_column(default=list)
    tags: Mapped[list[Any]] = mapped_column(default=list)
    source: Mapped[str] = mapped_column(String(20), default="file")  # file | chat


class LiveSession(Base):
    __tablename__ = "live_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(150))
    starts_at: Mapped[datetime] = mapped_column(index=True)
    duration_min: Mapped[int] = mapped_column(Integer, default=60)
    link: Mapped[str | None] = mapped_column(String(500))
    description: Mapped[str] = mapped_column(Text, default="")
    recording_url: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(20), default="scheduled")  # scheduled canceled done
    content_item_id: Mapped[int | None] = mapped_column(ForeignKey("content_items.id", ondelete="SET NULL"))
    external_ids: Mapped[dict[str, Any]] = mapped_column(default=dict)  # e.g. Discord scheduled event ids
    created_at: Mapped[datetime]


class Rsvp(Base):
    __tablename__ = "rsvps"
    __table_args__ = (UniqueConstraint("session_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("live_sessions.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime]
    attended: Mapped[bool] = mapped_column(Boolean, default=False)


class OutboxMessage(Base):
    """A message to send, written in the same transaction as the change that caused it.

    `dedupe_key` names the reason (`drop:17:member:42`); its unique constraint makes
    enqueuing idempotent. Rows move pending -> sending (leased) -> sent, or -> dead.
    """

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    platform: Mapped[str] = mapped_column(String(20))
    workspace_id: Mapped[str] = mapped_column(String(64))
    target: Mapped[dict[str, Any]] = mapped_column()  # user_id or channel (+ thread_id)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"), index=True)
    payload: Mapped[dict[str, Any]] = mapped_column()  # OutboundMessage.to_dict()
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime]
    lease_until: Mapped[datetime | None]
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    platform_message_id: Mapped[str | None] = mapped_column(String(128))
    last_error: Mapped[str | None] = mapped_column(String(300))


class InboundEvent(Base):
    """A platform delivery, recorded before it is acknowledged and handled from here.

    The unique key makes a retried delivery a no-op. `payload` (the neutral event) is kept
    while the row is `pending` and cleared once `done`, so a crash between the ack and the
    end of handling is finished by the next process (`claimed_until` is the handler's lease).
    """

    __tablename__ = "inbound_events"
    __table_args__ = (UniqueConstraint("platform", "event_key"), Index("ix_inbound_events_due", "status", "claimed_until"))

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(20))
    event_key: Mapped[str] = mapped_column(String(200))
    received_at: Mapped[datetime] = mapped_column(index=True)
    payload: Mapped[dict[str, Any] | None] = mapped_column()
    status: Mapped[str] = mapped_column(String(10), default="done", server_default="done")  # pending | done | dead
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    claimed_until: Mapped[datetime | None]
    processed_at: Mapped[datetime | None]


class LiveQuestion(Base):
    """A question for a live session, asked in advance (or carried over from the FAQ inbox)."""

    __tablename__ = "live_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("live_sessions.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"), index=True)
    text: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(10), default="member")  # member | faq
    created_at: Mapped[datetime]


class OnboardingProgress(Base):
    """Which onboarding steps each member has had (or skipped): editing the sequence never resends one."""

    __tablename__ = "onboarding_progress"
    __table_args__ = (UniqueConstraint("member_id", "step_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    step_id: Mapped[str] = mapped_column(String(80))
    outcome: Mapped[str] = mapped_column(String(10))  # sent | skipped
    at: Mapped[datetime]


class Nudge(Base):
    """A re-engagement message, and whether the member came back within the window."""

    __tablename__ = "nudges"
    __table_args__ = (Index("ix_nudges_member_sent", "member_id", "sent_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    stage: Mapped[str] = mapped_column(String(30))  # the policy step, e.g. day-10
    sent_at: Mapped[datetime]
    came_back_at: Mapped[datetime | None]


class Milestone(Base):
    __tablename__ = "milestones"
    __table_args__ = (UniqueConstraint("member_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(40))  # 1-month, 3-months, 1-year, first-post, 5-live
    reached_at: Mapped[datetime]


class Announcement(Base):
    __tablename__ = "announcements"

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    segment: Mapped[str] = mapped_column(String(40))  # all | level:N | tier:KEY | inactive | founding
    text: Mapped[str] = mapped_column(Text)
    send_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(10), default="draft")  # draft | scheduled | sent | canceled
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]


class Poll(Base):
    __tablename__ = "polls"

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"))
    question: Mapped[str] = mapped_column(Text)
    options: Mapped[list[Any]] = mapped_column()
    created_by: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]


class PollVote(Base):
    __tablename__ = "poll_votes"
    __table_args__ = (UniqueConstraint("poll_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    option: Mapped[int] = mapped_column(Integer)
    voted_at: Mapped[datetime]


class Feedback(Base):
    __tablename__ = "feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"), index=True)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]


class ReferralCode(Base):
    __tablename__ = "referral_codes"

    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    created_at: Mapped[datetime]


class Referral(Base):
    __tablename__ = "referrals"

    id: Mapped[int] = mapped_column(primary_key=True)
    referrer_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    referred_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), unique=True)
    created_at: Mapped[datetime]
    credited_at: Mapped[datetime | None]  # when the referred member became a paying member


class FaqQuestion(Base):
    """Every question a member asked, how it was answered, and the creator's follow-up."""

    __tablename__ = "faq_questions"
    __table_args__ = (Index("ix_faq_questions_status", "community_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"), index=True)
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str | None] = mapped_column(Text)
    cited: Mapped[str | None] = mapped_column(String(120))  # faq:<key> or content:<slug>
    score: Mapped[float | None]
    status: Mapped[str] = mapped_column(String(12))  # answered | unanswered | forwarded | resolved
    feedback: Mapped[str | None] = mapped_column(String(4))  # up | down
    place: Mapped[dict[str, Any]] = mapped_column(default=dict)  # platform, workspace, channel, thread
    asked_at: Mapped[datetime]
    resolved_at: Mapped[datetime | None]


class StripeEvent(Base):
    """Every webhook event received, once: a duplicate delivery finds its id here and changes nothing."""

    __tablename__ = "stripe_events"
    __table_args__ = (Index("ix_stripe_events_pending", "status", "received_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[str] = mapped_column(String(80), unique=True)
    type: Mapped[str] = mapped_column(String(80))
    payload: Mapped[dict[str, Any]] = mapped_column()
    received_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(12), default="pending")  # pending | processed | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    processed_at: Mapped[datetime | None]
    error: Mapped[str | None] = mapped_column(String(300))


class WaitlistEntry(Base):
    __tablename__ = "waitlist"
    __table_args__ = (UniqueConstraint("community_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    joined_at: Mapped[datetime]
    invited_at: Mapped[datetime | None]
    converted_at: Mapped[datetime | None]


class LinkCode(Base):
    """A one-time code that joins a member's accounts on two platforms into one person."""

    __tablename__ = "link_codes"

    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]


class Erasure(Base):
    """A tombstone of an erased member: keyed hashes (never the raw values) of their member id and
    Stripe customer and subscription ids, so a late webhook is stored scrubbed and never re-links them.

    The row with `id` 0 and `kind` "key" holds the random HMAC key, made once per database.
    """

    __tablename__ = "erasures"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # key | member | customer | subscription
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    erased_at: Mapped[datetime]
