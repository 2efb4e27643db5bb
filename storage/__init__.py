"""Persistence for membot: SQLAlchemy models, the database handle, repositories, migrations.

Nothing here imports `bot`: storage knows tables and queries, not chat or business rules.
"""
