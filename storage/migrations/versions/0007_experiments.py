"""experiments: A/B tests of the copy members receive, and each member's variant

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.types

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'experiments',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('community_id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=80), nullable=False),
        sa.Column('started_at', storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('ended_at', storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column('winner', sa.String(length=80), nullable=True),
        sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_experiments_community_id_communities'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_experiments')),
        sa.UniqueConstraint('community_id', 'key', name=op.f('uq_experiments_community_id')),
    )
    op.create_table(
        'experiment_assignments',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('experiment_id', sa.Integer(), nullable=False),
        sa.Column('member_id', sa.Integer(), nullable=False),
        sa.Column('variant', sa.String(length=80), nullable=False),
        sa.Column('assigned_at', storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('measured_from', storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['experiment_id'], ['experiments.id'], name=op.f('fk_experiment_assignments_experiment_id_experiments'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_experiment_assignments_member_id_members'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_experiment_assignments')),
        sa.UniqueConstraint('experiment_id', 'member_id', name=op.f('uq_experiment_assignments_experiment_id')),
    )
    op.create_index('ix_experiment_assignments_variant', 'experiment_assignments', ['experiment_id', 'variant'], unique=False)
    op.create_index(op.f('ix_experiment_assignments_member_id'), 'experiment_assignments', ['member_id'], unique=False)
    with op.batch_alter_table('nudges') as batch:
        batch.add_column(sa.Column('held_back', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('nudges') as batch:
        batch.drop_column('held_back')
    op.drop_index(op.f('ix_experiment_assignments_member_id'), table_name='experiment_assignments')
    op.drop_index('ix_experiment_assignments_variant', table_name='experiment_assignments')
    op.drop_table('experiment_assignments')
    op.drop_table('experiments')
