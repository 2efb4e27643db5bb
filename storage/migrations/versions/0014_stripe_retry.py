"""stripe retry: a failed Stripe event is tried again from a time that backs off, not on every webhook

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.types

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Events that had run out of attempts (10) were left "failed" for good: they are tried again once.
    op.add_column("stripe_events", sa.Column("retry_at", storage.types.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    op.execute("UPDATE stripe_events SET status = 'failed' WHERE status = 'abandoned'")
    op.drop_column("stripe_events", "retry_at")
