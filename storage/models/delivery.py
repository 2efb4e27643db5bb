"""The outbox and the record of inbound platform events."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Float, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base


class OutboxMessage(Base):
    """A message to send, written in the same transaction as the change that caused it.

    `dedupe_key` names the reason (`drop:17:member:42`); its unique constraint makes
    enqueuing idempotent. Rows move pending -> sending (leased) -> sent, or -> dead; a pending row
    whose reason no longer holds (a check-in for a member who came back) -> withdrawn.
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
    __table_args__ = (
        UniqueConstraint("platform", "event_key"),
        Index("ix_inbound_events_due", "status", "claimed_until"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(20))
    event_key: Mapped[str] = mapped_column(String(200))
    received_at: Mapped[datetime] = mapped_column(index=True)
    payload: Mapped[dict[str, Any] | None] = mapped_column()
    status: Mapped[str] = mapped_column(String(10), default="done", server_default="done")  # pending | done | dead
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    claimed_until: Mapped[datetime | None]
    processed_at: Mapped[datetime | None]


class SendBudget(Base):
    """One platform workspace's send budget, shared by every delivery worker (GCRA).

    `tat` is the theoretical arrival time of the next send, in seconds since the epoch: a
    worker reserves sends by moving it forward in one UPDATE, so processes line up behind
    each other's reservations instead of each pacing at the full limit.
    """

    __tablename__ = "send_budgets"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    tat: Mapped[float] = mapped_column(Float)
