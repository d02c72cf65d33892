"""Migrations create exactly the schema the models describe, on every backend, and run idempotently."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

import storage.models  # noqa: F401  (registers the tables)
from storage.database import Database
from storage.migrate import current_revision, head_revision, upgrade


async def test_migrated_schema_matches_the_models(db: Database) -> None:
    async with db.engine.connect() as connection:
        differences = await connection.run_sync(
            lambda sync: compare_metadata(MigrationContext.configure(sync), SQLModel.metadata)
        )
        tables = await connection.run_sync(lambda sync: set(inspect(sync).get_table_names()))
    assert differences == []
    assert {
        "departments",
        "members",
        "department_members",
        "tickets",
        "ticket_events",
        "processed_events",
        "outbox",
    } <= tables
    assert await current_revision(db) == head_revision()


async def test_upgrade_twice_is_a_no_op(db: Database) -> None:
    before, after = await upgrade(db)
    assert before == after == head_revision()


async def test_sqlite_runs_in_wal_mode(db: Database) -> None:
    if not db.is_sqlite:
        return
    async with db.engine.connect() as connection:
        mode = (await connection.exec_driver_sql("PRAGMA journal_mode")).scalar()
    assert mode == "wal"


async def test_health_check_does_not_wait_behind_a_writer(db: Database) -> None:
    """SQLite: a transaction holding the write lock must not make /healthz wait for the busy timeout."""
    import asyncio

    from sqlalchemy import text

    async with db.transaction() as session:
        await session.exec(text("UPDATE departments SET name = name"))  # type: ignore[call-overload]
        assert await asyncio.wait_for(db.ping(), timeout=5)
