"""The queries behind the shared goals (``bot/schedule/goals.py``): each metric's raw counts over a window, grouped in
SQL by the department the ticket was in at the moment that counts.

Set-based: one statement per metric and window, however long the history. Which department a ticket was in at a
moment is the one it is in now, unless it moved between departments later: then the department its first later move
left (``department_changed`` events, read by a subquery on the ticket's own events). A move at that very moment
already counts for the new side, as in the digest: taking a ticket over acknowledges it for the taker.

The statements are shaped so each reads only its window's rows through an index, at any length of history (see
``deadline_outcomes``); ``bench/scale.py`` times them over 100,000 tickets. Medians and working time have no
portable SQL form across SQLite and PostgreSQL, so for complaints the rows come
back (only those resolved in the window) with the status moves that paused them, and the caller computes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import Integer, Select, and_, case, func, literal, not_, or_, select, union_all
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.expression import Executable
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.consults import TICKET
from storage.digest import DEPARTMENT_CHANGED
from storage.models import Rating, Ticket, TicketEvent

Phase = Literal["acknowledge", "resolve"]


@dataclass(frozen=True)
class Ratio:
    """``hits`` of ``total`` (tickets on time of those judged, tickets passed on of those handled)."""

    hits: int
    total: int


@dataclass(frozen=True)
class Scores:
    """Satisfaction ratings answered: how many, and the sum of their scores."""

    answered: int
    total: int


@dataclass(frozen=True)
class Workload:
    """Work on hand at a moment: open (not resolved or closed yet) and, of those, overdue."""

    open: int
    overdue: int


@dataclass(frozen=True)
class Resolution:
    """A complaint resolved in the window: where it was when resolved, when its (latest) clock started and ended."""

    ticket_id: int
    department_key: str
    started_at: datetime
    resolved_at: datetime


@dataclass(frozen=True)
class StatusMove:
    """A ticket event that moved it between statuses (the pauses of a complaint are read from these)."""

    ticket_id: int
    at: datetime
    from_status: str | None
    to_status: str | None


def department_at(moment: Any) -> ColumnElement[str]:
    """The department the ticket (``Ticket``, correlated) was in at ``moment`` (a datetime or a column).

    Only a ticket that ever moved (``bounce_count`` counts its moves between departments) reads its events, so the
    subquery runs for the few that did."""
    later_move = (
        select(col(TicketEvent.from_value))
        .where(
            col(TicketEvent.ticket_id) == col(Ticket.id),
            _filter_only(col(TicketEvent.action)) == DEPARTMENT_CHANGED,  # the ticket's own events: a handful
            col(TicketEvent.at) > moment,
        )
        .order_by(col(TicketEvent.at), col(TicketEvent.id))
        .limit(1)
        .correlate_except(TicketEvent)
        .scalar_subquery()
    )
    department = col(Ticket.department_key)
    return case((col(Ticket.bounce_count) > 0, func.coalesce(later_move, department)), else_=department)


async def _rows(session: AsyncSession, statement: Executable) -> list[tuple[Any, ...]]:
    """The rows of a Core statement of several columns (SQLModel's ``exec`` types at most a few)."""
    result = await (await session.connection()).execute(statement)
    return [tuple(row) for row in result.all()]


def _filter_only(column: Any) -> Any:
    """A column that is never empty, as a value SQLite does not look up through an index. Without statistics SQLite
    would read almost every ticket through the ``created_at`` index for a condition nearly every ticket meets, rather
    than the few the other conditions' indexes find, and every later move of every ticket through the (action, at)
    index rather than one ticket's events; a function of the column stays a filter on the rows the better index
    finds."""
    return func.coalesce(column, column)


def _grouped_ratio(rows: Sequence[tuple[Any, ...]]) -> dict[str, Ratio]:
    return {str(key): Ratio(int(hits or 0), int(total or 0)) for key, hits, total in rows if key is not None}


async def deadline_outcomes(
    session: AsyncSession, phase: Phase, start: datetime, end: datetime, statuses: Sequence[str]
) -> dict[tuple[str, str], Ratio]:
    """Per kind of ticket (``ticket``, ``consult``) and department: of those whose ``phase`` deadline was decided in
    ``[start, end)``, how many met it. ``statuses``: every status there is (see below).

    A deadline is decided when it is met (at the acknowledgement or resolution) or when it passes unmet, so each
    ticket counts once, as soon as its outcome is known, in the department it was in then. The stored deadlines are
    the SLA clock's own: working hours and holidays counted, pushed back by the time spent paused. Not judged: work
    closed without being acknowledged or resolved (a duplicate, a declined consult), and a ticket paused before its
    deadline (its clock is stopped). A reopened ticket is judged on its latest deadlines (reopening sets new ones).

    The two ways of being decided are each a range on an indexed column, so the database reads only the window's
    tickets: the acknowledged (resolved) time, and the deadline through the (status, deadline) index — hence
    ``status IN`` every status, which selects nothing away. Kinds are told apart in the grouping, not the filter:
    nearly every row is a ticket, and the (kind, created) index would have the database read them all.
    """
    if phase == "acknowledge":
        done, due = col(Ticket.acknowledged_at), col(Ticket.ack_due_at)
    else:
        done, due = col(Ticket.resolved_at), col(Ticket.resolve_due_at)
    on_time = and_(done.is_not(None), done <= due)
    decided = case((on_time, done), else_=due)
    paused_in_time = and_(col(Ticket.paused_at).is_not(None), col(Ticket.paused_at) < due)
    stopped = or_(col(Ticket.closed_at).is_not(None), paused_in_time)
    inner = (
        select(
            col(Ticket.kind).label("kind"),
            department_at(decided).label("department"),
            case((on_time, 1), else_=0).label("hit"),
        )
        .where(
            or_(
                and_(done >= start, done < end, done <= due),
                and_(col(Ticket.status).in_(list(statuses)), due >= start, due < end, not_(on_time)),
            ),
            not_(and_(done.is_(None), stopped)),
        )
        .subquery()
    )
    statement = select(inner.c.kind, inner.c.department, func.sum(inner.c.hit), func.count()).group_by(
        inner.c.kind, inner.c.department
    )
    rows = await _rows(session, statement)
    return {(str(kind), str(key)): Ratio(int(hits or 0), int(total)) for kind, key, hits, total in rows if key}


async def ratings(session: AsyncSession, start: datetime, end: datetime) -> dict[str, Scores]:
    """Per department: the satisfaction ratings answered in ``[start, end)``, counted for the department the ticket
    was in when its requester was asked (when it was resolved)."""
    inner = (
        select(department_at(col(Rating.asked_at)).label("department"), col(Rating.score).label("score"))
        .join(Ticket, col(Ticket.id) == col(Rating.ticket_id))
        .where(
            col(Rating.score).is_not(None),
            col(Rating.answered_at) >= start,
            col(Rating.answered_at) < end,
        )
        .subquery()
    )
    statement = select(inner.c.department, func.count(), func.sum(inner.c.score)).group_by(inner.c.department)
    rows = await _rows(session, statement)
    return {str(key): Scores(int(count), int(total or 0)) for key, count, total in rows if key is not None}


def _complaints_resolved(start: datetime, end: datetime) -> Any:
    # No condition on the kind here (the caller's rows say it): the (kind, created) index would read every ticket.
    return and_(col(Ticket.is_complaint).is_(True), col(Ticket.resolved_at) >= start, col(Ticket.resolved_at) < end)


async def complaint_resolutions(
    session: AsyncSession, start: datetime, end: datetime, paused: Sequence[str]
) -> tuple[list[Resolution], list[StatusMove]]:
    """Complaints resolved in ``[start, end)`` (in the department they were in then, from their latest start:
    creation or reopening) and, in time order, the status moves into and out of the ``paused`` statuses of those
    same tickets, so the caller can leave the time spent paused out. One statement: each complaint with its moves."""
    pause_moves = and_(
        col(TicketEvent.ticket_id) == col(Ticket.id),
        or_(col(TicketEvent.to_value).in_(list(paused)), col(TicketEvent.from_value).in_(list(paused))),
    )
    statement = (
        select(
            col(Ticket.id),
            col(Ticket.kind),
            department_at(col(Ticket.resolved_at)),
            func.coalesce(col(Ticket.sla_started_at), col(Ticket.created_at)),
            col(Ticket.resolved_at),
            col(TicketEvent.at),
            col(TicketEvent.from_value),
            col(TicketEvent.to_value),
        )
        .outerjoin(TicketEvent, pause_moves)
        .where(_complaints_resolved(start, end))
        .order_by(col(Ticket.id), col(TicketEvent.at), col(TicketEvent.id))
    )
    resolutions: dict[int, Resolution] = {}
    moves: list[StatusMove] = []
    for ticket_id, kind, key, started, resolved, moved_at, left, entered in await _rows(session, statement):
        if resolved is None or kind != TICKET:
            continue
        resolutions.setdefault(ticket_id, Resolution(int(ticket_id), str(key), started, resolved))
        if moved_at is not None:
            moves.append(StatusMove(int(ticket_id), moved_at, left, entered))
    return list(resolutions.values()), moves


async def bounces(session: AsyncSession, start: datetime, end: datetime) -> tuple[dict[str, Ratio], Ratio]:
    """Tickets passed on to another department in ``[start, end)`` of the tickets handled there then, per department
    and for the whole company.

    A department handled a ticket in the window when the ticket arrived there (opened there or handed over to it)
    or left it in the window; it bounced when the department passed it on. Distinct tickets, so a share never
    exceeds 100 %. The company's: tickets that moved at all, of every ticket opened or moved in the window.
    """
    in_window = and_(
        col(TicketEvent.action) == DEPARTMENT_CHANGED, col(TicketEvent.at) >= start, col(TicketEvent.at) < end
    )
    opened_in_window = and_(col(Ticket.kind) == TICKET, col(Ticket.created_at) >= start, col(Ticket.created_at) < end)
    opened: Select[int, str, int] = select(
        col(Ticket.id).label("ticket_id"),
        department_at(col(Ticket.created_at)).label("department"),
        literal(0, Integer).label("bounced"),
    ).where(opened_in_window)
    moved_in = select(col(TicketEvent.ticket_id), col(TicketEvent.to_value), literal(0, Integer)).where(in_window)
    moved_out = select(col(TicketEvent.ticket_id), col(TicketEvent.from_value), literal(1, Integer)).where(in_window)
    handled = union_all(opened, moved_in, moved_out).subquery()
    passed_on = func.count(func.distinct(case((handled.c.bounced == 1, handled.c.ticket_id))))
    per_department = select(handled.c.department, passed_on, func.count(func.distinct(handled.c.ticket_id)))
    rows = await _rows(session, per_department.group_by(handled.c.department))
    # The company's, without the union again: the tickets opened (an index count), and those moved, of which the
    # ones opened earlier are handled besides.
    opened_count = (await _rows(session, select(func.count()).where(opened_in_window)))[0][0]
    moved = select(
        func.count(func.distinct(col(TicketEvent.ticket_id))),
        func.count(func.distinct(case((col(Ticket.created_at) < start, col(TicketEvent.ticket_id))))),
    ).join(Ticket, col(Ticket.id) == col(TicketEvent.ticket_id))
    moved_count, moved_earlier = (await _rows(session, moved.where(in_window)))[0]
    company = Ratio(int(moved_count or 0), int(opened_count) + int(moved_earlier or 0))
    return _grouped_ratio(rows), company


async def workload_at(session: AsyncSession, moment: datetime, active: Sequence[str]) -> dict[str, Workload]:
    """Per department: the tickets (and consults) open at ``moment``, and how many of them were overdue then.
    ``active``: the statuses of unfinished work.

    Open: created by then, and unfinished now or resolved since. Overdue: its acknowledge deadline passed while
    unacknowledged, or its resolve deadline passed, and its clock not paused. At the present moment this is the
    digest's "open" and "overdue"; at a past one it is read from today's columns, so a pause that has ended since,
    a resolution undone by a reopen, or work closed unresolved since (a duplicate) is not seen as it was.
    """
    unacknowledged = or_(col(Ticket.acknowledged_at).is_(None), col(Ticket.acknowledged_at) > moment)
    overdue = and_(
        or_(col(Ticket.paused_at).is_(None), col(Ticket.paused_at) > moment),
        or_(and_(unacknowledged, col(Ticket.ack_due_at) <= moment), col(Ticket.resolve_due_at) <= moment),
    )
    inner = (
        select(department_at(moment).label("department"), case((overdue, 1), else_=0).label("overdue"))
        .where(
            or_(col(Ticket.status).in_(list(active)), col(Ticket.resolved_at) > moment),
            _filter_only(col(Ticket.created_at)) <= moment,
        )
        .subquery()
    )
    statement = select(inner.c.department, func.count(), func.sum(inner.c.overdue)).group_by(inner.c.department)
    rows = await _rows(session, statement)
    return {str(key): Workload(int(count), int(late or 0)) for key, count, late in rows if key is not None}
