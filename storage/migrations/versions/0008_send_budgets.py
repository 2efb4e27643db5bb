"""send budgets: each workspace's send rate, shared by every delivery worker

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'send_budgets',
        sa.Column('key', sa.String(length=100), nullable=False),
        sa.Column('tat', sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_send_budgets')),
    )


def downgrade() -> None:
    op.drop_table('send_budgets')
