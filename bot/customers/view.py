"""A customer's card as ``/customer`` and the ticket card's *Customer* button show it: stage, account manager, open
tickets in every department (with owners and due times), the last ten finished, complaints in the last 90 days, and
satisfaction. Read in one transaction; tickets the viewer may not see (private ones) are counted, not shown."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.tickets.states import ACTIVE_STATUSES, Status
from storage import customer_work
from storage.customer_work import Satisfaction
from storage.models import Customer, Ticket

OPEN_SHOWN = 25  # open tickets listed; the rest are counted
FINISHED_SHOWN = 10
COMPLAINT_DAYS = 90
_OPEN = [status.value for status in ACTIVE_STATUSES]
_FINISHED = [Status.RESOLVED.value, Status.CLOSED.value]

# Which of some tickets a person may see (``TicketService.visible``): private ones only for the people they concern.
Visible = Callable[[AsyncSession, str, Sequence[Ticket]], Awaitable[list[Ticket]]]


@dataclass(frozen=True)
class CustomerCard:
    customer: Customer
    open: list[Ticket]  # the oldest ones (at most OPEN_SHOWN) that the viewer may see
    open_hidden: int  # of the oldest ones, private ones the viewer may not see
    open_total: int  # every open ticket, read or not, seen or not
    finished: list[Ticket]  # the last ten resolved or closed, newest first
    complaints: list[Ticket]  # opened in the last 90 days, newest first
    complaints_hidden: int  # of those, private ones the viewer may not see
    satisfaction: Satisfaction


async def read_card(
    session: AsyncSession, customer: Customer, viewer_id: str, now: datetime, visible: Visible
) -> CustomerCard:
    assert customer.id is not None
    open_tickets = await customer_work.open_of(session, customer.id, _OPEN, OPEN_SHOWN)
    total = await customer_work.count_in(session, customer.id, _OPEN)
    finished = await customer_work.finished_of(session, customer.id, _FINISHED, FINISHED_SHOWN)
    complaints = await customer_work.complaints_of(session, customer.id, now - timedelta(days=COMPLAINT_DAYS))
    seen = {t.id for t in await visible(session, viewer_id, [*open_tickets, *finished, *complaints])}
    return CustomerCard(
        customer=customer,
        open=[t for t in open_tickets if t.id in seen],
        open_hidden=sum(1 for t in open_tickets if t.id not in seen),
        open_total=total,
        finished=[t for t in finished if t.id in seen],
        complaints=[t for t in complaints if t.id in seen],
        complaints_hidden=sum(1 for t in complaints if t.id not in seen),
        satisfaction=await customer_work.satisfaction_of(session, customer.id),
    )
