"""Slack events already handled, so a retry — even one that reaches another replica — is done once."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import ProcessedEvent


async def was_processed(session: AsyncSession, event_id: str) -> bool:
    statement = select(ProcessedEvent.event_id).where(col(ProcessedEvent.event_id) == event_id)
    return (await session.exec(statement)).first() is not None


def mark_processed(session: AsyncSession, event_id: str, event_type: str, at: datetime) -> None:
    """Record the event in the caller's transaction; a concurrent duplicate then fails on the primary key."""
    session.add(ProcessedEvent(event_id=event_id, event_type=event_type, received_at=at))
