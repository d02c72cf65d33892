"""Queries on linked work: related tickets (``ticket_links``, one row per pair), duplicates (``Ticket.duplicate_of_id``)
and followers (``ticket_followers``: the requesters of duplicates closed into a ticket, who hear its outcome)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import delete, or_, union_all
from sqlalchemy import select as select_rows
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Ticket, TicketFollower, TicketLink, table_of


class Follower(NamedTuple):
    """Someone following a ticket, and whether the duplicate that brought them was private (then their name stays
    off the cards of tickets that are not)."""

    user_id: str
    via_ticket_id: int | None
    via_private: bool


def pair(first_id: int, second_id: int) -> tuple[int, int]:
    """The two ids of a link as it is stored: the lower one first, so a pair has one row whichever way it is
    named."""
    return (first_id, second_id) if first_id < second_id else (second_id, first_id)


async def by_ids(session: AsyncSession, ids: Iterable[int]) -> dict[int, Ticket]:
    """Tickets by id, in one query."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    found = (await session.exec(select(Ticket).where(col(Ticket.id).in_(wanted)))).all()
    return {ticket.id: ticket for ticket in found if ticket.id is not None}


async def is_linked(session: AsyncSession, first_id: int, second_id: int) -> bool:
    low, high = pair(first_id, second_id)
    statement = select(TicketLink.id).where(col(TicketLink.ticket_id) == low, col(TicketLink.other_id) == high)
    return (await session.exec(statement)).first() is not None


def add_link(session: AsyncSession, first_id: int, second_id: int, created_by: str, at: datetime) -> None:
    """Relate two tickets (the caller checked they are not related yet, holding both rows locked)."""
    low, high = pair(first_id, second_id)
    session.add(TicketLink(ticket_id=low, other_id=high, created_by=created_by, created_at=at))


async def related_to(session: AsyncSession, ticket_ids: Iterable[int]) -> dict[int, list[Ticket]]:
    """Each ticket's related tickets, in the order they were linked; two queries whatever the number of tickets."""
    wanted = sorted(set(ticket_ids))
    if not wanted:
        return {}
    statement = (
        select(TicketLink)
        .where(or_(col(TicketLink.ticket_id).in_(wanted), col(TicketLink.other_id).in_(wanted)))
        .order_by(col(TicketLink.id))
    )
    pairs: list[tuple[int, int]] = []
    for link in (await session.exec(statement)).all():
        if link.ticket_id in wanted:
            pairs.append((link.ticket_id, link.other_id))
        if link.other_id in wanted:
            pairs.append((link.other_id, link.ticket_id))
    others = await by_ids(session, [other for _, other in pairs])
    found: dict[int, list[Ticket]] = defaultdict(list)
    for ticket_id, other_id in pairs:
        if other_id in others:
            found[ticket_id].append(others[other_id])
    return dict(found)


async def showing(session: AsyncSession, ticket: Ticket) -> list[int]:
    """The tickets whose cards show ``ticket`` (its key, owner and status): those related to it, its duplicates, and
    the one it is a duplicate of. One statement, each part on an index."""
    if ticket.id is None:
        return []
    links = table_of(TicketLink)
    tickets = table_of(Ticket)
    statement = union_all(
        select_rows(links.c.other_id).where(links.c.ticket_id == ticket.id),
        select_rows(links.c.ticket_id).where(links.c.other_id == ticket.id),
        select_rows(tickets.c.id).where(tickets.c.duplicate_of_id == ticket.id),
    )
    found = [row[0] for row in await (await session.connection()).execute(statement)]
    if ticket.duplicate_of_id is not None:
        found.append(ticket.duplicate_of_id)
    return sorted(set(found))


async def duplicates_of(session: AsyncSession, ticket_ids: Iterable[int]) -> dict[int, list[Ticket]]:
    """Each ticket's duplicates (the tickets closed into it), oldest first."""
    wanted = sorted(set(ticket_ids))
    if not wanted:
        return {}
    statement = (
        select(Ticket).where(col(Ticket.duplicate_of_id).in_(wanted)).order_by(col(Ticket.created_at), col(Ticket.id))
    )
    found: dict[int, list[Ticket]] = defaultdict(list)
    for duplicate in (await session.exec(statement)).all():
        assert duplicate.duplicate_of_id is not None
        found[duplicate.duplicate_of_id].append(duplicate)
    return dict(found)


