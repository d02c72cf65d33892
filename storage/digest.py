"""The queries behind the daily digest: counts per department, timings, bounces, the oldest open work.

Counts are grouped by department in SQL, so the digest costs a handful of statements however long the
ticket history grows. Medians, day buckets in a time zone and "which department was it in then" are left
to the caller: none has a portable SQL form across SQLite and PostgreSQL, and they only see the report's
days of rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Customer, JobRun, Ticket, TicketEvent

DEPARTMENT_CHANGED = "department_changed"  # the ticket event a hand-off across departments records


def _counts(rows: Iterable[tuple[str | None, int]]) -> dict[str, int]:
    return {str(key): int(count) for key, count in rows if key is not None}


async def resolved_between(session: AsyncSession, start: datetime, end: datetime) -> dict[str, int]:
    """Tickets whose (latest) resolution falls in ``[start, end)``; a reopened ticket no longer counts."""
    statement = (
        select(Ticket.department_key, func.count())
        .where(col(Ticket.resolved_at) >= start, col(Ticket.resolved_at) < end)
        .group_by(col(Ticket.department_key))
    )
    return _counts((await session.exec(statement)).all())


async def in_status(session: AsyncSession, statuses: Iterable[str]) -> dict[str, int]:
    statement = (
        select(Ticket.department_key, func.count())
        .where(col(Ticket.status).in_(list(statuses)))
        .group_by(col(Ticket.department_key))
    )
    return _counts((await session.exec(statement)).all())


async def overdue_counts(
    session: AsyncSession, now: datetime, *, unacknowledged: Iterable[str], unresolved: Iterable[str]
) -> dict[str, int]:
    """Tickets past their acknowledge deadline while unacknowledged, or past resolve while unresolved."""
    condition = or_(
        and_(col(Ticket.status).in_(list(unacknowledged)), col(Ticket.ack_due_at) <= now),
        and_(col(Ticket.status).in_(list(unresolved)), col(Ticket.resolve_due_at) <= now),
    )
    statement = select(Ticket.department_key, func.count()).where(condition).group_by(col(Ticket.department_key))
    return _counts((await session.exec(statement)).all())


async def acknowledge_times(
    session: AsyncSession, start: datetime, end: datetime
) -> Sequence[tuple[int, str, datetime, datetime]]:
    """(ticket id, department now, created, acknowledged) of tickets acknowledged in ``[start, end)``."""
    statement = select(Ticket.id, Ticket.department_key, Ticket.created_at, Ticket.acknowledged_at).where(
        col(Ticket.acknowledged_at) >= start, col(Ticket.acknowledged_at) < end
    )
    rows = (await session.exec(statement)).all()
    return [(ticket_id, key, created, done) for ticket_id, key, created, done in rows if ticket_id and done]


async def resolve_times(
    session: AsyncSession, start: datetime, end: datetime
) -> Sequence[tuple[str, datetime, datetime]]:
    """(department, created, resolved) of tickets resolved in ``[start, end)``."""
    statement = select(Ticket.department_key, Ticket.created_at, Ticket.resolved_at).where(
        col(Ticket.resolved_at) >= start, col(Ticket.resolved_at) < end
    )
    return [(key, created, done) for key, created, done in (await session.exec(statement)).all() if done]


async def bounces_from(session: AsyncSession, start: datetime, end: datetime) -> dict[str, int]:
    """Moves to another department in ``[start, end)``, counted against the department the ticket left."""
    statement = (
        select(TicketEvent.from_value, func.count())
        .where(
            col(TicketEvent.action) == DEPARTMENT_CHANGED,
            col(TicketEvent.at) >= start,
            col(TicketEvent.at) < end,
        )
        .group_by(col(TicketEvent.from_value))
    )
    return _counts((await session.exec(statement)).all())


async def creation_times(session: AsyncSession, start: datetime, end: datetime) -> Sequence[tuple[int, str, datetime]]:
    """(ticket id, department now, created) of every ticket created in ``[start, end)``, for per-day buckets."""
    statement = select(Ticket.id, Ticket.department_key, Ticket.created_at).where(
        col(Ticket.created_at) >= start, col(Ticket.created_at) < end
    )
    rows = (await session.exec(statement)).all()
    return [(ticket_id, key, created) for ticket_id, key, created in rows if ticket_id]


async def moves_since(session: AsyncSession, start: datetime) -> Sequence[tuple[int, datetime, str]]:
    """(ticket id, when, department left) of every move between departments from ``start`` on, in order.

    With these the caller can tell which department a ticket belonged to at any moment since ``start``:
    the one the next later move left, or, after its last move, the one it is in now.
    """
    statement = (
        select(TicketEvent.ticket_id, TicketEvent.at, TicketEvent.from_value)
        .where(col(TicketEvent.action) == DEPARTMENT_CHANGED, col(TicketEvent.at) >= start)
        .order_by(col(TicketEvent.at), col(TicketEvent.id))
    )
    return [(ticket_id, at, left) for ticket_id, at, left in (await session.exec(statement)).all() if left]


async def oldest_in_status(session: AsyncSession, statuses: Iterable[str], limit: int) -> Sequence[Ticket]:
    statement = (
        select(Ticket)
        .where(col(Ticket.status).in_(list(statuses)))
        .order_by(col(Ticket.created_at), col(Ticket.id))
        .limit(limit)
    )
    return (await session.exec(statement)).all()


def lifecycle_stage() -> Any:
    """A ticket's customer lifecycle stage, one rule for every report (complaints and satisfaction by stage): the
    stage of its customer as stored now (changed only with who and when), and only for a ticket linked to no
    customer the stage given on the ticket itself. Needs ``Customer`` outer-joined on the ticket's ``customer_id``."""
    return func.coalesce(col(Customer.stage), col(Ticket.lifecycle_stage))


async def complaints_by_stage(session: AsyncSession, start: datetime, end: datetime) -> dict[str | None, int]:
    """Complaints opened in ``[start, end)`` by customer lifecycle stage (``lifecycle_stage``; ``None``: not
    known)."""
    stage = lifecycle_stage()
    statement = (
        select(stage, func.count())
        .select_from(Ticket)
        .outerjoin(Customer, col(Customer.id) == col(Ticket.customer_id))
        .where(col(Ticket.is_complaint).is_(True), col(Ticket.created_at) >= start, col(Ticket.created_at) < end)
        .group_by(stage)
    )
    return {stage: int(count) for stage, count in (await session.exec(statement)).all()}


async def period_claimed(session: AsyncSession, job: str, period: str) -> bool:
    """Whether some replica already claimed (job, period); a cheap look before doing the work to claim it."""
    statement = select(func.count()).where(col(JobRun.job) == job, col(JobRun.period) == period)
    return bool((await session.exec(statement)).one())
