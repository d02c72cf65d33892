"""Tickets: the one way each is written (:func:`new_ticket` and :func:`add`, :func:`save`, the bulk updates of
reminders and cards), and the queries that find them. Their audit trail is :mod:`storage.audit`."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, NamedTuple

from pydantic_core import PydanticUndefined
from sqlalchemy import ColumnElement, Integer, String, bindparam, case, false, func, inspect, or_, update
from sqlalchemy import select as select_rows
from sqlalchemy.orm import configure_mappers
from sqlmodel import and_, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage._prepared import Prepared, Statements, prepared_insert
from storage.models import Ticket, table_of

_TICKETS = table_of(Ticket)
_INSERT_TICKET = prepared_insert(_TICKETS)
_TICKET_COLUMNS = tuple(column.key for column in _TICKETS.c if column.key != "id")


async def by_key(session: AsyncSession, key: str, *, for_update: bool = False) -> Ticket | None:
    statement = select(Ticket).where(col(Ticket.key) == key.upper())
    if for_update:
        statement = statement.with_for_update()
    return (await session.exec(statement)).first()


async def by_origin(session: AsyncSession, channel: str, ts: str) -> Ticket | None:
    """The ticket made from the message at (channel, ts), or whose card is that message."""
    return (await by_origins(session, [(channel, ts)])).get((channel, ts))


async def by_origins(session: AsyncSession, origins: Iterable[tuple[str, str]]) -> dict[tuple[str, str], Ticket]:
    """:func:`by_origin` for many messages in one query: each (channel, ts) found → its ticket."""
    wanted = set(origins)
    if not wanted:
        return {}
    # Channels and timestamps each as a list, not (channel, ts) pairs: SQLite cannot search an index for a
    # list of pairs and would read the whole table. The few extra combinations this finds are dropped below.
    channels, stamps = sorted({c for c, _ in wanted}), sorted({t for _, t in wanted})
    statement = select(Ticket).where(
        or_(
            col(Ticket.origin_channel).in_(channels) & col(Ticket.origin_ts).in_(stamps),
            col(Ticket.card_channel).in_(channels) & col(Ticket.card_ts).in_(stamps),
        )
    )
    found: dict[tuple[str, str], Ticket] = {}
    for ticket in (await session.exec(statement)).all():
        for place in ((ticket.origin_channel, ticket.origin_ts), (ticket.card_channel, ticket.card_ts)):
            if place in wanted and place not in found:
                found[place] = ticket
    return found


def new_ticket(**values: Any) -> Ticket:
    """A new ticket, not yet written (:func:`add` writes it), made without the model's validation: opening a batch
    of tickets made each one as a validated model in ~90 µs and this way in ~3 µs. Only for values the caller
    computed itself; fields not given get the model's defaults."""
    if not values.keys() <= _FIELDS:
        raise TypeError(f"a ticket has no field {', '.join(sorted(values.keys() - _FIELDS))}")
    return _unvalidated(values)


async def add(session: AsyncSession, tickets: Sequence[Ticket]) -> None:
    """Write new tickets (made by :func:`new_ticket`) in the caller's transaction and give each its id. They stay
    out of the session: a later change to one is written with :func:`save` after loading it."""
    if not tickets:
        return
    rows = [{name: ticket.__dict__.get(name) for name in _TICKET_COLUMNS} for ticket in tickets]
    ids = await (await Statements.of(session)).insert(_INSERT_TICKET, rows)
    for ticket, ticket_id in zip(tickets, ids, strict=True):
        ticket.id = ticket_id


def save(session: AsyncSession, ticket: Ticket) -> None:
    """Write the changes made to a ticket loaded in ``session`` (:func:`by_key`, :func:`by_thread`, …), with the
    transaction; checks that it was loaded there, so a change to a copy that would be lost fails here."""
    if ticket not in session:
        raise ValueError(f"ticket {ticket.key} was not loaded in this session; load it before changing it")
    session.add(ticket)


