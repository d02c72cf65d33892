"""The queries behind the hand-off map: which department asked which (consults), when each consult was answered and
paused, and which department passed tickets to which (bounces).

A consult is a ticket of kind ``consult`` whose asking is recorded on the ticket asked about as a ``consult_asked``
event (from the asking department, to the department asked, its note the consult's key), so the pair stays the one
of the moment it was asked even when the asking ticket moves on later. Times, medians and working hours are left to
the caller (``bot.schedule.handoff_map``): they need the working calendar, which storage does not know.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func
from sqlalchemy import select as select_rows
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.consults import CONSULT
from storage.digest import DEPARTMENT_CHANGED
from storage.models import Member, Ticket, TicketEvent, table_of

CONSULT_ASKED = "consult_asked"  # on the asking ticket: from its department to the one asked, note the consult's key
ANSWERED = "answered"  # on the consult: answered (it resolves)
# On the consult: its clock stopped (waiting on whoever asked, or blocked) and started again.
CLOCK_EVENTS = ("paused", "resumed")

Pair = tuple[str, str]  # (asking or left department, answering or receiving department)


@dataclass(frozen=True)
class ConsultTimeline:
    """One consult as the map measures it: the pair, its clock (priority, owner's time zone) and what it went
    through, oldest first: ``answered``, ``paused`` and ``resumed`` events."""

    consult_id: int
    key: str
    asking: str
    answering: str
    priority: str
    owner_tz: str | None
    asked_at: datetime
    events: tuple[tuple[datetime, str], ...]


# The ``consult_asked`` event of a consult: on the ticket asked about (its parent), noting the consult's key.
_ASKED = table_of(TicketEvent).alias("asked")
_ASKED_JOIN = and_(
    _ASKED.c.ticket_id == col(Ticket.parent_id),
    _ASKED.c.action == CONSULT_ASKED,
    _ASKED.c.note == col(Ticket.key),
)


async def consults_between(session: AsyncSession, start: datetime, end: datetime) -> list[ConsultTimeline]:
    """Every consult asked in ``[start, end)`` or answered in it, with its answers and pauses.

    Three statements whatever the window holds: the consults asked (the (kind, created) index), those answered
    (the (action, at) index), then the rows and events of both.
    """
    asked_ids = select(Ticket.id).where(
        col(Ticket.kind) == CONSULT, col(Ticket.created_at) >= start, col(Ticket.created_at) < end
    )
    answered_ids = select(TicketEvent.ticket_id).where(
        col(TicketEvent.action) == ANSWERED, col(TicketEvent.at) >= start, col(TicketEvent.at) < end
    )
    ids = {int(i) for i in (await session.exec(asked_ids)).all() if i is not None}
    ids |= {int(i) for i in (await session.exec(answered_ids)).all()}
    if not ids:
        return []
    wanted = sorted(ids)
    asked = _ASKED.c
    statement = (
        select_rows(
            col(Ticket.id),
            col(Ticket.key),
            asked.from_value,
            asked.to_value,
            col(Ticket.priority),
            col(Member.tz),
            asked.at,
        )
        .join(_ASKED, _ASKED_JOIN)
        .outerjoin(Member, col(Member.user_id) == col(Ticket.owner_id))
        .where(col(Ticket.id).in_(wanted), col(Ticket.kind) == CONSULT)
        .order_by(asked.at, col(Ticket.id))
    )
    rows = (await (await session.connection()).execute(statement)).all()
    happened: dict[int, list[tuple[datetime, str]]] = defaultdict(list)
    events = (
        select(TicketEvent.ticket_id, TicketEvent.at, TicketEvent.action)
        .where(col(TicketEvent.ticket_id).in_(wanted), col(TicketEvent.action).in_([ANSWERED, *CLOCK_EVENTS]))
        .order_by(col(TicketEvent.at), col(TicketEvent.id))
    )
    for ticket_id, at, action in (await session.exec(events)).all():
        happened[ticket_id].append((at, action))
    return [
        ConsultTimeline(
            consult_id=consult_id,
            key=key,
            asking=str(asking),
            answering=str(answering),
            priority=priority,
            owner_tz=tz,
            asked_at=at,
            events=tuple(happened.get(consult_id, ())),
        )
        for consult_id, key, asking, answering, priority, tz, at in rows
        if consult_id is not None and asking and answering
    ]


def _pairs(rows: Iterable[tuple[str | None, str | None, int]]) -> dict[Pair, int]:
    return {(str(a), str(b)): int(count) for a, b, count in rows if a and b}


async def bounces_between(
    session: AsyncSession, start: datetime | None = None, end: datetime | None = None
) -> dict[Pair, int]:
    """Tickets moved from one department to another, by (left, arrived), in ``[start, end)`` (all time without)."""
    statement = select(TicketEvent.from_value, TicketEvent.to_value, func.count()).where(
        col(TicketEvent.action) == DEPARTMENT_CHANGED
    )
    if start is not None:
        statement = statement.where(col(TicketEvent.at) >= start)
    if end is not None:
        statement = statement.where(col(TicketEvent.at) < end)
    statement = statement.group_by(col(TicketEvent.from_value), col(TicketEvent.to_value))
    return _pairs((await session.exec(statement)).all())


async def asked_totals(session: AsyncSession) -> dict[Pair, int]:
    """Consults ever asked, by (asking, asked) department: counted in SQL, for ``/metrics``'s counters."""
    statement = (
        select(TicketEvent.from_value, TicketEvent.to_value, func.count())
        .where(col(TicketEvent.action) == CONSULT_ASKED)
        .group_by(col(TicketEvent.from_value), col(TicketEvent.to_value))
    )
    return _pairs((await session.exec(statement)).all())


async def answered_totals(session: AsyncSession) -> dict[Pair, int]:
    """Consults ever answered (once each, however often reopened and answered again), by the pair that asked."""
    answered = select(TicketEvent.ticket_id).where(col(TicketEvent.action) == ANSWERED).distinct().subquery()
    asked = _ASKED.c
    statement = (
        select(asked.from_value, asked.to_value, func.count())
        .select_from(Ticket)
        .join(_ASKED, _ASKED_JOIN)
        .join(answered, answered.c.ticket_id == col(Ticket.id))
        .where(col(Ticket.kind) == CONSULT)
        .group_by(asked.from_value, asked.to_value)
    )
    return _pairs((await session.exec(statement)).all())
