"""The outbox: Slack calls stored with the change that caused them, then claimed and sent after commit."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import exists, func, or_, update
from sqlalchemy.orm import aliased
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import OutboxMessage

PENDING, SENDING, SENT, FAILED = "pending", "sending", "sent", "failed"
# ``last_error`` of a row taken over from a sender whose lease ran out: that sender may have died after Slack
# accepted the call and before the outcome was recorded, so the new sender looks before it sends again.
LEASE_RAN_OUT = "lease ran out before the outcome was recorded"


def enqueue(
    session: AsyncSession,
    *,
    method: str,
    payload: dict[str, Any],
    purpose: str,
    now: datetime,
    ticket_id: int | None = None,
    depends_on: OutboxMessage | None = None,
) -> OutboxMessage:
    """Add a call to the caller's transaction; it is sent only if that transaction commits."""
    message = OutboxMessage(
        ticket_id=ticket_id,
        purpose=purpose,
        method=method,
        payload=payload,
        depends_on_id=depends_on.id if depends_on is not None else None,
        created_at=now,
        next_attempt_at=now,
    )
    session.add(message)
    return message


async def claim_due(session: AsyncSession, now: datetime, lease: timedelta, limit: int) -> Sequence[OutboxMessage]:
    """Take up to ``limit`` rows that are due, in order, and lease them to the caller.

    A row is due when it is pending (or its sender's lease ran out) and whatever it depends on has been
    sent or has failed for good. ``FOR UPDATE SKIP LOCKED`` lets replicas on PostgreSQL claim disjoint
    rows; SQLite's single writer (``BEGIN IMMEDIATE``) gives the same guarantee there. A row whose
    lease ran out is marked ``LEASE_RAN_OUT``: its outcome is unknown.
    """
    dependency = aliased(OutboxMessage)
    dependency_done = exists().where(
        col(dependency.id) == col(OutboxMessage.depends_on_id),
        col(dependency.status).in_([SENT, FAILED]),
    )
    statement = (
        select(OutboxMessage)
        .where(
            or_(
                col(OutboxMessage.status) == PENDING,
                (col(OutboxMessage.status) == SENDING) & (col(OutboxMessage.claimed_until) < now),
            ),
            col(OutboxMessage.next_attempt_at) <= now,
            or_(col(OutboxMessage.depends_on_id).is_(None), dependency_done),
        )
        .order_by(col(OutboxMessage.id))
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    rows = (await session.exec(statement)).all()
    for row in rows:
        if row.status == SENDING:
            row.last_error = LEASE_RAN_OUT
        row.status = SENDING
        row.claimed_until = now + lease
        row.attempts += 1
        session.add(row)
    await session.flush()
    return rows


def _leased(message_id: int, lease_until: datetime | None) -> Any:
    """The row, but only while the caller still holds its lease: a sender whose lease ran out (and whose
    row another sender took over) must not overwrite that sender's outcome."""
    condition = col(OutboxMessage.id) == message_id
    if lease_until is not None:
        condition = (
            condition & (col(OutboxMessage.status) == SENDING) & (col(OutboxMessage.claimed_until) == lease_until)
        )
    return condition


async def mark_sent(
    session: AsyncSession,
    message_id: int,
    now: datetime,
    channel: str | None,
    ts: str | None,
    lease_until: datetime | None = None,
) -> bool:
    """Record a successful send; ``False`` when the lease had been lost (the row was taken over)."""
    result = await session.exec(
        update(OutboxMessage)
        .where(_leased(message_id, lease_until))
        .values(status=SENT, sent_at=now, claimed_until=None, result_channel=channel, result_ts=ts, last_error=None)
    )
    return bool(result.rowcount)


async def mark_retry(
    session: AsyncSession, message_id: int, retry_at: datetime, error: str, lease_until: datetime | None = None
) -> bool:
    result = await session.exec(
        update(OutboxMessage)
        .where(_leased(message_id, lease_until))
        .values(status=PENDING, next_attempt_at=retry_at, claimed_until=None, last_error=error[:2000])
    )
    return bool(result.rowcount)


async def mark_failed(session: AsyncSession, message_id: int, error: str, lease_until: datetime | None = None) -> bool:
    result = await session.exec(
        update(OutboxMessage)
        .where(_leased(message_id, lease_until))
        .values(status=FAILED, claimed_until=None, last_error=error[:2000])
    )
    return bool(result.rowcount)


async def backlog(session: AsyncSession) -> tuple[int, datetime | None]:
    """(unsent rows, creation time of the oldest) — for metrics and health."""
    statement = select(func.count(), func.min(OutboxMessage.created_at)).where(
        col(OutboxMessage.status).in_([PENDING, SENDING])
    )
    count, oldest = (await session.exec(statement)).one()
    return int(count), oldest
