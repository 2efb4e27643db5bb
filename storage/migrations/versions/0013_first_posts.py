"""first posts: when each member first posted in a channel, for the first-post milestone and the onboarding

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.types

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('members', sa.Column('first_posted_at', storage.types.UTCDateTime(timezone=True), nullable=True))
    # Each member's earliest post so far (activity of kind "message"). DMs to the bot were recorded as
    # "message" too before this revision and cannot be told apart now; they stay counted as posts.
    op.execute(
        "UPDATE members SET first_posted_at = ("
        "SELECT min(activity.occurred_at) FROM activity"
        " WHERE activity.member_id = members.id AND activity.kind = 'message')"
    )
    op.create_index('ix_members_first_post', 'members', ['community_id', 'first_posted_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_members_first_post', table_name='members')
    op.drop_column('members', 'first_posted_at')
