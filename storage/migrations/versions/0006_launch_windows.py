"""launch windows: the doors open and close by themselves, a founding window offers the founding price

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.types

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'launch_windows',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('community_id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=80), nullable=False),
        sa.Column('opens_at', storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('closes_at', storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column('founding', sa.Boolean(), nullable=False),
        sa.Column('opened_at', storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column('ended_at', storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column('ended_by', sa.String(length=10), nullable=True),
        sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_launch_windows_community_id_communities'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_launch_windows')),
        sa.UniqueConstraint('community_id', 'key', name=op.f('uq_launch_windows_community_id')),
    )


def downgrade() -> None:
    op.drop_table('launch_windows')
