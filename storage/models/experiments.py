"""A/B experiments: which ones ran or run (the copy lives in community.toml), and who got which variant."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base


class Experiment(Base):
    """An `[[experiments]]` entry of community.toml, by key. `winner` is set when the creator ends it:
    from then on everyone gets that variant's copy, and nobody new is assigned."""

    __tablename__ = "experiments"
    __table_args__ = (UniqueConstraint("community_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(80))
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    winner: Mapped[str | None] = mapped_column(String(80))


class ExperimentAssignment(Base):
    """The variant a member got, recorded when they first received it, and never changed."""

    __tablename__ = "experiment_assignments"
    __table_args__ = (
        UniqueConstraint("experiment_id", "member_id"),
        Index("ix_experiment_assignments_variant", "experiment_id", "variant"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    experiment_id: Mapped[int] = mapped_column(ForeignKey("experiments.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    variant: Mapped[str] = mapped_column(String(80))
    assigned_at: Mapped[datetime]  # when the variant reached (or was due to reach) them; the window runs from here
    measured_from: Mapped[datetime]  # activity counts from here (later than assigned_at for the welcome's visit)
