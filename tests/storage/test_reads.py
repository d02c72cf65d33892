"""``Database.read()``: reads and writes apart. A read never waits for the writer, sees one consistent state, and
refuses to write — on SQLite (both paths) and PostgreSQL alike."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlmodel.ext.asyncio.session import AsyncSession

from config.schema import WorkspaceConfig
from storage import directory, events
from storage.database import Database, WriteInRead, is_unavailable
from storage.models import Member, ProcessedEvent

NOW = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
# Only guards against a deadlock hanging the run: a read that waited for the held writer would wait forever.
DEADLOCK = 30.0


@pytest.fixture
async def synced(db: Database, workspace: WorkspaceConfig) -> AsyncIterator[Database]:
    async with db.transaction() as session:
        await directory.sync_workspace(session, workspace)
    yield db


async def test_a_read_does_not_wait_for_the_writer(synced: Database) -> None:
    """A transaction holds the writer's turn (on SQLite this process's one writer, ``BEGIN IMMEDIATE``; on
    PostgreSQL a locked row) and waits until the read is done: the read completes meanwhile, and sees the last
    commit, not the write in flight."""
    db = synced
    holding, read_done = asyncio.Event(), asyncio.Event()

    async def writer() -> None:
        async with db.transaction() as session:
            await directory.set_away(session, "U0ALICE", True)
            holding.set()
            await read_done.wait()

    writing = asyncio.create_task(writer())
    await holding.wait()
    try:
        async with asyncio.timeout(DEADLOCK):
            async with db.read() as session:
                away = await directory.away_members(session, ["U0ALICE", "U0BOB"])
            assert await db.ping()  # the health check reads too
    finally:
        read_done.set()
        await writing
    assert away == set()  # the write was not committed yet
    async with db.read() as session:
        assert await directory.away_members(session, ["U0ALICE", "U0BOB"]) == {"U0ALICE"}


async def test_a_read_sees_one_snapshot(db: Database) -> None:
    """A commit made while a read is open is not seen by that read's later statements; the next read sees it."""
    async with db.read() as session:
        assert not await events.was_processed(session, "Ev0SNAP")
        async with db.transaction() as writing:
            await events.mark_processed(writing, [("Ev0SNAP", "message")], NOW)
        assert not await events.was_processed(session, "Ev0SNAP")
    async with db.read() as session:
        assert await events.was_processed(session, "Ev0SNAP")


async def _add_row(session: AsyncSession) -> None:
    session.add(ProcessedEvent(event_id="Ev0ADDED", event_type="message", received_at=NOW))


async def _repository_write(session: AsyncSession) -> None:
    await events.mark_processed(session, [("Ev0REPO", "message")], NOW)


async def _statement(session: AsyncSession) -> None:
    await (await session.connection()).execute(
        text("UPDATE members SET away = :away WHERE user_id = 'U0ALICE'"), {"away": True}
    )


async def _change_a_loaded_row(session: AsyncSession) -> None:
    member = await session.get(Member, "U0ALICE")
    assert member is not None
    member.away = True


@pytest.mark.parametrize(
    "write",
    [_add_row, _repository_write, _statement, _change_a_loaded_row],
    ids=["row added to the session", "repository write", "SQL statement", "loaded row changed"],
)
async def test_a_write_inside_a_read_is_refused(
    synced: Database, write: Callable[[AsyncSession], Awaitable[None]]
) -> None:
    db = synced
    with pytest.raises(WriteInRead) as refused:
        async with db.read() as session:
            await write(session)
    # A bug, not an outage: the error path must not answer 503 and have Slack send the request again and again.
    assert not is_unavailable(refused.value)
    async with db.read() as session:
        assert not await events.processed_among(session, ["Ev0ADDED", "Ev0REPO"])
        assert await directory.away_members(session, ["U0ALICE"]) == set()


async def test_a_read_only_reads(db: Database) -> None:
    """What the database itself is told: SQLite's connection is ``query_only``; PostgreSQL's transaction is
    ``REPEATABLE READ`` and ``READ ONLY``."""
    async with db.read() as session:
        connection = await session.connection()
        if db.is_sqlite:
            assert (await connection.execute(text("PRAGMA query_only"))).scalar_one() == 1
        else:
            assert (await connection.execute(text("SHOW transaction_isolation"))).scalar_one() == "repeatable read"
            assert (await connection.execute(text("SHOW transaction_read_only"))).scalar_one() == "on"
    async with db.transaction() as session:  # and a transaction still writes
        await events.mark_processed(session, [("Ev0AFTER", "message")], NOW)
    async with db.read() as session:
        assert await events.was_processed(session, "Ev0AFTER")
