"""Filling in a row's payload when it is sent, from its ticket as it is then: the card, where it lives, its link.

A row is queued before some of what it needs exists: a new card's text (rendered at send time, so a card held up
by an outage never shows a status the ticket has left), the card's channel and ts (a card update, a line in the
ticket's thread), the link to the card (a DM). The tickets come from one read per pass (:func:`tickets_for`); a
row that needs its card waits (``depends_on``) until the card went out, so the ticket already holds it then. What
a card shows besides its own ticket (its consults, a consult's parent) is read in the same pass, for the cards it
draws, by the reader the sender was given (:data:`ReadRelations`).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, Protocol

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.outbox.slack_calls import UNREACHABLE_CHANNEL, Fail
from bot.surfaces.ids import OutboxPurpose
from bot.surfaces.text import message_link
from bot.tickets.card_context import CardRelations
from bot.tickets.notices import CARD_LINK
from storage import tickets as ticket_rows
from storage.database import Database
from storage.models import Ticket
from storage.outbox import OutboxRow

log = logging.getLogger(__name__)

_LINK_MARKUP = re.compile(r"<" + re.escape(CARD_LINK) + r"\|[^>]*>")


class Cards(Protocol):
    """How a ticket's card looks and where it goes when its own thread cannot be reached (the ticket messenger)."""

    def card_payload(self, ticket: Ticket, related: CardRelations | None = None) -> dict[str, Any]: ...

    def fallback_home(self, ticket: Ticket) -> str: ...


# Reads, for the tickets whose cards a pass draws, what each card shows besides its ticket's row (ticket id → it).
ReadRelations = Callable[[AsyncSession, Sequence[Ticket]], Awaitable[Mapping[int, CardRelations]]]


def renders_card(row: OutboxRow) -> bool:
    """A new ticket's card is queued as where it goes; its text and blocks come from the ticket when it is sent
    (a row queued by an older version carries them already, and is sent as it is)."""
    return row.purpose == OutboxPurpose.CARD.value and "blocks" not in row.payload


def needs_ticket(row: OutboxRow) -> bool:
    """Whether filling in ``row`` reads its ticket."""
    return (
        row.purpose in (OutboxPurpose.CARD_UPDATE.value, OutboxPurpose.THREAD_NOTE.value)
        or renders_card(row)
        or _links_card(row, row.payload)
    )


def draws_card(row: OutboxRow) -> bool:
    """A new card or a card's update: drawn from its ticket when sent."""
    return row.ticket_id is not None and (row.purpose == OutboxPurpose.CARD_UPDATE.value or renders_card(row))


async def tickets_for(
    session: AsyncSession, rows: list[OutboxRow], relations: ReadRelations | None = None
) -> tuple[dict[int, Ticket], Mapping[int, CardRelations]]:
    """The tickets the rows' payloads are filled in from (card, thread, link), read in one statement, and what
    the cards drawn show besides them (read by ``relations``, when given)."""
    wanted = {row.ticket_id for row in rows if row.ticket_id is not None and needs_ticket(row)}
    if not wanted:
        return {}, {}
    found = (await session.exec(select(Ticket).where(col(Ticket.id).in_(wanted)))).all()
    tickets = {ticket.id: ticket for ticket in found if ticket.id is not None}
    drawn = {row.ticket_id for row in rows if draws_card(row)}
    if relations is None or not drawn:
        return tickets, {}
    return tickets, await relations(session, [ticket for i, ticket in tickets.items() if i in drawn])