_SET_REMINDER_STEP = Prepared(
    update(_TICKETS)
    .where(_TICKETS.c.id == bindparam("ticket_id"))
    .values(
        reminder_count=bindparam("step"),
        next_reminder_at=bindparam("next_at", type_=_TICKETS.c.next_reminder_at.type),
        escalation_level=bindparam("level"),
    )
)


class ReminderStep(NamedTuple):
    """A reminder sent about a ticket: its number, when the next is due, and the escalation level it reached."""

    ticket_id: int
    step: int  # the reminder's number: how many have gone unanswered with it
    next_at: datetime
    level: int


async def set_reminder_steps(session: AsyncSession, steps: Sequence[ReminderStep]) -> None:
    """Record reminders sent, in one statement."""
    await (await Statements.of(session)).run(_SET_REMINDER_STEP, [step._asdict() for step in steps])


_CARD_CHANNEL, _CARD_TS = bindparam("channel", type_=String), bindparam("ts", type_=String)
_PLACE_CARD = Prepared(
    update(_TICKETS)
    .where(_TICKETS.c.id == bindparam("ticket_id"))
    .values(
        card_channel=_CARD_CHANNEL,
        card_ts=_CARD_TS,
        thread_channel=case((_TICKETS.c.thread_ts.is_(None), _CARD_CHANNEL), else_=_TICKETS.c.thread_channel),
        thread_ts=func.coalesce(_TICKETS.c.thread_ts, _CARD_TS),
    )
)


async def place_cards(session: AsyncSession, cards: dict[int, tuple[str, str]]) -> None:
    """Record each ticket's posted card (ticket id → (channel, ts)); the card's thread becomes the ticket's
    thread unless the ticket already had one (the message it was made from)."""
    rows = [{"ticket_id": ticket_id, "channel": c, "ts": t} for ticket_id, (c, t) in sorted(cards.items())]
    await (await Statements.of(session)).run(_PLACE_CARD, rows)


async def by_thread(session: AsyncSession, channel: str, thread_ts: str) -> Ticket | None:
    statement = select(Ticket).where(col(Ticket.thread_channel) == channel, col(Ticket.thread_ts) == thread_ts)
    return (await session.exec(statement)).first()


async def owned_by(session: AsyncSession, user_id: str, statuses: Iterable[str], limit: int = 50) -> Sequence[Ticket]:
    statement = (
        select(Ticket)
        .where(col(Ticket.owner_id) == user_id, col(Ticket.status).in_(list(statuses)))
        .order_by(col(Ticket.created_at))
        .limit(limit)
    )
    return (await session.exec(statement)).all()


async def in_departments(
    session: AsyncSession,
    department_keys: Iterable[str],
    statuses: Iterable[str],
    limit: int = 50,
) -> Sequence[Ticket]:
    statement = (
        select(Ticket)
        .where(
            col(Ticket.department_key).in_(list(department_keys)),
            col(Ticket.status).in_(list(statuses)),
        )
        .order_by(col(Ticket.created_at))
        .limit(limit)
    )
    return (await session.exec(statement)).all()


async def overdue(
    session: AsyncSession,
    now: datetime,
    *,
    unacknowledged: Iterable[str],
    unresolved: Iterable[str],
    department_keys: Iterable[str] | None = None,
    involving: str | None = None,
    limit: int = 50,
) -> Sequence[Ticket]:
    """Tickets past their acknowledge deadline while unacknowledged, or past resolve while unresolved; all of them,
    or only those in ``department_keys`` or owned or asked for by ``involving`` when either is given.

    Each half matches one (status, due) index, so the scan does not grow with closed history.
    """
    condition = or_(
        and_(col(Ticket.status).in_(list(unacknowledged)), col(Ticket.ack_due_at) <= now),
        and_(col(Ticket.status).in_(list(unresolved)), col(Ticket.resolve_due_at) <= now),
    )
    statement = select(Ticket).where(condition)
    if department_keys is not None or involving is not None:
        # Someone's own view: their departments' tickets, and the ones they own or asked for wherever those are.
        keys = list(department_keys or [])
        mine: list[ColumnElement[bool]] = [col(Ticket.department_key).in_(keys)] if keys else []
        if involving is not None:
            mine += [col(Ticket.owner_id) == involving, col(Ticket.requester_id) == involving]
        statement = statement.where(or_(*mine) if mine else false())
    statement = statement.order_by(col(Ticket.created_at), col(Ticket.id)).limit(limit)
    return (await session.exec(statement)).all()


