"""Members' replies to messages that invited one (a check-in, a personal note, the creator's answer)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base


class MemberReply(Base):
    """A DM sent within a day of a message that said "just reply here": it is for the creator, not the FAQ.

    `source` names the inbound message (platform, workspace, channel, message id); its unique
    constraint makes a redelivered event one reply. `invited_by` is the outbox dedupe key of
    the message replied to and `about` a clip of what it said. `platform`/`workspace_id` are
    where the member wrote, so the creator's answer goes back there. Status: open | answered | closed.
    """

    __tablename__ = "member_replies"
    __table_args__ = (Index("ix_member_replies_open", "community_id", "status", "received_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"), index=True)
    source: Mapped[str] = mapped_column(String(200), unique=True)
    platform: Mapped[str] = mapped_column(String(20))
    workspace_id: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    invited_by: Mapped[str] = mapped_column(String(200))
    about: Mapped[str] = mapped_column(String(300))
    received_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(10), default="open")
    answer: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None]
