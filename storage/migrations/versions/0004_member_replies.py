"""member replies: a DM answering a check-in or a personal note goes to the creator's inbox

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.types

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'member_replies',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('community_id', sa.Integer(), nullable=False),
        sa.Column('member_id', sa.Integer(), nullable=True),
        sa.Column('source', sa.String(length=200), nullable=False),
        sa.Column('platform', sa.String(length=20), nullable=False),
        sa.Column('workspace_id', sa.String(length=64), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('invited_by', sa.String(length=200), nullable=False),
        sa.Column('about', sa.String(length=300), nullable=False),
        sa.Column('received_at', storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('answer', sa.Text(), nullable=True),
        sa.Column('answered_at', storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_member_replies_community_id_communities'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_member_replies_member_id_members'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_member_replies')),
        sa.UniqueConstraint('source', name=op.f('uq_member_replies_source')),
    )
    with op.batch_alter_table('member_replies', schema=None) as batch_op:
        batch_op.create_index('ix_member_replies_open', ['community_id', 'status', 'received_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_member_replies_member_id'), ['member_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('member_replies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_member_replies_member_id'))
        batch_op.drop_index('ix_member_replies_open')
    op.drop_table('member_replies')
