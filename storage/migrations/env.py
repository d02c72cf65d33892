"""Alembic environment: always run from ``storage.migrate``, which hands us an open connection."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import storage.membership_models
import storage.models  # noqa: F401  (registers the tables on the metadata)

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations with `crossdesk migrate`, which supplies the database connection")

context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying them
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
