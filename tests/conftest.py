"""Shared fixtures: a database per test on SQLite and, when ``TEST_POSTGRES_URL`` is set, PostgreSQL too."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from config.loader import EXAMPLE_PATH, load_workspace
from config.schema import WorkspaceConfig
from storage.database import Database
from storage.migrate import upgrade

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "")
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if POSTGRES_URL:
        return
    skip = pytest.mark.skip(reason="PostgreSQL tests need TEST_POSTGRES_URL, e.g. postgresql://postgres@127.0.0.1/test")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


async def _admin_connection() -> asyncpg.Connection:
    url = make_url(POSTGRES_URL)
    try:
        return await asyncpg.connect(
            host=url.host or "127.0.0.1",
            port=url.port or 5432,
            user=url.username or "postgres",
            password=url.password,
            database=url.database or "postgres",
            timeout=10,
        )
    except (OSError, asyncpg.PostgresError) as error:
        # TEST_POSTGRES_URL is set, so PostgreSQL is expected: fail loudly rather than skip quietly.
        pytest.fail(f"TEST_POSTGRES_URL is set but PostgreSQL is unreachable: {error}")


async def fresh_database_url(backend: str, tmp_path: Path) -> AsyncIterator[str]:
    """A new, empty database: a file for SQLite, a throwaway database for PostgreSQL."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'crossdesk.db'}"
        return
    name = f"crossdesk_test_{uuid.uuid4().hex[:12]}"
    admin = await _admin_connection()
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    try:
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        admin = await _admin_connection()
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
async def database_url(backend: str, tmp_path: Path) -> AsyncIterator[str]:
    async for url in fresh_database_url(backend, tmp_path):
        yield url


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    database = Database(database_url)
    await upgrade(database)
    yield database
    await database.dispose()


@pytest.fixture
def workspace() -> WorkspaceConfig:
    return load_workspace(EXAMPLE_PATH)
