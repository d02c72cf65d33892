"""Buttons: on the ticket card, in App Home and in DMs (accept/decline a hand-off, confirm/reopen a
resolution), plus the department picker inside the new-ticket form. Each button calls the same service
as its ``/ticket`` subcommand; buttons that need a reason or note open a form first."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.runtime.services import Services
from bot.surfaces.commands import KEY_PATTERN
from bot.surfaces.ids import ActionId, BlockId
from bot.surfaces.views import (
    answer_consult_modal,
    ask_consult_modal,
    decline_consult_modal,
    decline_modal,
    escalate_modal,
    reassign_modal,
    resolve_modal,
)
from bot.tickets.permissions import Action
from bot.tickets.states import Status
from handlers.forms import new_ticket_form, open_form
from handlers.payloads import (
    MalformedPayload,
    clicked_in,
    clicked_ticket,
    dm_prompt,
    form_values,
    mapping,
    metadata,
    selected_option,
    services_of,
    text,
    with_origin,
)


async def _after_click(services: Services, body: dict[str, Any], user: str) -> None:
    """Clicked in App Home: show the changed queue."""
    if clicked_in(body)[2]:
        await services.tickets.publish_home(user)


async def on_acknowledge(ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext) -> None:
    services = services_of(context)
    key, user = clicked_ticket(body)
    await services.workflow.acknowledge(key, user)
    await _after_click(services, body, user)
    await ack()


# Accept, Confirm and Reopen on a DM act only while that DM still asks its question (``bot.tickets.prompts``);
# the change they make settles the DM like every other change of the ticket (``TicketMessenger.settle_prompts``).


async def on_accept_handoff(ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext) -> None:
    services = services_of(context)
    key, user = clicked_ticket(body)
    await services.workflow.accept_handoff(key, user, prompt=dm_prompt(*clicked_in(body)))
    await _after_click(services, body, user)
    await ack()


async def on_confirm(ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext) -> None:
    services = services_of(context)
    key, user = clicked_ticket(body)
    await services.workflow.confirm(key, user, prompt=dm_prompt(*clicked_in(body)))
    await ack()


async def on_reopen(ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext) -> None:
    services = services_of(context)
    key, user = clicked_ticket(body)
    await services.workflow.reopen(key, user, prompt=dm_prompt(*clicked_in(body)))
    await ack()


async def on_resume(ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext) -> None:
    services = services_of(context)
    key, user = clicked_ticket(body)
    await services.workflow.resume(key, user)
    await _after_click(services, body, user)
    await ack()


async def on_pause(ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext) -> None:
    """The card's overflow menu: "waiting on requester" or "blocked" (the option's value is ``kind:KEY``), or
    waiting for one of its consults' answer (``consult:KEY:CONSULT``)."""
    services = services_of(context)
    actions = body.get("actions")
    if not isinstance(actions, list) or not actions:
        raise MalformedPayload("block_actions without actions")
    option = mapping(mapping(actions[0], "action").get("selected_option"), "selected_option")
    kind, _, key = text(option, "value").partition(":")
    key, _, consult = key.partition(":") if kind == "consult" else (key, "", "")
    if kind not in (Status.WAITING.value, Status.BLOCKED.value, "consult") or not KEY_PATTERN.match(key):
        raise MalformedPayload("pause option is not ours")
    if kind == "consult" and not KEY_PATTERN.match(consult):
        raise MalformedPayload("pause option names no consult")
    user = text(mapping(body.get("user"), "user"), "id")
    if consult:
        await services.workflow.wait_for_consult(key.upper(), user, consult.upper())
    else:
        await services.workflow.pause(key.upper(), user, Status(kind))
    await _after_click(services, body, user)
    await ack()


async def on_form_button(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    """Reassign, Escalate, Resolve, Decline, and the consults' Ask, Answer and Decline: check the person may, then
    ask for the reason, note, question or answer."""
    services = services_of(context)
    key, user = clicked_ticket(body)
    action_id = text(mapping(body["actions"][0], "action"), "action_id")
    translator = services.translator
    if action_id == ActionId.REASSIGN.value:
        ticket = await services.workflow.check(key, user, Action.ASSIGN)
        view = reassign_modal(translator, services.workspace, ticket.key, ticket.department_key)
    elif action_id == ActionId.ESCALATE.value:
        ticket = await services.workflow.check(key, user, Action.ESCALATE)
        view = escalate_modal(translator, ticket.key)
    elif action_id == ActionId.RESOLVE.value:
        ticket = await services.workflow.check(key, user, Action.RESOLVE)
        view = resolve_modal(translator, ticket.key)
    elif action_id == ActionId.ASK_CONSULT.value:
        ticket = await services.workflow.check_ask(key, user)
        view = ask_consult_modal(translator, services.workspace, ticket.key, ticket.department_key)
    elif action_id in (ActionId.ANSWER_CONSULT.value, ActionId.DECLINE_CONSULT.value):
        consult, parent = await services.workflow.check_answer(key, user)
        department = services.tickets.messages.department_name(consult.department_key)
        if action_id == ActionId.ANSWER_CONSULT.value:
            view = answer_consult_modal(translator, consult.key, department, parent.key, consult.text)
        else:
            view = decline_consult_modal(translator, consult.key, department)
    else:
        ticket = await services.workflow.check_handoff_answer(key, user, prompt=dm_prompt(*clicked_in(body)))
        view = decline_modal(translator, ticket.key)
    channel, ts, from_home = clicked_in(body)
    view["private_metadata"] = with_origin(view["private_metadata"], channel, ts, from_home)
    await open_form(client, text(body, "trigger_id"), view)
    await ack()


async def on_form_department(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    """The department changed in the new-ticket form: redraw it with who would get the ticket there."""
    services = services_of(context)
    view = mapping(body.get("view"), "view")
    values = form_values(view, as_typed=True)  # drawn again as the person typed it
    department = values.get(BlockId.FORM_DEPARTMENT.value)
    redrawn = await new_ticket_form(
        services,
        title=values.get(BlockId.FORM_TITLE.value) or "",
        description=values.get(BlockId.FORM_DESCRIPTION.value) or "",
        metadata=metadata(view),
        department_key=department if isinstance(department, str) else None,
        initial={
            "priority": values.get(BlockId.FORM_PRIORITY.value),
            "customer": selected_option(view, BlockId.FORM_CUSTOMER.value),
            "stage": values.get(BlockId.FORM_STAGE.value),
            "complaint": bool(values.get(BlockId.FORM_COMPLAINT.value)),
        },
    )
    await client.views_update(view_id=text(view, "id"), hash=text(view, "hash", required=False) or None, view=redrawn)
    await ack()


def register(app: AsyncApp) -> None:
    app.action(ActionId.ACKNOWLEDGE.value)(on_acknowledge)
    app.action(ActionId.ACCEPT_HANDOFF.value)(on_accept_handoff)
    app.action(ActionId.CONFIRM.value)(on_confirm)
    app.action(ActionId.REOPEN.value)(on_reopen)
    app.action(ActionId.RESUME.value)(on_resume)
    app.action(ActionId.PAUSE.value)(on_pause)
    for action in (
        ActionId.REASSIGN,
        ActionId.ESCALATE,
        ActionId.RESOLVE,
        ActionId.DECLINE_HANDOFF,
        ActionId.ASK_CONSULT,
        ActionId.ANSWER_CONSULT,
        ActionId.DECLINE_CONSULT,
    ):
        app.action(action.value)(on_form_button)
    app.action(ActionId.FORM_DEPARTMENT.value)(on_form_department)
