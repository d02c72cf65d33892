"""Reads of the work done for customers: a customer's open and recently finished tickets in every department, its
complaints in a window (for its card and the at-risk rule), the satisfaction its tickets were rated, and the open
tickets of the customers an account manager looks after (App Home). Reads only; tickets are written by
``storage.tickets``, customers by ``storage.customers``."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import Executable, func
from sqlalchemy import select as select_rows
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.consults import TICKET
from storage.models import Customer, Rating, Ticket, TicketEvent, table_of

_TICKETS, _RATINGS = table_of(Ticket), table_of(Rating)


async def open_of(session: AsyncSession, customer_id: int, statuses: Iterable[str], limit: int) -> list[Ticket]:
    """The customer's tickets in ``statuses`` (its open work), oldest first, at most ``limit``."""
    statement = (
        select(Ticket)
        .where(col(Ticket.customer_id) == customer_id, col(Ticket.status).in_(list(statuses)))
        .order_by(col(Ticket.created_at), col(Ticket.id))
        .limit(limit)
    )
    return list((await session.exec(statement)).all())


async def count_in(session: AsyncSession, customer_id: int, statuses: Iterable[str]) -> int:
    statement = select_rows(func.count()).where(
        _TICKETS.c.customer_id == customer_id, _TICKETS.c.status.in_(list(statuses))
    )
    return int((await _rows(session, statement)).one()[0])


async def finished_of(session: AsyncSession, customer_id: int, statuses: Iterable[str], limit: int) -> list[Ticket]:
    """The customer's most recently finished tickets (resolved or closed), newest first."""
    finished = func.coalesce(col(Ticket.closed_at), col(Ticket.resolved_at), col(Ticket.updated_at))
    statement = (
        select(Ticket)
        .where(col(Ticket.customer_id) == customer_id, col(Ticket.status).in_(list(statuses)))
        .order_by(finished.desc(), col(Ticket.id).desc())
        .limit(limit)
    )
    return list((await session.exec(statement)).all())


async def complaints_of(session: AsyncSession, customer_id: int, since: datetime) -> list[Ticket]:
    """The customer's complaints opened since ``since``, newest first."""
    statement = (
        select(Ticket)
        .where(
            col(Ticket.customer_id) == customer_id,
            col(Ticket.is_complaint).is_(True),
            col(Ticket.kind) == TICKET,
            col(Ticket.created_at) >= since,
        )
        .order_by(col(Ticket.created_at).desc(), col(Ticket.id).desc())
    )
    return list((await session.exec(statement)).all())


class Satisfaction(NamedTuple):
    """The ratings given to a customer's tickets: how many answered, their average (``None`` without any)."""

    answered: int
    average: float | None


async def satisfaction_of(session: AsyncSession, customer_id: int) -> Satisfaction:
    """Every answered rating of the customer's tickets (``ratings``; empty until people rate)."""
    statement = (
        select_rows(func.count(_RATINGS.c.score), func.avg(_RATINGS.c.score))
        .select_from(_RATINGS.join(_TICKETS, _TICKETS.c.id == _RATINGS.c.ticket_id))
        .where(_TICKETS.c.customer_id == customer_id, _RATINGS.c.score.is_not(None))
    )
    count, average = (await _rows(session, statement)).one()
    return Satisfaction(int(count or 0), float(average) if average is not None else None)


async def open_for_manager(
    session: AsyncSession, manager_id: str, statuses: Iterable[str], limit: int
) -> tuple[list[Customer], list[Ticket]]:
    """The customers ``manager_id`` looks after (by name) and their open tickets (oldest first, at most ``limit``)."""
    customers = list(
        (
            await session.exec(
                select(Customer).where(col(Customer.manager_id) == manager_id).order_by(col(Customer.name))
            )
        ).all()
    )
    ids = [customer.id for customer in customers if customer.id is not None]
    if not ids:
        return customers, []
    statement = (
        select(Ticket)
        .where(col(Ticket.customer_id).in_(ids), col(Ticket.status).in_(list(statuses)))
        .order_by(col(Ticket.created_at), col(Ticket.id))
        .limit(limit)
    )
    return customers, list((await session.exec(statement)).all())


async def complaint_counts(session: AsyncSession, customer_ids: Sequence[int], since: datetime) -> dict[int, int]:
    """How many complaints each customer opened since ``since`` (customers without any are left out)."""
    if not customer_ids:
        return {}
    statement = (
        select_rows(_TICKETS.c.customer_id, func.count())
        .where(
            _TICKETS.c.customer_id.in_(sorted(set(customer_ids))),
            _TICKETS.c.is_complaint.is_(True),
            _TICKETS.c.kind == TICKET,
            _TICKETS.c.created_at >= since,
        )
        .group_by(_TICKETS.c.customer_id)
    )
    return {int(row[0]): int(row[1]) for row in (await _rows(session, statement)).all()}


