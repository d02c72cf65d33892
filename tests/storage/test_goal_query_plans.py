"""The shared goals' statements read only their window's rows through an index on SQLite, at any length of history.

SQLite plans without statistics, and two of its guesses cost the scorecard dearly over 100,000 tickets: reading every
ticket through the (kind, created) index for ``kind = 'ticket'``, and through the ``created_at`` index for "created by
then". These tests capture each statement the goals send and ask SQLite for its plan (see test_query_plans.py).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from bot.schedule.goal_source import ACTIVE, EVERY_STATUS, PAUSED
from storage import goal_metrics
from storage.database import Database
from storage.migrate import upgrade
from tests.storage.test_query_plans import NOW

START = NOW - timedelta(days=7)
# Reading every ticket, one way or another.
WHOLE_TABLE = ("SCAN tickets", "ix_tickets_kind_created_at (kind=?)", "ix_tickets_created_at (created_at<?)")


@pytest.fixture
async def sqlite_db(tmp_path: Path) -> AsyncIterator[Database]:
    database = Database(f"sqlite:///{tmp_path / 'plans.db'}")
    await upgrade(database)
    yield database
    await database.dispose()


async def plans_of(db: Database, query: Callable[[Any], Awaitable[object]]) -> list[str]:
    """The plan SQLite makes for every statement ``query`` sends."""
    sent: list[tuple[str, Any]] = []

    def capture(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
        sent.append((statement, parameters))

    event.listen(db.engine.sync_engine, "before_cursor_execute", capture)
    try:
        async with db.transaction() as session:  # the writer's engine, which the listener sees: the same SQL
            await query(session)
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", capture)
    plans = []
    async with db.engine.connect() as connection:
        for sql, parameters in sent:
            if sql.lstrip().upper().startswith(("SELECT", "WITH")):
                rows = (await connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", parameters)).all()
                plans.append("\n".join(str(row[-1]) for row in rows))
    assert plans, f"the query sent no SELECT: {sent}"
    return plans


QUERIES: dict[str, Callable[[Any], Awaitable[object]]] = {
    "acknowledged": lambda s: goal_metrics.deadline_outcomes(s, "acknowledge", START, NOW, EVERY_STATUS),
    "resolved": lambda s: goal_metrics.deadline_outcomes(s, "resolve", START, NOW, EVERY_STATUS),
    "ratings": lambda s: goal_metrics.ratings(s, START, NOW),
    "complaints": lambda s: goal_metrics.complaint_resolutions(s, START, NOW, PAUSED),
    "bounces": lambda s: goal_metrics.bounces(s, START, NOW),
    "workload now": lambda s: goal_metrics.workload_at(s, NOW, ACTIVE),
    "workload then": lambda s: goal_metrics.workload_at(s, START, ACTIVE),
}


@pytest.mark.parametrize("name", list(QUERIES))
async def test_every_goal_statement_reads_its_window_through_an_index(sqlite_db: Database, name: str) -> None:
    for plan in await plans_of(sqlite_db, QUERIES[name]):
        assert not any(whole in plan for whole in WHOLE_TABLE), plan
        # Where a ticket was at a moment: its own events, not every later move of every ticket.
        assert "ix_ticket_events_action_at (action=? AND at>?)\n" not in plan + "\n", plan
        assert "SEARCH tickets USING" in plan or "SEARCH ticket_events USING" in plan or "ratings" in plan, plan


async def test_a_deadline_is_found_by_either_of_its_two_columns(sqlite_db: Database) -> None:
    (plan,) = await plans_of(sqlite_db, QUERIES["acknowledged"])
    assert "MULTI-INDEX OR" in plan, plan
    assert "ix_tickets_acknowledged_at" in plan and "ix_tickets_status_ack_due" in plan, plan


async def test_the_plans_would_show_a_table_read(sqlite_db: Database) -> None:
    """The check can fail: ``kind = ?`` alone is read through the (kind, created) index."""

    async def every_ticket(session: Any) -> object:
        return await (await session.connection()).exec_driver_sql("SELECT id FROM tickets WHERE kind = 'ticket'")

    (plan,) = await plans_of(sqlite_db, every_ticket)
    assert any(whole in plan for whole in WHOLE_TABLE), plan
