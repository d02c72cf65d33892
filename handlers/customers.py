"""Customers in Slack: the type-ahead's options (``block_suggestion``), *Change customer* on a card (the form and its
submission), *Customer* on a card and ``/customer`` (the customer's own card)."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.surfaces.customer_page import customer_message, customer_modal
from bot.surfaces.customer_views import change_customer_modal, chosen, customer_options
from bot.surfaces.ids import ActionId, BlockId, CallbackId, Command
from bot.tickets.customer_link import CustomerChoice
from handlers.forms import open_form
from handlers.payloads import clicked_in, clicked_ticket, form_values, mapping, metadata, services_of, text, with_origin


async def on_customer_options(ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext) -> None:
    """What was typed into a customer field so far → the customers it could be, and a new one of that name."""
    services = services_of(context)
    typed = text(body, "value", required=False)[:200]
    found = await services.customers.choices(typed)
    await ack(options=customer_options(services.translator, found, typed))


async def on_change_customer(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    """*Change customer*: check the person may, then the form with the customer now."""
    services = services_of(context)
    key, user = clicked_ticket(body)
    ticket, current = await services.customers.check_set(key, user)
    view = change_customer_modal(services.translator, ticket.key, current)
    view["private_metadata"] = with_origin(view["private_metadata"], *clicked_in(body))
    await open_form(client, text(body, "trigger_id"), view)
    await ack()


async def on_change_customer_submitted(
    ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], context: AsyncBoltContext
) -> None:
    services = services_of(context)
    values, origin = form_values(view), metadata(view)
    customer_id, name = chosen(values.get(BlockId.FORM_CUSTOMER.value))
    user = text(mapping(body.get("user"), "user"), "id")
    linked = await services.customers.set_customer(text(origin, "key"), user, CustomerChoice(name, customer_id))
    answer = services.replies.customer_set(linked)
    if origin.get("home"):
        await services.tickets.publish_home(user)
    else:
        await services.tickets.tell_text(user, None, answer)
    await ack()


async def on_customer_command(ack: AsyncAck, command: dict[str, Any], context: AsyncBoltContext) -> None:
    """``/customer <name>``: the customer's card, just for the person asking."""
    services = services_of(context)
    command = dict(mapping(command, "command"))
    name = text(command, "text", required=False).strip()
    if not name:
        await ack(response_type="ephemeral", text=services.replies.t("customers.usage.command"))
        return
    card = await services.customers.card(name, text(command, "user_id"))
    await ack(response_type="ephemeral", **customer_message(card, services.tickets.messages, services.clock.now()))


async def on_show_customer(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    """*Customer* on a ticket's card: the customer's card in a modal."""
    services = services_of(context)
    key, user = clicked_ticket(body)
    card = await services.customers.card_of_ticket(key, user)
    await open_form(
        client, text(body, "trigger_id"), customer_modal(card, services.tickets.messages, services.clock.now())
    )
    await ack()


async def on_customer_view_closed(ack: AsyncAck) -> None:
    """The customer's card has no submit button; a submission cannot come, but is answered all the same."""
    await ack()


def register(app: AsyncApp) -> None:
    app.options(ActionId.CUSTOMER_SELECT.value)(on_customer_options)
    app.action(ActionId.CHANGE_CUSTOMER.value)(on_change_customer)
    app.view(CallbackId.CHANGE_CUSTOMER.value)(on_change_customer_submitted)
    app.command(Command.CUSTOMER.value)(on_customer_command)
    app.action(ActionId.SHOW_CUSTOMER.value)(on_show_customer)
    app.view(CallbackId.CUSTOMER.value)(on_customer_view_closed)
