"""paying since: when a Stripe membership first paid, so MRR does not guess a trial from the plan

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
    # Left empty on existing rows: MRR keeps inferring their trial from the plan, as before.
    op.add_column("memberships", sa.Column("paying_since", storage.types.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    op.drop_column("memberships", "paying_since")
