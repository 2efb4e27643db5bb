"""Published content, FAQ entries and the FAQ question log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base


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


class FaqEntry(Base):
    __tablename__ = "faq_entries"
    __table_args__ = (UniqueConstraint("community_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(80))
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text)
    alt_questions: Mapped[list[Any]] = mapped_column(default=list)
    learned_questions: Mapped[list[Any]] = mapped_column(default=list)
    """Members' wordings the creator pointed at this entry from the inbox, oldest first."""
    tags: Mapped[list[Any]] = mapped_column(default=list)
    source: Mapped[str] = mapped_column(String(20), default="file")  # file | chat


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
    status: Mapped[str] = mapped_column(String(12))  # answered | unanswered | forwarded | resolved | members_only
    feedback: Mapped[str | None] = mapped_column(String(4))  # up | down; "no": the offer to ask the creator turned down
    place: Mapped[dict[str, Any]] = mapped_column(default=dict)  # platform, workspace, channel, thread
    asked_at: Mapped[datetime]
    resolved_at: Mapped[datetime | None]