async def in_statuses(session: AsyncSession, statuses: Iterable[str], limit: int = 50) -> Sequence[Ticket]:
    """Every ticket in one of ``statuses``, oldest first (an admin's list of all open work)."""
    statement = (
        select(Ticket)
        .where(col(Ticket.status).in_(list(statuses)))
        .order_by(col(Ticket.created_at), col(Ticket.id))  # tickets opened in one batch share their moment
        .limit(limit)
    )
    return (await session.exec(statement)).all()


async def requested_by(
    session: AsyncSession, user_id: str, statuses: Iterable[str], limit: int = 20
) -> Sequence[Ticket]:
    statement = (
        select(Ticket)
        .where(col(Ticket.requester_id) == user_id, col(Ticket.status).in_(list(statuses)))
        .order_by(col(Ticket.created_at).desc())
        .limit(limit)
    )
    return (await session.exec(statement)).all()


async def offered_to(session: AsyncSession, user_id: str, limit: int = 20) -> Sequence[Ticket]:
    """Tickets someone asked ``user_id`` to take over, still waiting for an answer."""
    statement = (
        select(Ticket).where(col(Ticket.pending_owner_id) == user_id).order_by(col(Ticket.pending_at)).limit(limit)
    )
    return (await session.exec(statement)).all()


async def needing_attention(
    session: AsyncSession,
    department_keys: Iterable[str],
    now: datetime,
    *,
    unacknowledged: Iterable[str],
    unresolved: Iterable[str],
    limit: int = 20,
) -> Sequence[Ticket]:
    """A department's tickets nobody has acknowledged yet, or that are overdue.

    Every status either half can match is also asked for on its own, so the (department, status) index
    narrows the search to those statuses; with only the ``OR``, SQLite searched on the department alone and read
    its whole closed history (App Home grew with the table).
    """
    unacknowledged, unresolved = list(unacknowledged), list(unresolved)
    condition = or_(
        col(Ticket.status).in_(unacknowledged),
        and_(col(Ticket.status).in_(unresolved), col(Ticket.resolve_due_at) <= now),
    )
    statement = (
        select(Ticket)
        .where(
            col(Ticket.department_key).in_(list(department_keys)),
            col(Ticket.status).in_(sorted({*unacknowledged, *unresolved})),
            condition,
        )
        .order_by(col(Ticket.created_at))
        .limit(limit)
    )
    return (await session.exec(statement)).all()


