"""durable inbound events: the serialised event, its status and the handler's lease

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.types

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Rows recorded before this revision were handled already: they become `done`.
    with op.batch_alter_table('inbound_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('payload', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('status', sa.String(length=10), server_default='done', nullable=False))
        batch_op.add_column(sa.Column('attempts', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('claimed_until', storage.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('processed_at', storage.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_index('ix_inbound_events_due', ['status', 'claimed_until'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('inbound_events', schema=None) as batch_op:
        batch_op.drop_index('ix_inbound_events_due')
        batch_op.drop_column('processed_at')
        batch_op.drop_column('claimed_until')
        batch_op.drop_column('attempts')
        batch_op.drop_column('status')
        batch_op.drop_column('payload')
