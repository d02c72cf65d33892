"""Slack events already handled, so a retry — even one that reaches another replica — is done once; and signed
commands and interactions already received, so a replay of one is not acted on twice."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage._prepared import Statements, prepared_insert
from storage.models import ProcessedEvent, table_of

_INSERT_PROCESSED = prepared_insert(table_of(ProcessedEvent), leave_out=())


async def was_processed(session: AsyncSession, event_id: str) -> bool:
    statement = select(ProcessedEvent.event_id).where(col(ProcessedEvent.event_id) == event_id)
    return (await session.exec(statement)).first() is not None


async def processed_among(session: AsyncSession, event_ids: Iterable[str]) -> set[str]:
    """Which of ``event_ids`` were already handled, in one query."""
    wanted = list(set(event_ids))
    if not wanted:
        return set()
    statement = select(ProcessedEvent.event_id).where(col(ProcessedEvent.event_id).in_(wanted))
    return set((await session.exec(statement)).all())


async def mark_processed(session: AsyncSession, events: Iterable[tuple[str, str]], at: datetime) -> None:
    """Record ``(event_id, event_type)`` pairs in the caller's transaction, in one statement; an event recorded
    before (a concurrent duplicate, another replica) fails the transaction on the primary key."""
    rows = [{"event_id": event_id, "event_type": event_type, "received_at": at} for event_id, event_type in events]
    await (await Statements.of(session)).run(_INSERT_PROCESSED, rows)


# Signed slash commands and interactions carry no event id; a replay of one (the same body, timestamp and
# signature, sent again within the five minutes the signature is good for) is recognised by a key made of the
# request's timestamp and a hash of what Slack signed, stored here too. The timestamp leads the key, so the keys
# that can no longer match (their signature has gone stale) are deleted as one range of the primary key.
REQUEST_KEY_PREFIX = "rq"  # Slack's event ids start with "Ev"


def request_key(timestamp: int, digest: str) -> str:
    """The key of a signed request: the prefix, its 10-digit timestamp and 52 hex digits of its hash (64 in all)."""
    return f"{REQUEST_KEY_PREFIX}{timestamp:010d}{digest[:52]}"


async def claim_requests(session: AsyncSession, keys: Iterable[tuple[str, str]], at: datetime) -> set[str]:
    """Record ``(key, kind)`` pairs; returns the keys that were new. A key recorded before (by this or any replica,
    now or by a transaction that commits first) is left as it is and not returned."""
    rows = [{"event_id": key, "event_type": kind, "received_at": at} for key, kind in dict(keys).items()]
    if not rows:
        return set()
    connection = await session.connection()
    table = table_of(ProcessedEvent)
    insert = postgresql_insert if connection.dialect.name == "postgresql" else sqlite_insert
    statement = insert(table).values(rows).on_conflict_do_nothing().returning(table.c.event_id)
    return set((await connection.execute(statement)).scalars().all())


async def forget_requests_before(session: AsyncSession, timestamp: int) -> None:
    """Delete the request keys whose timestamp is before ``timestamp`` (a range of the primary key)."""
    table = table_of(ProcessedEvent)
    await (await session.connection()).execute(
        delete(table).where(
            table.c.event_id >= REQUEST_KEY_PREFIX,
            table.c.event_id < request_key(timestamp, ""),
            table.c.event_id.like(f"{REQUEST_KEY_PREFIX}%"),  # whatever order the database's collation sorts in
        )
    )


async def forget_request(session: AsyncSession, key: str) -> None:
    """Delete one request key (its request was refused, and a refused request leaves nothing behind)."""
    table = table_of(ProcessedEvent)
    await (await session.connection()).execute(delete(table).where(table.c.event_id == key))