async def add_follower(
    session: AsyncSession, ticket_id: int, user_id: str, via_ticket_id: int | None, at: datetime
) -> bool:
    """``user_id`` follows the ticket from now on; ``False`` (nothing written) when they already did."""
    statement = select(TicketFollower.user_id).where(
        col(TicketFollower.ticket_id) == ticket_id, col(TicketFollower.user_id) == user_id
    )
    if (await session.exec(statement)).first() is not None:
        return False
    session.add(TicketFollower(ticket_id=ticket_id, user_id=user_id, via_ticket_id=via_ticket_id, added_at=at))
    return True


async def followers_of(session: AsyncSession, ticket_ids: Iterable[int]) -> dict[int, list[Follower]]:
    """Each ticket's followers, in the order they came, with whether the duplicate that brought each was private."""
    wanted = sorted(set(ticket_ids))
    if not wanted:
        return {}
    statement = (
        select(TicketFollower, Ticket.is_private)
        .join(Ticket, col(Ticket.id) == col(TicketFollower.via_ticket_id), isouter=True)
        .where(col(TicketFollower.ticket_id).in_(wanted))
        .order_by(col(TicketFollower.added_at), col(TicketFollower.user_id))
    )
    found: dict[int, list[Follower]] = defaultdict(list)
    for follower, via_private in (await session.exec(statement)).all():
        found[follower.ticket_id].append(Follower(follower.user_id, follower.via_ticket_id, bool(via_private)))
    return dict(found)


async def stop_following_via(session: AsyncSession, via_ticket_id: int) -> list[tuple[int, str]]:
    """Whoever follows a ticket because of the duplicate ``via_ticket_id`` stops (that ticket was reopened: it is its
    own work again); returns the (ticket id, user id) pairs removed."""
    statement = select(TicketFollower).where(col(TicketFollower.via_ticket_id) == via_ticket_id)
    removed = [(row.ticket_id, row.user_id) for row in (await session.exec(statement)).all()]
    if removed:
        await session.exec(delete(TicketFollower).where(col(TicketFollower.via_ticket_id) == via_ticket_id))
    return removed


async def followed_by(
    session: AsyncSession, user_id: str, statuses: Iterable[str], limit: int = 20
) -> Sequence[Ticket]:
    """The tickets ``user_id`` follows (in ``statuses``), newest first: theirs to watch in ``/ticket list`` and App
    Home, as the ones they asked for are. The (user) index finds their few rows among everyone's."""
    statement = (
        select(Ticket)
        .join(TicketFollower, col(TicketFollower.ticket_id) == col(Ticket.id))
        .where(col(TicketFollower.user_id) == user_id, col(Ticket.status).in_(list(statuses)))
        .order_by(col(Ticket.created_at).desc(), col(Ticket.id).desc())
        .limit(limit)
    )
    return (await session.exec(statement)).all()


async def following(session: AsyncSession, ticket_ids: Iterable[int]) -> dict[int, list[str]]:
    """Who follows each of these tickets (user ids only): whether a private one may be shown to someone."""
    return {
        ticket_id: [follower.user_id for follower in followers]
        for ticket_id, followers in (await followers_of(session, ticket_ids)).items()
    }


async def every_link(session: AsyncSession) -> Sequence[tuple[int, int]]:
    """Every pair of related tickets (ids, lower first), in the order they were linked: for the export, which
    writes every ticket and so reads the whole table rather than a list of ids too long for one statement."""
    statement = select(TicketLink.ticket_id, TicketLink.other_id).order_by(col(TicketLink.id))
    return (await session.exec(statement)).all()


async def every_follower(session: AsyncSession) -> Sequence[tuple[int, str]]:
    """Every (ticket id, follower) pair, in the order they came: for the export, as :func:`every_link`."""
    statement = select(TicketFollower.ticket_id, TicketFollower.user_id).order_by(
        col(TicketFollower.added_at), col(TicketFollower.user_id)
    )
    return (await session.exec(statement)).all()
