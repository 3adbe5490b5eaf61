"""Persistence: SQLAlchemy models, repositories and Alembic migrations, for CLI and API."""
