"""Members, their platform accounts, memberships, preferences and link codes."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, Time, UniqueConstraint, func
from sqlalchemy.engine.default import DefaultExecutionContext
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.models.base import Base


def _stretch_start_of_new_row(context: DefaultExecutionContext) -> datetime | None:
    """A new member's first nudge check: their join (or last activity), before any stage can be due."""
    row = context.get_current_parameters()
    return row.get("last_active_at") or row.get("joined_at")


class Member(Base):
    """One person, however many platform accounts they have."""

    __tablename__ = "members"
    __table_args__ = (
        Index("ix_members_joined", "community_id", "joined_at"),
        Index("ix_members_nudge_check", "community_id", "nudge_check_at"),
        Index("ix_members_first_post", "community_id", "first_posted_at"),
    )

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
    # When the nudge scan should look at this member next: never later than the moment a nudge stage
    # could fall due (storage.repositories.engagement.nudges), None while none can (all had this quiet
    # stretch, or no open membership). Activity, a new membership, rejoining and opting back in set it
    # back to the stretch start, so the scan reads only who may be due instead of every quiet member.
    nudge_check_at: Mapped[datetime | None] = mapped_column(default=_stretch_start_of_new_row)
    # When the member first posted in a channel (their first activity of kind "message"; a DM to the
    # bot is not a post). The first-post milestone reads a recent band of it instead of every member
    # active lately, and the onboarding's "unless posted" reads it instead of the activity log.
    first_posted_at: Mapped[datetime | None]

    identities: Mapped[list[PlatformIdentity]] = relationship(
        back_populates="member", cascade="all, delete-orphan", lazy="selectin", order_by="PlatformIdentity.id"
    )


# The start of a member's quiet stretch (storage.repositories.engagement.stretch_start), indexed with
# the community: the nudge scan reads one band of it, in that order, instead of every member.
Index("ix_members_stretch", Member.community_id, func.coalesce(Member.last_active_at, Member.joined_at))
# The creator accounts (a handful among a million members): read by every job that tells the creator.
Index(
    "ix_members_creators",
    Member.community_id,
    sqlite_where=Member.role == "creator",
    postgresql_where=Member.role == "creator",
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


def _started_at_of_new_row(context: DefaultExecutionContext) -> datetime | None:
    """A new membership's first drip check: its start, when the public welcome and a day-0 step are due."""
    started: datetime | None = context.get_current_parameters().get("started_at")
    return started


class Membership(Base):
    """A member's paid (or comped) access to a tier."""

    __tablename__ = "memberships"
    # The drip and the public welcome look for memberships started in a window of days, or due a check.
    __table_args__ = (
        Index("ix_memberships_started", "started_at"),
        Index("ix_memberships_drip_check", "drip_check_at"),
    )

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
    paying_since: Mapped[datetime | None]  # first paid: a Stripe trial's end, else when it went active
    lapsed_at: Mapped[datetime | None]  # went unpaid or paused (access stopped, the subscription not over)
    ended_by: Mapped[str | None] = mapped_column(String(10))  # "creator" when removed by hand (no win-back note)
    cancel_reason: Mapped[str | None] = mapped_column(Text)  # the exit survey's answer
    # When the drip should look at this membership next: never later than its public welcome or a
    # drip step can go out, None once none can (bot.services.onboarding_checks).
    drip_check_at: Mapped[datetime | None] = mapped_column(default=_started_at_of_new_row)


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


class LinkCode(Base):
    """A one-time code that joins a member's accounts on two platforms into one person."""

    __tablename__ = "link_codes"

    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