class ComplaintSteps(NamedTuple):
    """A complaint ticket opened in a window, and the moments that measure how it was handled."""

    ticket_id: int
    key: str
    department_key: str
    customer_id: int | None
    created_at: datetime
    first_response_at: datetime | None  # the first thing anyone but its requester (and the bot) did about it
    first_resolved_at: datetime | None  # its first resolution (a reopened complaint keeps the first)


# What counts as answering a complaint: anything a person on the other side does about it, not its requester and
# not the bot on its own (reminders, its text naming a customer).
_RESPONSES = ("acknowledged", "commented", "resolved", "paused", "handoff_accepted", "consult_asked")


async def complaint_steps(session: AsyncSession, start: datetime, end: datetime) -> list[ComplaintSteps]:
    """Every complaint ticket opened in ``[start, end)`` with its first response and first resolution, read with
    two grouped queries whatever the number of complaints."""
    tickets = (
        await session.exec(
            select(Ticket)
            .where(
                col(Ticket.is_complaint).is_(True),
                col(Ticket.kind) == TICKET,
                col(Ticket.created_at) >= start,
                col(Ticket.created_at) < end,
            )
            .order_by(col(Ticket.created_at), col(Ticket.id))
        )
    ).all()
    ids = [ticket.id for ticket in tickets if ticket.id is not None]
    if not ids:
        return []
    events = table_of(TicketEvent)
    responses = (
        select_rows(events.c.ticket_id, func.min(events.c.at))
        .select_from(events.join(_TICKETS, _TICKETS.c.id == events.c.ticket_id))
        .where(
            events.c.ticket_id.in_(ids),
            events.c.action.in_(_RESPONSES),
            events.c.actor_id != _TICKETS.c.requester_id,
            events.c.actor_id.like("U%") | events.c.actor_id.like("W%"),
        )
        .group_by(events.c.ticket_id)
    )
    resolutions = (
        select_rows(events.c.ticket_id, func.min(events.c.at))
        .where(events.c.ticket_id.in_(ids), events.c.action == "resolved")
        .group_by(events.c.ticket_id)
    )
    first_response = {int(row[0]): row[1] for row in (await _rows(session, responses)).all()}
    first_resolved = {int(row[0]): row[1] for row in (await _rows(session, resolutions)).all()}
    return [
        ComplaintSteps(
            ticket.id or 0,
            ticket.key,
            ticket.department_key,
            ticket.customer_id,
            ticket.created_at,
            first_response.get(ticket.id or 0),
            first_resolved.get(ticket.id or 0),
        )
        for ticket in tickets
    ]


async def complainers_linked_since(session: AsyncSession, since: datetime) -> set[int]:
    """The customers a complaint was linked to since ``since`` — at its opening or later, by hand: every link is a
    ``customer_linked`` event, so the (action, at) index finds them without reading the tickets of the window."""
    events = table_of(TicketEvent)
    statement = (
        select_rows(_TICKETS.c.customer_id)
        .select_from(events.join(_TICKETS, _TICKETS.c.id == events.c.ticket_id))
        .where(
            events.c.action == "customer_linked",
            events.c.at >= since,
            _TICKETS.c.is_complaint.is_(True),
            _TICKETS.c.customer_id.is_not(None),
        )
        .distinct()
    )
    return {int(row[0]) for row in (await _rows(session, statement)).all()}


async def flagged_at_risk(session: AsyncSession) -> list[Customer]:
    statement = select(Customer).where(col(Customer.at_risk_since).is_not(None)).order_by(col(Customer.id))
    return list((await session.exec(statement)).all())


async def ticket_counts(session: AsyncSession, open_statuses: Iterable[str]) -> dict[int, tuple[int, int]]:
    """Each customer's (open, finished) tickets: the export's columns."""
    is_open = _TICKETS.c.status.in_(list(open_statuses))
    statement = (
        select_rows(
            _TICKETS.c.customer_id,
            func.count().filter(is_open),
            func.count().filter(~is_open),
        )
        .where(_TICKETS.c.customer_id.is_not(None), _TICKETS.c.kind == TICKET)
        .group_by(_TICKETS.c.customer_id)
    )
    return {int(row[0]): (int(row[1]), int(row[2])) for row in (await _rows(session, statement)).all()}


async def _rows(session: AsyncSession, statement: Executable) -> Any:
    """A Core query's result in the session's transaction; its rows are read by position."""
    return await (await session.connection()).execute(statement)
