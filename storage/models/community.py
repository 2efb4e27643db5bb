"""The community and its tiers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base


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
    nudge_policy: Mapped[str | None] = mapped_column(String(64))  # the nudge steps members' checks were set by
    drip_steps: Mapped[str | None] = mapped_column(String(64))  # the drip steps memberships' checks were set by


class Tier(Base):
    __tablename__ = "tiers"
    __table_args__ = (UniqueConstraint("community_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(80))
    name: Mapped[str] = mapped_column(String(100))
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
