"""Apply Alembic migrations from code (``crossdesk migrate`` and start-up of ``crossdesk run``)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Connection

from storage.database import Database

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
# Any constant works; it only has to be the same in every replica so they take turns migrating.
_PG_MIGRATION_LOCK = 0x43524F5353


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


async def current_revision(db: Database) -> str | None:
    async with db.engine.connect() as connection:
        return await connection.run_sync(lambda sync: MigrationContext.configure(sync).get_current_revision())


async def upgrade(db: Database, target: str = "head") -> tuple[str | None, str | None]:
    """Bring the schema to the newest revision; returns (before, after).

    On PostgreSQL an advisory lock makes replicas that start together migrate one after the other.
    """

    def run(sync_connection: Connection) -> tuple[str | None, str | None]:
        if sync_connection.dialect.name == "postgresql":
            sync_connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_MIGRATION_LOCK})
        before = MigrationContext.configure(sync_connection).get_current_revision()
        config = alembic_config()
        config.attributes["connection"] = sync_connection
        command.upgrade(config, target)
        after = MigrationContext.configure(sync_connection).get_current_revision()
        return before, after

    async with db.engine.begin() as connection:
        return await connection.run_sync(run)
