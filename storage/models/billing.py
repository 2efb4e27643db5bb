"""Stripe events, the waitlist, launch windows and erasure tombstones."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base


class StripeEvent(Base):
    """Every webhook event received, once: a duplicate delivery finds its id here and changes nothing."""

    __tablename__ = "stripe_events"
    __table_args__ = (Index("ix_stripe_events_pending", "status", "received_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[str] = mapped_column(String(80), unique=True)
    type: Mapped[str] = mapped_column(String(80))
    payload: Mapped[dict[str, Any]] = mapped_column()
    received_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(12), default="pending")  # pending|processed|failed|abandoned|erased
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    processed_at: Mapped[datetime | None]
    retry_at: Mapped[datetime | None]  # a failed event is tried again from then (backing off)
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


class LaunchWindow(Base):
    """A time the doors are open: a `[[doors.windows]]` entry of community.toml (key `config:<opens>`) or
    a `/doors open` (key `command:<when>`). At most one is open at a time (opened, not ended)."""

    __tablename__ = "launch_windows"
    __table_args__ = (UniqueConstraint("community_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(80))
    opens_at: Mapped[datetime]
    closes_at: Mapped[datetime | None]  # None: until the creator closes the doors
    founding: Mapped[bool] = mapped_column(Boolean, default=False)  # the founding price for everyone who joins
    opened_at: Mapped[datetime | None]  # when the doors opened for it
    ended_at: Mapped[datetime | None]
    ended_by: Mapped[str | None] = mapped_column(String(10))  # time | creator | replaced | missed


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
