"""Customers as people reach them from Slack: the type-ahead's choices, a ticket's customer set or corrected (the
verb is ``bot.tickets.customer_link``), a new customer made from a form. Whatever changes a customer is taken into
this process's :class:`CustomerDirectory` at once, so the next ticket that names it is linked."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from bot.customers.directory import CustomerDirectory
from bot.customers.view import CustomerCard, read_card
from bot.errors import BadRequest
from bot.surfaces.customer_views import Choice
from bot.surfaces.text import name_text, to_plain
from bot.tickets import customer_link
from bot.tickets.change import ChangeRunner, parties_in
from bot.tickets.customer_link import CustomerChoice, CustomerLinked
from bot.tickets.permissions import Action, require
from bot.tickets.service import TicketService
from config.customers import CustomerSeed, fold_name, name_problem
from config.explain import schema_message
from config.loader import ConfigError, ConfigProblem
from storage import customers as customer_rows
from storage.customers import NameTaken, NewCustomer, Summary
from storage.database import Database
from storage.models import Customer, Ticket

CHOICES = 20  # customers offered for what was typed


def summary_of(customer: Customer) -> Summary:
    assert customer.id is not None
    return Summary(customer.id, customer.name, customer.stage, customer.manager_id, customer.at_risk_since is not None)


class CustomerService:
    def __init__(self, db: Database, directory: CustomerDirectory, flow: ChangeRunner, tickets: TicketService) -> None:
        self.db = db
        self.directory = directory
        self.flow = flow
        self.tickets = tickets

    async def card(self, name: str, viewer_id: str) -> CustomerCard:
        """``/customer <name>``: the card of the customer with that name or alias; else the ones it could be."""
        typed = to_plain(name, emphasis=False).strip()
        async with self.db.read() as session:
            customer = await customer_rows.find(session, typed)
            if customer is None:
                close = await customer_rows.search(session, typed, 5)
                if close:
                    names = ", ".join(name_text(c.name) for c in close)
                    raise BadRequest("customers.page.not_found_close", name=name_text(typed), names=names)
                raise BadRequest("customers.error.not_found", name=name_text(typed))
            return await read_card(session, customer, viewer_id, self.flow.clock.now(), self.tickets.visible)

    async def card_of_ticket(self, key: str, viewer_id: str) -> CustomerCard:
        """The *Customer* button on ticket ``key``'s card: its customer's card."""
        async with self.db.read() as session:
            ticket = await self.flow.load(session, key, for_update=False)
            customer = await customer_rows.by_id(session, ticket.customer_id) if ticket.customer_id else None
            if customer is None:
                raise BadRequest("customers.error.none_to_remove", key=ticket.key)
            return await read_card(session, customer, viewer_id, self.flow.clock.now(), self.tickets.visible)

    async def choices(self, typed: str) -> list[Choice]:
        """The customers one of whose names starts with ``typed``; an alias that matched is shown beside the name."""
        async with self.db.read() as session:
            found = await customer_rows.search(session, typed, CHOICES)
        prefix = fold_name(typed)
        return [
            Choice(
                customer.id or 0,
                customer.name,
                next((a for a in customer.aliases if prefix and fold_name(a).startswith(prefix)), None)
                if prefix and not fold_name(customer.name).startswith(prefix)
                else None,
            )
            for customer in found
        ]

    async def set_customer(self, key: str, actor_id: str, choice: CustomerChoice) -> CustomerLinked:
        """Link ticket ``key`` to the customer chosen (made when new), or to none; names arrive as Slack text."""
        if choice.name is not None:
            choice = CustomerChoice(name=to_plain(choice.name, emphasis=False))
        linked = await customer_link.set_customer(self.flow, key, actor_id, choice)
        if linked.customer is not None:
            self.directory.learn(summary_of(linked.customer), linked.keys)
        return linked

    async def check_set(self, key: str, actor_id: str) -> tuple[Ticket, Choice | None]:
        """Refuse before the *Change customer* form opens, as saving it would; the ticket and its customer now."""
        async with self.db.read() as session:
            ticket = await self.flow.load(session, key, for_update=False)
            who = await parties_in(session, ticket)
        require(actor_id, Action.SET_CUSTOMER, who, self.flow.workspace)
        current = None
        if ticket.customer_id is not None:
            current = Choice(ticket.customer_id, ticket.customer_name or "")
        return ticket, current

    async def get(self, customer_id: int) -> Customer:
        async with self.db.read() as session:
            customer = await customer_rows.by_id(session, customer_id)
        if customer is None:
            raise BadRequest("customers.error.unknown")
        return customer

    async def edit(self, customer_id: int, actor_id: str, fields: dict[str, Any]) -> Customer:
        """Change a customer's name, aliases, stage and account manager (the Admin view's form), each change
        recorded with who and when. ``fields`` are checked as the workspace file's ``customers:`` entries are
        (:class:`CustomerSeed`); a problem raises :class:`ConfigError` naming the field, and nothing changes."""
        try:
            seed = CustomerSeed.model_validate(fields)
        except ValidationError as error:
            problems = [
                ConfigProblem("Slack", None, str(detail["loc"][0]) if detail["loc"] else "name", schema_message(detail))
                for detail in error.errors(include_url=False)
            ]
            raise ConfigError(problems) from None
        now = self.flow.clock.now()
        async with self.db.transaction() as session:
            customer = await customer_rows.by_id(session, customer_id, for_update=True)
            if customer is None:
                raise BadRequest("customers.error.unknown")
            wanted = (
                ("name", seed.name),
                ("aliases", seed.aliases),
                ("stage", seed.stage),
                ("manager_id", seed.manager),
            )
            try:
                for field, value in wanted:
                    await customer_rows.change(session, customer, field, value, actor_id, now)
            except NameTaken as taken:
                field = "name" if fold_name(taken.name) == fold_name(seed.name) else "aliases"
                raise ConfigError([ConfigProblem("Slack", None, field, str(taken))]) from None
            keys = await customer_rows.names_of(session, customer_id)
        self.directory.learn(summary_of(customer), keys)
        return customer

    async def make(self, name: str, actor_id: str) -> int:
        """The customer called ``name`` (plain text), made when there is none: the form's "New customer" choice."""
        problem = name_problem(name)
        if problem:
            raise BadRequest("customers.error.bad_name", problem=problem)
        async with self.db.transaction() as session:
            customer = await customer_rows.find(session, name)
            if customer is None:
                try:
                    new = NewCustomer(name.strip())
                    customer = await customer_rows.create(session, new, actor_id, self.flow.clock.now())
                except NameTaken:
                    raise BadRequest("customers.error.unknown") from None
            keys = await customer_rows.names_of(session, customer.id or 0)
        self.directory.learn(summary_of(customer), keys)
        assert customer.id is not None
        return customer.id
