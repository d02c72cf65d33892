"""Queries on consults: the questions one department asks another about a ticket it keeps (``Ticket.kind``
``consult``, ``Ticket.parent_id`` the ticket asked about), and the tickets waiting on them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from sqlmodel import col, exists, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Ticket

# The values of ``Ticket.kind``.
TICKET = "ticket"
CONSULT = "consult"


async def by_id(session: AsyncSession, ticket_id: int, *, for_update: bool = False) -> Ticket | None:
    """A ticket by its id (a consult's parent, the consult a parent is blocked on); locked with ``for_update``."""
    statement = select(Ticket).where(col(Ticket.id) == ticket_id)
    if for_update:
        statement = statement.with_for_update()
    return (await session.exec(statement)).first()


async def by_ids(session: AsyncSession, ids: Iterable[int]) -> dict[int, Ticket]:
    """Tickets by id, in one query (the parents of the consults whose cards are drawn)."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    found = (await session.exec(select(Ticket).where(col(Ticket.id).in_(wanted)))).all()
    return {ticket.id: ticket for ticket in found if ticket.id is not None}


async def consults_of(
    session: AsyncSession, parent_ids: Iterable[int], statuses: Iterable[str] | None = None
) -> dict[int, list[Ticket]]:
    """Each parent's consults (in ``statuses`` when given), oldest first, in one query on the parent index."""
    wanted = sorted(set(parent_ids))
    if not wanted:
        return {}
    # The kind is checked here, not in SQL: given ``kind = 'consult'``, SQLite (which plans without statistics) would
    # read every consult ever asked through the (kind, created) index instead of these parents' few.
    statement = select(Ticket).where(col(Ticket.parent_id).in_(wanted))
    if statuses is not None:
        statement = statement.where(col(Ticket.status).in_(list(statuses)))
    found: dict[int, list[Ticket]] = defaultdict(list)
    for consult in (await session.exec(statement.order_by(col(Ticket.created_at), col(Ticket.id)))).all():
        if consult.kind == CONSULT and consult.parent_id is not None:
            found[consult.parent_id].append(consult)
    return dict(found)


async def asked_of(
    session: AsyncSession, department_keys: Iterable[str], statuses: Iterable[str], limit: int = 20
) -> Sequence[Ticket]:
    """The consults asked of these departments in ``statuses``, oldest first (App Home's "Asked of your
    department"); the (department, status, created) index finds them."""
    keys = list(department_keys)
    if not keys:
        return []
    statement = (
        select(Ticket)
        .where(
            col(Ticket.department_key).in_(keys),
            col(Ticket.status).in_(list(statuses)),
            col(Ticket.kind) == CONSULT,
        )
        .order_by(col(Ticket.created_at), col(Ticket.id))
        .limit(limit)
    )
    return (await session.exec(statement)).all()


async def owned_waiting_on_consults(
    session: AsyncSession, owner_id: str, statuses: Iterable[str], consult_statuses: Iterable[str], limit: int = 20
) -> Sequence[Ticket]:
    """Tickets ``owner_id`` owns (in ``statuses``) that have a consult in ``consult_statuses``: what they wait for
    from other departments, oldest first."""
    consult = Ticket.__table__.alias("consult")  # type: ignore[attr-defined]
    has_open_consult = exists().where(
        consult.c.parent_id == col(Ticket.id),
        consult.c.kind == CONSULT,
        consult.c.status.in_(list(consult_statuses)),
    )
    statement = (
        select(Ticket)
        .where(col(Ticket.owner_id) == owner_id, col(Ticket.status).in_(list(statuses)), has_open_consult)
        .order_by(col(Ticket.created_at), col(Ticket.id))
        .limit(limit)
    )
    return (await session.exec(statement)).all()
