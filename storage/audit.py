"""The audit trail: every ticket event is written by :func:`record`, from one record type, and read back here."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage._prepared import Statements, prepared_insert
from storage.models import Ticket, TicketEvent, table_of

_INSERT_EVENT = prepared_insert(table_of(TicketEvent))


class EventRecord(NamedTuple):
    """One ticket event as it is written: who did what to which ticket, and when. The only way events are spelt
    for writing, whether one verb records one or a tick records a hundred."""

    ticket_id: int
    actor_id: str
    action: str
    at: datetime
    from_value: str | None = None
    to_value: str | None = None
    note: str | None = None
    slack_ts: str | None = None


async def record(session: AsyncSession, events: Sequence[EventRecord]) -> None:
    """Write ``events`` in the caller's transaction, in one statement; their ids are not needed back."""
    if events:
        await (await Statements.of(session)).run(_INSERT_EVENT, [event._asdict() for event in events])


async def events_of(session: AsyncSession, ticket_id: int) -> Sequence[TicketEvent]:
    statement = select(TicketEvent).where(col(TicketEvent.ticket_id) == ticket_id).order_by(col(TicketEvent.id))
    return (await session.exec(statement)).all()


async def last_change(session: AsyncSession, ticket_id: int, ignoring: Iterable[str] = ()) -> TicketEvent | None:
    """The ticket's newest audit event whose action is not one of ``ignoring`` (comments, reminders)."""
    statement = (
        select(TicketEvent)
        .where(col(TicketEvent.ticket_id) == ticket_id, col(TicketEvent.action).not_in(list(ignoring)))
        .order_by(col(TicketEvent.id).desc())
        .limit(1)
    )
    return (await session.exec(statement)).first()


async def latest_events_of(session: AsyncSession, ticket_id: int, limit: int) -> tuple[list[TicketEvent], int]:
    """The newest ``limit`` events of a ticket, oldest first, and how many it has in all."""
    newest = (
        select(TicketEvent)
        .where(col(TicketEvent.ticket_id) == ticket_id)
        .order_by(col(TicketEvent.id).desc())
        .limit(limit)
    )
    events = list(reversed((await session.exec(newest)).all()))
    if len(events) < limit:
        return events, len(events)
    counted = select(func.count()).select_from(TicketEvent).where(col(TicketEvent.ticket_id) == ticket_id)
    return events, int((await session.exec(counted)).one())


async def departments_passed(session: AsyncSession, ticket: Ticket) -> list[str]:
    """Every department the ticket has belonged to, in order, each once."""
    assert ticket.id is not None
    statement = (
        select(TicketEvent.to_value)
        .where(col(TicketEvent.ticket_id) == ticket.id, col(TicketEvent.action) == "department_changed")
        .order_by(col(TicketEvent.id))
    )
    path = [ticket.key.rsplit("-", 1)[0], *[str(v) for v in (await session.exec(statement)).all() if v]]
    return list(dict.fromkeys(path))


async def departments_passed_by(session: AsyncSession, tickets: Sequence[Ticket]) -> dict[int, list[str]]:
    """:func:`departments_passed` for many tickets in one query: ticket id → its departments, in order."""
    ids = sorted({ticket.id for ticket in tickets if ticket.id is not None})
    if not ids:
        return {}
    statement = (
        select(TicketEvent.ticket_id, TicketEvent.to_value)
        .where(col(TicketEvent.ticket_id).in_(ids), col(TicketEvent.action) == "department_changed")
        .order_by(col(TicketEvent.id))
    )
    moves: dict[int, list[str]] = defaultdict(list)
    for ticket_id, department in (await session.exec(statement)).all():
        if department:
            moves[ticket_id].append(department)
    return {
        ticket.id: list(dict.fromkeys([ticket.key.rsplit("-", 1)[0], *moves[ticket.id], ticket.department_key]))
        for ticket in tickets
        if ticket.id is not None
    }
