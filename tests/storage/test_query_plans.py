"""The queries that run on every tick are answered from an index on SQLite, whatever the planner's guess.

SQLite plans without statistics (nobody runs ``ANALYZE`` on a bot's database), so an index that exists is no
proof that it is used: the reminder claim once read every open and acknowledged ticket through the status
index and sorted them. These tests capture the statement exactly as the repository function sends it and ask
SQLite for its plan.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, text

from storage import directory, outbox_leases
from storage import tickets as ticket_rows
from storage.database import Database
from storage.migrate import upgrade

NOW = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)


@pytest.fixture
async def sqlite_db(tmp_path: Path) -> AsyncIterator[Database]:
    database = Database(f"sqlite:///{tmp_path / 'plans.db'}")
    await upgrade(database)
    yield database
    await database.dispose()


async def plan_of(db: Database, query: Callable[[Any], Awaitable[object]]) -> str:
    """The plan SQLite makes for the (last) statement ``query`` sends, with the parameters it sends."""
    sent: list[tuple[str, Any]] = []

    def capture(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
        sent.append((statement, parameters))

    event.listen(db.engine.sync_engine, "before_cursor_execute", capture)
    try:
        async with db.transaction() as session:
            await query(session)
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", capture)
    selects = [(sql, parameters) for sql, parameters in sent if sql.lstrip().upper().startswith("SELECT")]
    assert selects, f"the query sent no SELECT: {sent}"
    sql, parameters = selects[-1]
    async with db.engine.connect() as connection:
        rows = (await connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", parameters)).all()
    return "\n".join(str(row[-1]) for row in rows)


async def test_the_reminder_claim_reads_only_due_tickets_through_status_and_due_time(sqlite_db: Database) -> None:
    plan = await plan_of(sqlite_db, lambda session: ticket_rows.reminders_due(session, NOW, 100))
    assert "USING INDEX ix_tickets_status_next_reminder (status=? AND next_reminder_at<?)" in plan, plan
    assert "SCAN" not in plan, plan


async def test_the_outbox_claim_uses_its_status_and_due_time_index(sqlite_db: Database) -> None:
    plan = await plan_of(sqlite_db, lambda session: outbox_leases.claim_due(session, NOW, timedelta(minutes=5), 50))
    assert "ix_outbox_status_next_attempt" in plan, plan
    assert "SCAN outbox_messages" not in plan, plan


async def test_plan_of_sees_a_full_scan_when_there_is_one(sqlite_db: Database) -> None:
    """The check above can fail: a query on a column without an index is reported as a scan."""

    async def unindexed(session: Any) -> object:
        return await (await session.connection()).execute(text("SELECT id FROM tickets WHERE title = 'x'"))

    plan = await plan_of(sqlite_db, unindexed)
    assert "SCAN tickets" in plan, plan


async def test_a_departments_attention_list_searches_by_department_and_status(sqlite_db: Database) -> None:
    """App Home's department list must not read the department's closed history."""
    plan = await plan_of(
        sqlite_db,
        lambda session: ticket_rows.needing_attention(
            session, ["SUP"], NOW, unacknowledged=["open"], unresolved=["acknowledged", "waiting", "blocked"]
        ),
    )
    assert "USING INDEX ix_tickets_department_status_created (department_key=? AND status=?)" in plan, plan


async def test_in_lists_of_prepared_statements_search_the_key(sqlite_db: Database) -> None:
    """A prepared statement's ``IN`` list is one JSON parameter on SQLite (storage/_prepared.py); SQLite must still
    search the key for each value, not read the table: the lease check of every outbox pass and the owners'
    profiles of every batch of new tickets."""
    cases = [
        (outbox_leases._HELD, ["[1, 2, 3]"], "USING INTEGER PRIMARY KEY (rowid=?)"),
        (directory._OWNER_PROFILES, ['["U0ALICE", "U0BOB"]'], "USING INDEX sqlite_autoindex_members_1 (user_id=?)"),
    ]
    async with sqlite_db.engine.connect() as connection:
        for prepared, parameters, search in cases:
            sql = prepared.for_sqlite(connection.dialect).sql
            assert "json_each(?)" in sql, sql
            rows = (await connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", tuple(parameters))).all()
            plan = "\n".join(str(row[-1]) for row in rows)
            assert search in plan, plan
            assert "SCAN outbox" not in plan and "SCAN members" not in plan, plan


async def test_an_owners_overdue_tickets_are_read_through_the_due_time_indexes(sqlite_db: Database) -> None:
    """The reminder tick reads the reminded owners' overdue tickets: only overdue ones, through (status, due time),
    never every ticket those people ever owned."""
    plan = await plan_of(sqlite_db, lambda session: ticket_rows.overdue_owned_by(session, ["U0ALICE"], NOW, 20))
    assert "ix_tickets_status_ack_due (status=? AND ack_due_at<?)" in plan, plan
    assert "ix_tickets_status_resolve_due (status=? AND resolve_due_at<?)" in plan, plan
    assert "SCAN tickets" not in plan, plan
