"""Activity, onboarding progress, nudges, milestones, announcements, polls, feedback, referrals."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base


class Activity(Base):
    __tablename__ = "activity"
    __table_args__ = (Index("ix_activity_member_time", "member_id", "occurred_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(30))  # message reaction command click library_open join
    occurred_at: Mapped[datetime]
    ref: Mapped[str | None] = mapped_column(String(120))


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
    __table_args__ = (
        Index("ix_nudges_member_sent", "member_id", "sent_at"),
        # "had this stage in this stretch", asked of every member in a nudge band: answered from the index alone.
        Index("ix_nudges_member_stage_sent", "member_id", "stage", "sent_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    stage: Mapped[str] = mapped_column(String(30))  # the policy step, e.g. day-10
    sent_at: Mapped[datetime]
    came_back_at: Mapped[datetime | None]
    # An experiment's holdout: the stage was reached but nothing was sent (not counted as a win-back try).
    held_back: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


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
