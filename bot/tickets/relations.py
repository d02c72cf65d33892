"""What a ticket's card and ``/ticket show`` say about its linked work: its related tickets, the ticket it is a
duplicate of, its duplicates, and the people following it. Read for many tickets at once (the cards of one outbox
pass), in a few queries whatever their number."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.surfaces.link_card import LinkedTicket, LinkedWork
from storage import links as link_rows
from storage.links import Follower
from storage.models import Ticket


@dataclass(frozen=True)
class Relations:
    related: tuple[Ticket, ...] = ()  # linked with ``/ticket link``, in the order they were linked
    duplicate_of: Ticket | None = None  # closed as a duplicate of this one
    duplicates: tuple[Ticket, ...] = ()  # closed as duplicates of this one, oldest first
    followers: tuple[Follower, ...] = ()  # the requesters of its duplicates, who hear its outcome

    def __bool__(self) -> bool:
        return bool(self.related or self.duplicate_of or self.duplicates or self.followers)


NONE = Relations()


async def relations_of(session: AsyncSession, tickets: Sequence[Ticket]) -> dict[int, Relations]:
    """Each ticket's :class:`Relations` (tickets with none are left out)."""
    ids = [ticket.id for ticket in tickets if ticket.id is not None]
    if not ids:
        return {}
    related = await link_rows.related_to(session, ids)
    duplicates = await link_rows.duplicates_of(session, ids)
    followers = await link_rows.followers_of(session, ids)
    originals = await link_rows.by_ids(
        session, [ticket.duplicate_of_id for ticket in tickets if ticket.duplicate_of_id is not None]
    )
    found: dict[int, Relations] = {}
    for ticket in tickets:
        if ticket.id is None:
            continue
        relations = Relations(
            related=tuple(related.get(ticket.id, ())),
            duplicate_of=originals.get(ticket.duplicate_of_id) if ticket.duplicate_of_id is not None else None,
            duplicates=tuple(duplicates.get(ticket.id, ())),
            followers=tuple(followers.get(ticket.id, ())),
        )
        if relations:
            found[ticket.id] = relations
    return found


async def relations_of_one(session: AsyncSession, ticket: Ticket) -> Relations:
    return (await relations_of(session, [ticket])).get(ticket.id or 0, NONE)


def linked_work(ticket: Ticket, relations: Relations, department_name: Callable[[str], str]) -> LinkedWork:
    """What ``ticket``'s card shows of its :class:`Relations`. A follower who came from a private ticket is counted
    but not named on a ticket that is not private itself: their request was made where others could not read it."""

    def linked(other: Ticket) -> LinkedTicket:
        return LinkedTicket(other.key, department_name(other.department_key), other.owner_id, other.status)

    named = [f.user_id for f in relations.followers if ticket.is_private or not f.via_private]
    return LinkedWork(
        related=tuple(linked(other) for other in relations.related),
        duplicate_of=linked(relations.duplicate_of) if relations.duplicate_of is not None else None,
        duplicates=tuple(linked(other) for other in relations.duplicates),
        followers=tuple(named),
        unnamed_followers=len(relations.followers) - len(named),
    )


EXPORT_FIELDS = ("duplicate_of", "related", "followers")  # columns ``crossdesk export`` adds for linked work


async def export_columns(session: AsyncSession, tickets: Sequence[Ticket]) -> dict[int, dict[str, str]]:
    """Each ticket's :data:`EXPORT_FIELDS`: the key it is a duplicate of, its related keys and its followers' ids
    (space-separated, empty when none), from one read of each table."""
    keys = {ticket.id: ticket.key for ticket in tickets if ticket.id is not None}
    related: dict[int, list[str]] = {ticket_id: [] for ticket_id in keys}
    for first, second in await link_rows.every_link(session):
        if first in related and second in keys:
            related[first].append(keys[second])
        if second in related and first in keys:
            related[second].append(keys[first])
    followers: dict[int, list[str]] = {ticket_id: [] for ticket_id in keys}
    for ticket_id, user_id in await link_rows.every_follower(session):
        followers.setdefault(ticket_id, []).append(user_id)
    return {
        ticket.id: {
            "duplicate_of": keys.get(ticket.duplicate_of_id, "") if ticket.duplicate_of_id is not None else "",
            "related": " ".join(related[ticket.id]),
            "followers": " ".join(followers[ticket.id]),
        }
        for ticket in tickets
        if ticket.id is not None
    }
