"""drip checks: when the drip should look at each membership next, and the steps they were set by

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.types

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # NULL everywhere: communities.drip_steps is NULL too, so the first drip run sets the check of every
    # membership recent enough to have a step or the public welcome ahead (the others have none).
    op.add_column('memberships', sa.Column('drip_check_at', storage.types.UTCDateTime(timezone=True), nullable=True))
    op.create_index('ix_memberships_drip_check', 'memberships', ['drip_check_at'], unique=False)
    op.add_column('communities', sa.Column('drip_steps', sa.String(length=64), nullable=True))


def downgrade() -> None:
    op.drop_column('communities', 'drip_steps')
    op.drop_index('ix_memberships_drip_check', table_name='memberships')
    op.drop_column('memberships', 'drip_check_at')
