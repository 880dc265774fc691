"""Storage: SQLModel tables, Alembic migrations and the queries the handlers call."""