def prepare(
    row: OutboxRow,
    tickets: dict[int, Ticket],
    cards: Cards,
    workspace_url: str | None,
    related: Mapping[int, CardRelations] | None = None,
) -> dict[str, Any]:
    """The payload to send for ``row``: a copy of the queued one, with what was unknown then filled in (a new card's
    text and blocks, a card update's channel and ts and its current look, a thread line's thread, the card's link).
    ``related`` holds what the cards of the pass show besides their tickets (:data:`ReadRelations`).
    Raises :class:`Fail` when that cannot be known any more (the ticket is gone, its card was never posted)."""
    payload = dict(row.payload)
    needs_link = _links_card(row, payload)
    fills_in = row.purpose in (OutboxPurpose.CARD_UPDATE.value, OutboxPurpose.THREAD_NOTE.value)
    renders = renders_card(row)
    if not (needs_link or fills_in or renders) or row.ticket_id is None:
        return payload
    ticket = tickets.get(row.ticket_id)
    if ticket is None:
        raise Fail(f"ticket {row.ticket_id} no longer exists")
    relations = (related or {}).get(row.ticket_id)
    if renders:
        payload.update(cards.card_payload(ticket, relations))
    elif row.purpose == OutboxPurpose.CARD_UPDATE.value:
        if not (ticket.card_channel and ticket.card_ts):
            raise Fail(f"{ticket.key} has no card to update (posting it failed)")
        # The ticket as it is when the update is sent, not as it was when queued: a delayed (rate-limited,
        # retried) update can then never leave an older state on the card.
        payload["channel"], payload["ts"] = ticket.card_channel, ticket.card_ts
        payload.update(cards.card_payload(ticket, relations))
    elif row.purpose == OutboxPurpose.THREAD_NOTE.value:
        channel, thread_ts = ticket.thread_channel or ticket.card_channel, ticket.thread_ts or ticket.card_ts
        if not (channel and thread_ts):
            raise Fail(f"{ticket.key} has no thread to write in")
        payload["channel"], payload["thread_ts"] = channel, thread_ts
    if needs_link:
        link = None
        if workspace_url and ticket.card_channel and ticket.card_ts:
            link = message_link(workspace_url, ticket.card_channel, ticket.card_ts, ticket.thread_ts)
        payload = _filled_link(payload, link)
    return payload


def place_card(ticket: Ticket, channel: str, ts: str) -> None:
    """The card is posted: it is the ticket's card, and its thread unless the ticket already had one. Later rows of
    the ticket in the same pass read it from here (the database learns it with the pass's outcomes)."""
    ticket.card_channel, ticket.card_ts = channel, ts
    if ticket.thread_ts is None:
        ticket.thread_channel, ticket.thread_ts = channel, ts


async def card_fallback(
    db: Database, cards: Cards, row: OutboxRow, payload: dict[str, Any], failure: Fail, tickets: dict[int, Ticket]
) -> dict[str, Any] | None:
    """Where a card goes when its thread cannot be reached (the bot is not in that channel, or it is a DM
    Slack offered a shortcut in): the department's channel. The ticket then lives in the card's own thread."""
    if row.purpose != OutboxPurpose.CARD.value or failure.code not in UNREACHABLE_CHANNEL or row.ticket_id is None:
        return None
    async with db.transaction() as session:
        ticket = await session.get(Ticket, row.ticket_id)
        if ticket is None:
            return None
        home = cards.fallback_home(ticket)
        if home == payload.get("channel"):
            return None
        ticket.thread_channel = ticket.thread_ts = None  # the card's own thread becomes the ticket's thread
        ticket_rows.save(session, ticket)
    tickets[row.ticket_id] = ticket
    log.warning(
        "card for %s could not go to %s (%s); posting it in %s",
        ticket.key,
        payload.get("channel"),
        failure.code,
        home,
    )
    fallback = {key: value for key, value in payload.items() if key != "thread_ts"}
    fallback["channel"] = home
    return fallback


def _links_card(row: OutboxRow, payload: dict[str, Any]) -> bool:
    """Whether the payload carries the card-link placeholder (in its text, or anywhere in its blocks). The card
    itself never links to itself, and its blocks are the largest there are, so they are not searched."""
    if row.purpose in (OutboxPurpose.CARD.value, OutboxPurpose.CARD_UPDATE.value):
        return False
    return _mentions_link(payload.get("text")) or _mentions_link(payload.get("blocks"))


def _mentions_link(value: Any) -> bool:
    if isinstance(value, str):
        return CARD_LINK in value
    if isinstance(value, dict):
        return any(_mentions_link(item) for item in value.values())
    if isinstance(value, list):
        return any(_mentions_link(item) for item in value)
    return False


def _filled_link(value: Any, link: str | None) -> Any:
    """``value`` with the card-link placeholder replaced by ``link`` in every string; without a link (the card
    could not be posted) the "<link|Open the ticket>" markup is dropped entirely. A copy where anything
    changes: the row's payload stays as it was queued."""
    if isinstance(value, str):
        if CARD_LINK not in value:
            return value
        return value.replace(CARD_LINK, link) if link else _LINK_MARKUP.sub("", value)
    if isinstance(value, dict):
        return {key: _filled_link(item, link) for key, item in value.items()}
    if isinstance(value, list):
        return [_filled_link(item, link) for item in value]
    return value
