"""Migrations create exactly the schema the models describe, on every backend, and run idempotently."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

import storage.membership_models
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


async def test_upgrading_schedules_reminders_for_tickets_that_were_already_open(database_url: str) -> None:
    from datetime import UTC, datetime

    from sqlalchemy import text

    db = Database(database_url)
    try:
        await upgrade(db, "0002")
        due = datetime(2026, 11, 30, 6, 0)
        async with db.engine.begin() as connection:
            await connection.execute(
                text("INSERT INTO departments (key, name, last_number, next_owner) VALUES ('SUP', 'Support', 1, 0)")
            )
            await connection.execute(
                text(
                    "INSERT INTO tickets (key, department_key, number, owner_id, requester_id, title, text, priority, "
                    "status, source, escalation_level, bounce_count, is_complaint, created_at, updated_at, "
                    "ack_due_at, resolve_due_at) VALUES ('SUP-1', 'SUP', 1, 'U0ALICE', 'U0ERIN', 't', 't', 'normal', "
                    "'open', 'message', 0, 0, false, :created, :created, :due, :due)"
                ),
                {"created": datetime(2026, 11, 30, 2, 0), "due": due},
            )
        await upgrade(db)
        async with db.transaction() as session:
            from storage.models import Ticket

            ticket = await session.get(Ticket, 1)
        assert ticket is not None
        assert ticket.next_reminder_at == due.replace(tzinfo=UTC)
        assert ticket.sla_started_at == datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
    finally:
        await db.dispose()


async def test_upgrading_keeps_existing_tickets_visible_to_everyone(database_url: str) -> None:
    """0007 adds ``is_private``: tickets made before it had their cards in channels, so they stay public."""
    from datetime import datetime

    from alembic import command
    from sqlalchemy import text

    from storage.migrate import alembic_config

    def downgrade_to_0006(sync_connection: object) -> None:
        config = alembic_config()
        config.attributes["connection"] = sync_connection
        command.downgrade(config, "0006")

    db = Database(database_url)
    try:
        await upgrade(db, "0006")
        async with db.engine.begin() as connection:
            await connection.execute(
                text("INSERT INTO departments (key, name, last_number, next_owner) VALUES ('SUP', 'Support', 1, 0)")
            )
            await connection.execute(
                text(
                    "INSERT INTO tickets (key, department_key, number, owner_id, requester_id, title, text, priority, "
                    "status, source, escalation_level, bounce_count, is_complaint, reminder_count, created_at, "
                    "updated_at) VALUES ('SUP-1', 'SUP', 1, 'U0ALICE', 'U0ERIN', 't', 't', 'normal', 'open', "
                    "'command', 0, 0, false, 0, :created, :created)"
                ),
                {"created": datetime(2026, 11, 30, 2, 0)},
            )
        await upgrade(db)
        async with db.transaction() as session:
            from storage.models import Ticket

            ticket = await session.get(Ticket, 1)
        assert ticket is not None and ticket.is_private is False
        async with db.engine.begin() as connection:
            await connection.run_sync(downgrade_to_0006)
        async with db.engine.connect() as connection:
            columns = await connection.run_sync(lambda sync: {c["name"] for c in inspect(sync).get_columns("tickets")})
        assert "is_private" not in columns and "is_complaint" in columns
    finally:
        await db.dispose()
