"""Live sessions, recurring series of them, RSVPs and questions sent in advance."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base


class LiveSeries(Base):
    """A recurring live session: every `weekday` (0 = Monday) at `local_time` in `timezone`.

    Each occurrence is a LiveSession with `series_id` and `occurrence_on` (the local date the
    rule gave it, kept when the occurrence is moved or skipped), made ahead by a job.
    `key` names the series for re-imports of community.toml; `source` is file | chat.
    Status: active | canceled.
    """

    __tablename__ = "live_series"
    __table_args__ = (UniqueConstraint("community_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(150))
    weekday: Mapped[int] = mapped_column(Integer)
    local_time: Mapped[time]
    timezone: Mapped[str] = mapped_column(String(64))
    duration_min: Mapped[int] = mapped_column(Integer, default=60)
    link: Mapped[str | None] = mapped_column(String(500))
    description: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(10), default="chat")
    status: Mapped[str] = mapped_column(String(10), default="active")
    created_at: Mapped[datetime]
    canceled_at: Mapped[datetime | None]


class LiveSession(Base):
    __tablename__ = "live_sessions"
    __table_args__ = (UniqueConstraint("series_id", "occurrence_on"),)

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
    series_id: Mapped[int | None] = mapped_column(ForeignKey("live_series.id", ondelete="SET NULL"))
    occurrence_on: Mapped[date | None]


class Rsvp(Base):
    __tablename__ = "rsvps"
    __table_args__ = (UniqueConstraint("session_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("live_sessions.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime]
    attended: Mapped[bool] = mapped_column(Boolean, default=False)


class LiveQuestion(Base):
    """A question for a live session, asked in advance (or carried over from the FAQ inbox)."""

    __tablename__ = "live_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("live_sessions.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"), index=True)
    text: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(10), default="member")  # member | faq
    created_at: Mapped[datetime]
