"""Which customer a ticket is for, set or corrected by a person: ``/ticket customer KEY <name>`` (a customer of that
name is made when there is none) and the card's *Change customer* form (a customer chosen, a new one, or none).
One change of the ticket: recorded with who and when, said in its thread, and its new customer's account manager
told once."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.errors import BadRequest
from bot.surfaces.text import name_text
from bot.tickets.change import ChangeRunner
from bot.tickets.permissions import Action
from config.customers import name_problem
from storage import customers as customer_rows
from storage.customers import NameTaken, NewCustomer
from storage.models import Customer, Ticket


@dataclass(frozen=True)
class CustomerChoice:
    """What a person chose: a customer by ``name`` (made if there is none), by ``customer_id``, or neither (none)."""

    name: str | None = None
    customer_id: int | None = None


@dataclass(frozen=True)
class CustomerLinked:
    ticket: Ticket
    customer: Customer | None  # None: the ticket has no customer now
    created: bool = False  # the customer was made for this
    keys: list[str] = field(default_factory=list)  # every (folded) name the customer is found by


async def set_customer(flow: ChangeRunner, key: str, actor_id: str, choice: CustomerChoice) -> CustomerLinked:
    name = choice.name.strip() if choice.name is not None else None
    if name is not None and (problem := name_problem(name)):
        raise BadRequest("customers.error.bad_name", problem=problem)
    async with flow.change(key, actor_id, Action.SET_CUSTOMER) as change:
        ticket, session = change.ticket, change.session
        customer: Customer | None = None
        created = False
        if name is not None:
            customer = await customer_rows.find(session, name)
            if customer is None:
                try:
                    customer = await customer_rows.create(session, NewCustomer(name), actor_id, change.now)
                except NameTaken:  # made by someone else a moment ago
                    raise BadRequest("customers.error.unknown") from None
                created = True
        elif choice.customer_id is not None:
            customer = await customer_rows.by_id(session, choice.customer_id)
            if customer is None:
                raise BadRequest("customers.error.unknown")
        shown = change.t("customers.form.no_customer")
        if customer is None and ticket.customer_id is None:
            raise BadRequest("customers.error.none_to_remove", key=ticket.key)
        if customer is not None and customer.id == ticket.customer_id:
            raise BadRequest("customers.error.same", key=ticket.key, customer=customer.name)
        previous = ticket.customer_name if ticket.customer_id is not None else None
        ticket.customer_id = customer.id if customer is not None else None
        ticket.customer_name = customer.name if customer is not None else None
        if customer is not None and customer.stage:
            ticket.lifecycle_stage = customer.stage
        if customer is None:
            await change.add_event(action="customer_unlinked", from_value=previous)
            await change.say("customers.thread.unlinked", previous=name_text(previous) if previous else shown)
            return CustomerLinked(ticket, None)
        await change.add_event(action="customer_linked", from_value=previous, to_value=customer.name)
        line = "customers.thread.changed" if previous else "customers.thread.linked"
        await change.say(line, customer=name_text(customer.name), previous=name_text(previous) if previous else shown)
        manager = customer.manager_id
        if manager and manager not in (actor_id, ticket.owner_id):
            await change.tell(manager, change.messages.for_manager("customers.dm.linked", ticket, actor=actor_id))
        keys = await customer_rows.names_of(session, customer.id or 0)
    return CustomerLinked(ticket, customer, created, keys)
