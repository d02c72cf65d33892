"""Prepared statements (storage/_prepared.py) store and read values exactly as SQLAlchemy does, on both backends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import bindparam, text, update
from sqlalchemy import select as select_rows
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from storage._prepared import Prepared, Statements, prepared_insert
from storage.database import Database
from storage.models import OutboxMessage, ProcessedEvent, table_of

NOW = datetime(2026, 11, 30, 2, 0, 0, 123456, tzinfo=UTC)
OUTBOX = table_of(OutboxMessage)
INSERT_OUTBOX = prepared_insert(OUTBOX)
INSERT_PROCESSED = prepared_insert(table_of(ProcessedEvent), leave_out=())
MARK_SENT = Prepared(
    update(OUTBOX)
    .where(OUTBOX.c.id == bindparam("row_id"))
    .values(status="sent", result_ts=bindparam("ts"), sent_at=bindparam("at", type_=OUTBOX.c.sent_at.type))
)
BY_IDS_AND_LEASES = Prepared(
    select_rows(OUTBOX.c.id, OUTBOX.c.status).where(
        OUTBOX.c.id.in_(bindparam("ids", expanding=True)),
        OUTBOX.c.claimed_until.in_(bindparam("leases", expanding=True)),
    )
)
LEASES = Prepared(
    select_rows(OUTBOX.c.id, OUTBOX.c.claimed_until, OUTBOX.c.payload).where(OUTBOX.c.status == bindparam("status"))
)


def outbox_row(text_value: str, **changes: object) -> dict[str, object]:
    row: dict[str, object] = {
        "ticket_id": None,
        "purpose": "notice",
        "method": "chat.postMessage",
        "payload": {"channel": "C0SUPPORT", "text": text_value, "blocks": [{"type": "divider"}], "ünïcode": "✓"},
        "status": "pending",
        "attempts": 0,
        "depends_on_id": None,
        "created_at": NOW,
        "next_attempt_at": NOW,
        "claimed_until": None,
        "claimed_by": None,
        "sent_at": None,
        "last_error": None,
        "result_channel": None,
        "result_ts": None,
        "uncertain_until": None,
    }
    row.update(changes)
    return row


async def test_inserted_rows_get_their_ids_in_order_and_read_back_as_the_orm_wrote_them(db: Database) -> None:
    leased = NOW + timedelta(minutes=5)
    async with db.transaction() as session:
        ids = await (await Statements.of(session)).insert(
            INSERT_OUTBOX, [outbox_row("first"), outbox_row("second", claimed_until=leased, status="sending")]
        )
        orm = OutboxMessage(
            purpose="notice",
            method="chat.postMessage",
            payload=outbox_row("third")["payload"],  # type: ignore[arg-type]
            created_at=NOW,
            next_attempt_at=NOW,
            claimed_until=leased,
        )
        session.add(orm)
    assert len(ids) == 2 and ids[0] < ids[1]
    async with db.transaction() as session:
        found = {m.id: m for m in (await session.exec(select(OutboxMessage))).all()}
    first, second = found[ids[0]], found[ids[1]]
    assert first.payload["text"] == "first" and second.payload["text"] == "second"
    assert first.payload["ünïcode"] == "✓" and first.payload["blocks"] == [{"type": "divider"}]
    assert (first.created_at, first.claimed_until, second.claimed_until) == (NOW, None, leased)
    assert second.created_at.tzinfo is UTC
    if db.is_sqlite:  # the very text SQLAlchemy stores, so ordering and comparisons in SQL agree
        async with db.transaction() as session:
            query = text("SELECT id, claimed_until FROM outbox WHERE claimed_until IS NOT NULL")
            stored = {row_id: value for row_id, value in (await (await session.connection()).execute(query)).all()}
        assert stored[ids[1]] == stored[orm.id] == "2026-11-30 02:05:00.123456"


async def test_an_update_fills_in_its_fixed_values_and_a_select_reads_values_back_processed(db: Database) -> None:
    async with db.transaction() as session:
        statements = await Statements.of(session)
        (row_id,) = await statements.insert(INSERT_OUTBOX, [outbox_row("x", claimed_until=NOW)])
        await statements.run(MARK_SENT, [{"row_id": row_id, "ts": "1.5", "at": NOW}])
        assert await statements.rows(LEASES, {"status": "pending"}) == []
        sent = await statements.rows(LEASES, {"status": "sent"})
    assert len(sent) == 1
    found_id, claimed_until, payload = sent[0]
    assert found_id == row_id and claimed_until == NOW and claimed_until.tzinfo is UTC
    assert payload["text"] == "x"
    async with db.transaction() as session:
        row = await session.get(OutboxMessage, row_id)
    assert row is not None and (row.status, row.result_ts, row.sent_at) == ("sent", "1.5", NOW)


async def test_in_lists_of_any_length_find_what_a_written_out_list_finds(db: Database) -> None:
    """On SQLite an ``IN`` list goes as one JSON array (``json_each``); its values are stored as their type stores
    them, so a list of datetimes matches the stored text."""
    later = NOW + timedelta(minutes=5)
    async with db.transaction() as session:
        statements = await Statements.of(session)
        ids = await statements.insert(
            INSERT_OUTBOX, [outbox_row(str(n), claimed_until=NOW if n % 2 else later) for n in range(5)]
        )
        assert await statements.rows(BY_IDS_AND_LEASES, {"ids": [], "leases": [NOW]}) == []
        found = await statements.rows(BY_IDS_AND_LEASES, {"ids": ids[:4], "leases": [NOW]})
        assert sorted(row_id for row_id, _ in found) == [ids[1], ids[3]]
        found = await statements.rows(BY_IDS_AND_LEASES, {"ids": [ids[0], ids[4], 10_000], "leases": [NOW, later]})
        assert sorted(row_id for row_id, _ in found) == [ids[0], ids[4]]
        assert {status for _, status in found} == {"pending"}


async def test_a_missing_parameter_is_named(db: Database) -> None:
    async with db.transaction() as session:
        statements = await Statements.of(session)
        with pytest.raises(Exception, match="row_id"):  # KeyError on SQLite, StatementError through SQLAlchemy
            await statements.run(MARK_SENT, [{"ts": "1.5", "at": NOW}])


async def test_a_repeated_key_is_sqlalchemys_integrity_error_and_nothing_of_the_transaction_stays(
    db: Database,
) -> None:
    async with db.transaction() as session:
        await (await Statements.of(session)).run(
            INSERT_PROCESSED, [{"event_id": "Ev1", "event_type": "message", "received_at": NOW}]
        )
    with pytest.raises(IntegrityError):
        async with db.transaction() as session:
            statements = await Statements.of(session)
            await statements.insert(INSERT_OUTBOX, [outbox_row("lost with the transaction")])
            await statements.run(
                INSERT_PROCESSED,
                [
                    {"event_id": "Ev2", "event_type": "message", "received_at": NOW},
                    {"event_id": "Ev1", "event_type": "message", "received_at": NOW},
                ],
            )
    async with db.transaction() as session:
        assert (await session.exec(select(OutboxMessage))).all() == []
        events = (await session.exec(select(ProcessedEvent.event_id).order_by(col(ProcessedEvent.event_id)))).all()
    assert list(events) == ["Ev1"]


async def test_one_runner_per_transaction(db: Database) -> None:
    async with db.transaction() as session:
        first = await Statements.of(session)
        assert await Statements.of(session) is first
    async with db.transaction() as session:
        assert await Statements.of(session) is not first
