"""scan indexes: the nudge scan's quiet-stretch band, the drip's recent memberships, the creators

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # An expression index (SQLite 3.9+ and PostgreSQL): the same expression as stretch_start() in the queries.
    op.create_index(
        'ix_members_stretch',
        'members',
        ['community_id', sa.text('coalesce(last_active_at, joined_at)')],
        unique=False,
    )
    op.create_index('ix_memberships_started', 'memberships', ['started_at'], unique=False)
    op.create_index('ix_nudges_member_stage_sent', 'nudges', ['member_id', 'stage', 'sent_at'], unique=False)
    # Partial: only the creator accounts, which every job that tells the creator looks up.
    op.create_index(
        'ix_members_creators',
        'members',
        ['community_id'],
        unique=False,
        sqlite_where=sa.text("role = 'creator'"),
        postgresql_where=sa.text("role = 'creator'"),
    )


def downgrade() -> None:
    op.drop_index('ix_members_creators', table_name='members')
    op.drop_index('ix_nudges_member_stage_sent', table_name='nudges')
    op.drop_index('ix_memberships_started', table_name='memberships')
    op.drop_index('ix_members_stretch', table_name='members')
