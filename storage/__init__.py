"""Storage: SQLModel tables, the async engine and sessions, queries and Alembic migrations."""
