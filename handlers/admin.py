"""App Home's Admin view: opening it and going back to the queue, its buttons opening forms, and the forms'
submissions — each one service call; check-config's problems answer the form field by field."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.admin.edits import DepartmentForm, problems_by_field, words
from bot.surfaces.admin_forms import (
    SLA_PARTS,
    SLA_PRIORITIES,
    customer_modal,
    customer_pick_modal,
    department_modal,
    intake_modal,
    sla_block,
    sla_modal,
)
from bot.surfaces.customer_views import chosen
from bot.surfaces.ids import ActionId, BlockId, CallbackId
from config.loader import ConfigError
from handlers.forms import open_form
from handlers.payloads import MalformedPayload, form_values, mapping, metadata, services_of, text

_DEPARTMENT_FIELDS = [
    BlockId.ADMIN_KEY.value,
    BlockId.ADMIN_NAME.value,
    BlockId.ADMIN_CHANNEL.value,
    BlockId.ADMIN_LEAD.value,
    BlockId.ADMIN_OWNERS.value,
    BlockId.ADMIN_KEYWORDS.value,
]


def _user(body: dict[str, Any]) -> str:
    return text(mapping(body.get("user"), "user"), "id")


def _clicked_value(body: dict[str, Any]) -> str:
    actions = body.get("actions")
    if not isinstance(actions, list) or not actions:
        raise MalformedPayload("block_actions without actions")
    return text(mapping(actions[0], "action"), "value")


async def _refuse_fields(ack: AsyncAck, error: ConfigError, view: dict[str, Any], fallback: str) -> None:
    """The form stays open with each problem under the field it is about; nothing was changed."""
    present = [block.get("block_id") for block in view.get("blocks", []) if block.get("type") == "input"]
    fields = [field for field in present if isinstance(field, str)]
    grouped = problems_by_field(error, fields, fallback if fallback in fields else fields[0])
    await ack(response_action="errors", errors={field: "; ".join(lines)[:300] for field, lines in grouped.items()})


async def on_admin_open(ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext) -> None:
    await ack()
    await services_of(context).admin.publish(_user(body))


async def on_admin_back(ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext) -> None:
    await ack()
    await services_of(context).tickets.publish_home(_user(body))


async def on_edit_department(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    services = services_of(context)
    department, full = services.admin.department_form(_user(body), _clicked_value(body))
    await open_form(client, text(body, "trigger_id"), department_modal(services.translator, department, full=full))
    await ack()


async def on_add_department(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    services = services_of(context)
    services.admin.require_admin(_user(body))
    await open_form(client, text(body, "trigger_id"), department_modal(services.translator, None, full=True))
    await ack()


async def on_edit_intake(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    services = services_of(context)
    services.admin.require_admin(_user(body))
    view = intake_modal(services.translator, list(services.workspace.intake_channels))
    await open_form(client, text(body, "trigger_id"), view)
    await ack()


async def on_edit_sla(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext) -> None:
    services = services_of(context)
    services.admin.require_admin(_user(body))
    await open_form(client, text(body, "trigger_id"), sla_modal(services.translator, services.workspace.sla))
    await ack()


async def on_department_submitted(
    ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], context: AsyncBoltContext
) -> None:
    services = services_of(context)
    values, origin = form_values(view, as_typed=True), metadata(view)
    new = bool(origin.get("new"))
    key = (values.get(BlockId.ADMIN_KEY.value) or "").strip() if new else text(origin, "key")
    owners = values.get(BlockId.ADMIN_OWNERS.value) or []
    form = DepartmentForm(
        key=key,
        owners=list(owners) if isinstance(owners, list) else [owners],
        keywords=words(values.get(BlockId.ADMIN_KEYWORDS.value)),
        name=(values.get(BlockId.ADMIN_NAME.value) or "").strip() or None,
        channel=values.get(BlockId.ADMIN_CHANNEL.value),
        lead=values.get(BlockId.ADMIN_LEAD.value),
        new=new,
    )
    user = _user(body)
    try:
        await services.admin.edit_department(user, form)
    except ConfigError as error:
        await _refuse_fields(ack, error, view, BlockId.ADMIN_OWNERS.value)
        return
    await ack()
    await services.admin.publish(user)


async def on_intake_submitted(
    ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], context: AsyncBoltContext
) -> None:
    services = services_of(context)
    chosen = form_values(view).get(BlockId.ADMIN_INTAKE.value) or []
    user = _user(body)
    try:
        await services.admin.edit_intake(user, list(chosen) if isinstance(chosen, list) else [chosen])
    except ConfigError as error:
        await _refuse_fields(ack, error, view, BlockId.ADMIN_INTAKE.value)
        return
    await ack()
    await services.admin.publish(user)


async def on_sla_submitted(
    ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], context: AsyncBoltContext
) -> None:
    services = services_of(context)
    values = form_values(view, as_typed=True)
    durations = {
        priority: {part: (values.get(sla_block(priority, part)) or "").strip() for part in SLA_PARTS}
        for priority in SLA_PRIORITIES
    }
    user = _user(body)
    try:
        await services.admin.edit_sla(user, durations)
    except ConfigError as error:
        await _refuse_fields(ack, error, view, sla_block("urgent", "acknowledge"))
        return
    await ack()
    await services.admin.publish(user)


async def on_pick_customer(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    services = services_of(context)
    services.admin.require_admin(_user(body))
    await open_form(client, text(body, "trigger_id"), customer_pick_modal(services.translator))
    await ack()


async def on_customer_picked(
    ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], context: AsyncBoltContext
) -> None:
    """The customer chosen (or a new name typed): the form turns into that customer's form."""
    services = services_of(context)
    user = _user(body)
    services.admin.require_admin(user)
    customer_id, name = chosen(form_values(view).get(BlockId.FORM_CUSTOMER.value))
    if customer_id is None and name is None:
        missing = services.translator.t("admin.customer_pick_missing")
        await ack(response_action="errors", errors={BlockId.FORM_CUSTOMER.value: missing})
        return
    if customer_id is None:
        customer_id = await services.customers.make(name or "", user)
    customer = await services.customers.get(customer_id)
    await ack(response_action="update", view=customer_modal(services.translator, customer))


