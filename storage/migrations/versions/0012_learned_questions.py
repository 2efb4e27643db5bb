"""learned questions: members' wordings the creator pointed at an FAQ entry, kept apart from the creator's own

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

MAX_QUESTION = 300  # bot.services.faq.entries.MAX_QUESTION when the wordings were learned


def _wording(question: str) -> str:
    return " ".join(question.split())[:MAX_QUESTION]


def upgrade() -> None:
    op.add_column(
        'faq_entries', sa.Column('learned_questions', sa.JSON(), nullable=False, server_default=sa.text("'[]'"))
    )
    # Wordings learned before this revision sit among alt_questions; the inbox rows that taught them
    # say which (place.learned_into), so move those over.
    bind = op.get_bind()
    entries = sa.table(
        'faq_entries',
        sa.column('id', sa.Integer),
        sa.column('community_id', sa.Integer),
        sa.column('key', sa.String),
        sa.column('alt_questions', sa.JSON),
        sa.column('learned_questions', sa.JSON),
    )
    questions = sa.table(
        'faq_questions', sa.column('community_id', sa.Integer), sa.column('question', sa.Text), sa.column('place', sa.JSON)
    )
    taught: dict[tuple[int, str], set[str]] = {}
    for community_id, question, place in bind.execute(sa.select(questions.c.community_id, questions.c.question, questions.c.place)):
        key = (place or {}).get('learned_into') if isinstance(place, dict) else None
        if key:
            taught.setdefault((community_id, key), set()).add(_wording(question).casefold())
    if not taught:
        return
    rows = bind.execute(sa.select(entries.c.id, entries.c.community_id, entries.c.key, entries.c.alt_questions)).all()
    for entry_id, community_id, key, alts in rows:
        wordings = taught.get((community_id, key))
        if not wordings or not alts:
            continue
        learned: list[Any] = [a for a in alts if str(a).casefold() in wordings]
        if learned:
            kept = [a for a in alts if str(a).casefold() not in wordings]
            bind.execute(
                entries.update().where(entries.c.id == entry_id).values(alt_questions=kept, learned_questions=learned)
            )


def downgrade() -> None:
    op.drop_column('faq_entries', 'learned_questions')
