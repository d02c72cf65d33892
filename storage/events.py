"""Slack events already handled, so a retry — even one that reaches another replica — is done once."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import ProcessedEvent, table_of
from storage.prepared import Statements, prepared_insert

_INSERT_PROCESSED = prepared_insert(table_of(ProcessedEvent), leave_out=())


async def was_processed(session: AsyncSession, event_id: str) -> bool:
    statement = select(ProcessedEvent.event_id).where(col(ProcessedEvent.event_id) == event_id)
    return (await session.exec(statement)).first() is not None


def mark_processed(session: AsyncSession, event_id: str, event_type: str, at: datetime) -> None:
    """Record the event in the caller's transaction; a concurrent duplicate then fails on the primary key."""
    session.add(ProcessedEvent(event_id=event_id, event_type=event_type, received_at=at))


async def processed_among(session: AsyncSession, event_ids: Iterable[str]) -> set[str]:
    """Which of ``event_ids`` were already handled, in one query."""
    wanted = list(set(event_ids))
    if not wanted:
        return set()
    statement = select(ProcessedEvent.event_id).where(col(ProcessedEvent.event_id).in_(wanted))
    return set((await session.exec(statement)).all())


async def mark_many_processed(session: AsyncSession, events: Iterable[tuple[str, str]], at: datetime) -> None:
    """Record ``(event_id, event_type)`` pairs in one statement; a duplicate fails the transaction on the key."""
    rows = [{"event_id": event_id, "event_type": event_type, "received_at": at} for event_id, event_type in events]
    await (await Statements.of(session)).run(_INSERT_PROCESSED, rows)