async def resolved_before(session: AsyncSession, moment: datetime, limit: int = 100) -> Sequence[Ticket]:
    """Resolved tickets with no activity (no comment, no change) since ``moment``, locked for this transaction
    (other replicas skip them)."""
    statement = (
        select(Ticket)
        .where(col(Ticket.status) == "resolved", col(Ticket.resolved_at) <= moment, col(Ticket.updated_at) <= moment)
        .order_by(col(Ticket.resolved_at))
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return (await session.exec(statement)).all()


class DueReminder(NamedTuple):
    """What the reminder tick reads of a ticket whose reminder is due. The whole ticket is read only for the few
    that climb the escalation ladder (:func:`plain_by_ids`): a hundred full rows, a dozen datetimes each, cost
    the tick more than everything it writes."""

    id: int
    key: str
    owner_id: str
    reminder_count: int
    escalation_level: int
    priority: str


_REMINDERS_DUE = (
    select_rows(*(_TICKETS.c[name] for name in DueReminder._fields))
    .where(
        _TICKETS.c.next_reminder_at <= bindparam("now", type_=_TICKETS.c.next_reminder_at.type),
        _TICKETS.c.status.in_(["open", "acknowledged"]),
    )
    .order_by(_TICKETS.c.next_reminder_at)
    .limit(bindparam("limit", type_=Integer))
    .with_for_update(skip_locked=True)
)


async def reminders_due(session: AsyncSession, now: datetime, limit: int = 100) -> list[DueReminder]:
    """Tickets whose next overdue reminder is due, locked for this transaction.

    ``FOR UPDATE SKIP LOCKED``: a ticket someone is changing right now waits for the next tick, and the reminder
    pass never waits on it (replicas also take turns at the pass, ``bot.schedule.turns``, so each person hears once
    a tick; the locks alone would keep each reminder to once). The ``(status, next_reminder_at)`` index reads only
    the due tickets, however many tickets exist or are open.
    """
    result = await (await session.connection()).execute(_REMINDERS_DUE, {"now": now, "limit": limit})
    return [DueReminder._make(row) for row in result]


async def plain_by_ids(session: AsyncSession, ids: Iterable[int]) -> dict[int, Ticket]:
    """Whole tickets by id, as plain instances in no session, made without validation as :func:`new_ticket`
    makes them: for reading (a reminder's card and thread line); a change to one is not written."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    result = await (await session.connection()).execute(select_rows(_TICKETS).where(_TICKETS.c.id.in_(wanted)))
    keys = tuple(result.keys())
    tickets = (_unvalidated(dict(zip(keys, row, strict=True))) for row in result)
    return {ticket.id: ticket for ticket in tickets if ticket.id is not None}


class OverdueLine(NamedTuple):
    """What a reminder says about one overdue ticket."""

    owner_id: str
    key: str
    title: str
    status: str
    ack_due_at: datetime | None
    resolve_due_at: datetime | None
    reminder_count: int
    kind: str  # a consult's reminder says it is a question from another department


class OwnerOverdue(NamedTuple):
    """One owner's overdue tickets for a reminder: how many there are, and the oldest few of them."""

    total: int
    lines: list[OverdueLine]


async def overdue_owned_by(
    session: AsyncSession, user_ids: Iterable[str], now: datetime, per_owner: int
) -> dict[str, OwnerOverdue]:
    """Each of these people's overdue tickets — how many, and the ``per_owner`` oldest (the columns a reminder
    shows). A busy owner can have hundreds; a reminder lists a few and counts the rest. SQLite answers this from
    the (status, due time) indexes, reading only overdue tickets (tests/storage/test_query_plans.py); ranking
    them per owner in SQL (a window function) measured four times slower than counting them here."""
    table = table_of(Ticket)
    condition = or_(
        and_(table.c.status == "open", table.c.ack_due_at <= now),
        and_(table.c.status == "acknowledged", table.c.resolve_due_at <= now),
    )
    statement = (
        select_rows(*(table.c[name] for name in OverdueLine._fields))
        .where(table.c.owner_id.in_(sorted(set(user_ids))), condition)
        .order_by(table.c.created_at, table.c.id)
    )
    totals: Counter[str] = Counter()
    oldest: dict[str, list[OverdueLine]] = defaultdict(list)
    for row in await (await session.connection()).execute(statement):
        line = OverdueLine(*row)
        totals[line.owner_id] += 1
        if totals[line.owner_id] <= per_owner:
            oldest[line.owner_id].append(line)
    return {owner: OwnerOverdue(total, oldest[owner]) for owner, total in totals.items()}


_MAPPER = inspect(Ticket)
_FIELDS = frozenset(Ticket.model_fields)
_DEFAULTS = {
    name: field.default for name, field in Ticket.model_fields.items() if field.default is not PydanticUndefined
}


def _unvalidated(values: dict[str, Any]) -> Ticket:
    """A ticket made the way the ORM makes one from a row: no validation, no change tracking, in no session."""
    if not _MAPPER.configured:  # a fresh process may make one before any query has set the mappers up
        configure_mappers()
    ticket: Ticket = _MAPPER.class_manager.new_instance()
    ticket.__dict__.update(_DEFAULTS)
    ticket.__dict__.update(values)
    return ticket
