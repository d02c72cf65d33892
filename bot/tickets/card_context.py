"""What a card shows besides its own ticket's row: a consult's parent (with a link to its card), a ticket's open
consults, its linked work (``bot.tickets.relations``), its customer as it is now. The outbox sender reads it for all
the cards it draws in one pass, in the transaction that claims them, so a card shows them as they are when it is
sent, like everything else on it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.surfaces.text import message_link
from bot.tickets.relations import NONE, Relations, relations_of
from bot.tickets.states import ACTIVE_STATUSES
from storage import consults as consult_rows
from storage import customers as customer_rows
from storage.consults import CONSULT
from storage.customers import Summary
from storage.models import Ticket

_OPEN = [status.value for status in ACTIVE_STATUSES]


@dataclass(frozen=True)
class CardRelations:
    parent: Ticket | None = None  # a consult's parent
    parent_link: str | None = None  # the permalink of the parent's card, once it was posted
    consults: tuple[Ticket, ...] = ()  # a ticket's open consults, oldest first
    links: Relations = NONE  # related tickets, duplicates, followers (``bot.tickets.relations``)
    customer: Summary | None = None  # the customer it is for, as it is now (stage, manager, at risk)


class CardRelationsReader:
    """Reads :class:`CardRelations` for the tickets whose cards are drawn; ``workspace_url`` gives the workspace's
    address (``SlackIdentity.url``) for links, ``None`` while it is not known."""

    def __init__(self, workspace_url: Callable[[], str | None] = lambda: None) -> None:
        self.workspace_url = workspace_url

    async def __call__(self, session: AsyncSession, tickets: Sequence[Ticket]) -> dict[int, CardRelations]:
        consults = [ticket for ticket in tickets if ticket.kind == CONSULT and ticket.parent_id is not None]
        others = [ticket.id for ticket in tickets if ticket.kind != CONSULT and ticket.id is not None]
        linked = [ticket for ticket in tickets if ticket.customer_id is not None]
        parents = await consult_rows.by_ids(session, [c.parent_id for c in consults if c.parent_id is not None])
        asked = await consult_rows.consults_of(session, others, _OPEN)
        url = self.workspace_url()
        found: dict[int, CardRelations] = {}
        for consult in consults:
            parent = parents.get(consult.parent_id or 0)
            if consult.id is not None and parent is not None:
                found[consult.id] = CardRelations(parent=parent, parent_link=_card_link(url, parent))
        for ticket_id, lines in asked.items():
            found[ticket_id] = CardRelations(consults=tuple(lines))
        for ticket_id, links in (await relations_of(session, tickets)).items():
            found[ticket_id] = replace(found.get(ticket_id, CardRelations()), links=links)
        wanted = [ticket.customer_id for ticket in linked if ticket.customer_id is not None]
        customers = {c.id: c for c in await customer_rows.summaries_of(session, wanted)}
        for ticket in linked:
            customer = customers.get(ticket.customer_id or 0)
            if ticket.id is not None and customer is not None:
                found[ticket.id] = replace(found.get(ticket.id, CardRelations()), customer=customer)
        return found


def _card_link(url: str | None, ticket: Ticket) -> str | None:
    if not (url and ticket.card_channel and ticket.card_ts):
        return None
    return message_link(url, ticket.card_channel, ticket.card_ts, ticket.thread_ts)
