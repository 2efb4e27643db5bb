"""membership facts: when a Stripe membership first paid (MRR no longer guesses a trial from the plan),
when it lapsed (unpaid or paused: counted from then, not from the first failed payment or the period's
end), and whether the creator ended it by hand (no win-back note to someone who was removed)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.types

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Left empty on existing rows: MRR keeps inferring their trial from the plan, and a lapsed
    # membership keeps being dated by its first failed payment or its period's end, as before.
    op.add_column("memberships", sa.Column("paying_since", storage.types.UTCDateTime(timezone=True), nullable=True))
    op.add_column("memberships", sa.Column("lapsed_at", storage.types.UTCDateTime(timezone=True), nullable=True))
    op.add_column("memberships", sa.Column("ended_by", sa.String(length=10), nullable=True))


def downgrade() -> None:
    op.drop_column("memberships", "ended_by")
    op.drop_column("memberships", "lapsed_at")
    op.drop_column("memberships", "paying_since")
