"""The ticket indexes that hold only rows where their column is set (``storage.indexes.only_set``) still serve every
query that reads them, on both databases.

An index with a ``WHERE`` is used only when the database can prove the query asks for nothing outside it; each query
here compares the column with a value, which both SQLite and PostgreSQL take as "not NULL". If someone rewrote one
(``customer_id IS NULL OR …``), the database would fall back to reading the whole table, and these tests would say so.
PostgreSQL plans by cost, and with an empty table it prefers reading it; sequential scans are switched off for the
plan, so that it shows whether the index *can* be used.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event

from storage import consults, customer_work, digest
from storage import tickets as ticket_rows
from storage.database import Database
from storage.models import Ticket, table_of
from tests.storage.test_query_plans import NOW

START = NOW - timedelta(days=7)

# The query, and the partial index it must be answered from.
QUERIES: dict[str, tuple[Callable[[Any], Awaitable[object]], str]] = {
    "a reaction's card": (lambda s: ticket_rows.by_origins(s, [("C0CARDS", "1700000000.000100")]), "ix_tickets_card"),
    "auto-close": (lambda s: ticket_rows.resolved_before(s, NOW), "ix_tickets_status_resolved_at"),
    "offered to someone": (lambda s: ticket_rows.offered_to(s, "U0ALICE"), "ix_tickets_pending_owner"),
    "a ticket's consults": (lambda s: consults.consults_of(s, [7, 8]), "ix_tickets_parent"),
    "a customer's open work": (lambda s: customer_work.open_of(s, 3, ["open"], 5), "ix_tickets_customer_status"),
    "a customer's count": (lambda s: customer_work.count_in(s, 3, ["open"]), "ix_tickets_customer_status"),
    "acknowledged in a day": (lambda s: digest.acknowledge_times(s, START, NOW), "ix_tickets_acknowledged_at"),
    "resolved in a day": (lambda s: digest.resolve_times(s, START, NOW), "ix_tickets_resolved_at"),
}


async def plan_of(db: Database, query: Callable[[Any], Awaitable[object]]) -> str:
    """The plan the database makes for the last SELECT ``query`` sends, with the parameters it sends."""
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
        if db.is_sqlite:
            rows = (await connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", parameters)).all()
            return "\n".join(str(row[-1]) for row in rows)
        async with connection.begin():
            await connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
            rows = (await connection.exec_driver_sql(f"EXPLAIN {sql}", parameters)).all()
        return "\n".join(str(row[0]) for row in rows)


@pytest.mark.parametrize("name", list(QUERIES))
async def test_each_partial_index_serves_the_queries_that_read_it(db: Database, name: str) -> None:
    query, index = QUERIES[name]
    plan = await plan_of(db, query)
    assert index in plan, plan
    assert "SCAN tickets" not in plan and "Seq Scan on tickets" not in plan, plan


async def test_a_query_that_allows_null_is_seen_reading_the_table(db: Database) -> None:
    """The check can fail: asking for tickets without a customer cannot use the customer index."""

    async def without_customer(session: Any) -> object:
        return await session.exec(
            table_of(Ticket).select().where(table_of(Ticket).c.customer_id.is_(None), table_of(Ticket).c.status == "x")
        )

    plan = await plan_of(db, without_customer)
    assert "ix_tickets_customer_status" not in plan, plan


async def test_the_migrated_indexes_are_partial_exactly_where_the_models_say(db: Database) -> None:
    partial = {
        index.name: index.dialect_options["sqlite"]["where"] is not None
        for index in table_of(Ticket).indexes
        if index.name is not None
    }
    assert sum(partial.values()) == 8 and not all(partial.values()), partial
    async with db.engine.connect() as connection:
        if db.is_sqlite:
            sql = "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'tickets'"
        else:
            sql = "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'tickets'"
        definitions = {str(name): str(text) for name, text in (await connection.exec_driver_sql(sql)).all() if text}
    for name, is_partial in partial.items():
        assert (" WHERE " in definitions[name].upper()) is is_partial, (name, definitions[name])
