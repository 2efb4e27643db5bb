"""nudge checks: when the nudge scan should look at each member next, and the steps they were set by

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.types

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('members', sa.Column('nudge_check_at', storage.types.UTCDateTime(timezone=True), nullable=True))
    # Every member is looked at once by the first scan (their stretch start is never after a stage
    # falls due), which then sets each one's next check; communities.nudge_policy stays NULL until then.
    op.execute('UPDATE members SET nudge_check_at = coalesce(last_active_at, joined_at)')
    op.create_index('ix_members_nudge_check', 'members', ['community_id', 'nudge_check_at'], unique=False)
    op.add_column('communities', sa.Column('nudge_policy', sa.String(length=64), nullable=True))


def downgrade() -> None:
    op.drop_column('communities', 'nudge_policy')
    op.drop_index('ix_members_nudge_check', table_name='members')
    op.drop_column('members', 'nudge_check_at')
