"""live series: a recurring live session, its occurrences are live sessions with a series id

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.types

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'live_series',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('community_id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=80), nullable=False),
        sa.Column('title', sa.String(length=150), nullable=False),
        sa.Column('weekday', sa.Integer(), nullable=False),
        sa.Column('local_time', sa.Time(), nullable=False),
        sa.Column('timezone', sa.String(length=64), nullable=False),
        sa.Column('duration_min', sa.Integer(), nullable=False),
        sa.Column('link', sa.String(length=500), nullable=True),
        sa.Column('description', sa.Text(), nullable=False),
        sa.Column('source', sa.String(length=10), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('created_at', storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('canceled_at', storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_live_series_community_id_communities'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_live_series')),
        sa.UniqueConstraint('community_id', 'key', name=op.f('uq_live_series_community_id')),
    )
    with op.batch_alter_table('live_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('series_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('occurrence_on', sa.Date(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_live_sessions_series_id_live_series'), 'live_series', ['series_id'], ['id'], ondelete='SET NULL')
        batch_op.create_unique_constraint(batch_op.f('uq_live_sessions_series_id'), ['series_id', 'occurrence_on'])


def downgrade() -> None:
    with op.batch_alter_table('live_sessions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_live_sessions_series_id'), type_='unique')
        batch_op.drop_constraint(batch_op.f('fk_live_sessions_series_id_live_series'), type_='foreignkey')
        batch_op.drop_column('occurrence_on')
        batch_op.drop_column('series_id')
    op.drop_table('live_series')
