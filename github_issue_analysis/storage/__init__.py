"""Persistence: SQLAlchemy Core tables under Alembic migrations; stores own every SQL statement."""