async def on_customer_submitted(
    ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], context: AsyncBoltContext
) -> None:
    services = services_of(context)
    values, origin = form_values(view, as_typed=True), metadata(view)
    customer_id = origin.get("customer_id")
    if not isinstance(customer_id, int):
        raise MalformedPayload("the customer form names no customer")
    fields = {
        "name": values.get(BlockId.ADMIN_NAME.value) or "",
        "aliases": words(values.get(BlockId.ADMIN_ALIASES.value)),
        "stage": values.get(BlockId.ADMIN_STAGE.value),
        "manager": values.get(BlockId.ADMIN_MANAGER.value),
    }
    user = _user(body)
    try:
        await services.admin.edit_customer(user, customer_id, fields)
    except ConfigError as error:
        await _refuse_fields(ack, error, view, BlockId.ADMIN_NAME.value)
        return
    await ack()
    await services.admin.publish(user)


def register(app: AsyncApp) -> None:
    app.action(ActionId.ADMIN_OPEN.value)(on_admin_open)
    app.action(ActionId.ADMIN_BACK.value)(on_admin_back)
    app.action(ActionId.ADMIN_EDIT_DEPARTMENT.value)(on_edit_department)
    app.action(ActionId.ADMIN_ADD_DEPARTMENT.value)(on_add_department)
    app.action(ActionId.ADMIN_EDIT_INTAKE.value)(on_edit_intake)
    app.action(ActionId.ADMIN_EDIT_SLA.value)(on_edit_sla)
    app.view(CallbackId.ADMIN_DEPARTMENT.value)(on_department_submitted)
    app.view(CallbackId.ADMIN_INTAKE.value)(on_intake_submitted)
    app.view(CallbackId.ADMIN_SLA.value)(on_sla_submitted)
    app.action(ActionId.ADMIN_PICK_CUSTOMER.value)(on_pick_customer)
    app.view(CallbackId.ADMIN_CUSTOMER_PICK.value)(on_customer_picked)
    app.view(CallbackId.ADMIN_CUSTOMER.value)(on_customer_submitted)
