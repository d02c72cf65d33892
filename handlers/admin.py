"""App Home's Admin view: opening it and going back to the queue, its buttons opening forms, and the forms'
submissions — each one service call; check-config's problems answer the form field by field."""

from __future__ import annotations

from collections.abc import Awaitable
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

ADMINS_BUTTONS = (
    ActionId.ADMIN_ADD_DEPARTMENT,
    ActionId.ADMIN_EDIT_INTAKE,
    ActionId.ADMIN_EDIT_SLA,
    ActionId.ADMIN_PICK_CUSTOMER,
)


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


async def _save(
    ack: AsyncAck,
    view: dict[str, Any],
    context: AsyncBoltContext,
    body: dict[str, Any],
    saving: Awaitable[object],
    fallback: str,
) -> None:
    """Await an edit: saved, the form closes and the Admin view shows it; check-config's problems keep the form
    open, field by field."""
    try:
        await saving
    except ConfigError as error:
        await _refuse_fields(ack, error, view, fallback)
        return
    await ack()
    await services_of(context).admin.publish(_user(body))


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


async def _admins_form(body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext, form: str) -> None:
    """A button only admins may use: check, then open its form (``form``: which)."""
    services = services_of(context)
    services.admin.require_admin(_user(body))
    t, workspace = services.translator, services.workspace
    views = {
        ActionId.ADMIN_ADD_DEPARTMENT.value: lambda: department_modal(t, None, full=True),
        ActionId.ADMIN_EDIT_INTAKE.value: lambda: intake_modal(t, list(workspace.intake_channels)),
        ActionId.ADMIN_EDIT_SLA.value: lambda: sla_modal(t, workspace.sla),
        ActionId.ADMIN_PICK_CUSTOMER.value: lambda: customer_pick_modal(t),
    }
    await open_form(client, text(body, "trigger_id"), views[form]())


async def on_admins_button(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    """*Add a department*, *Intake channels*, *SLA policies*, *Edit a customer*."""
    actions = body.get("actions")
    if not isinstance(actions, list) or not actions:
        raise MalformedPayload("block_actions without actions")
    await _admins_form(body, client, context, text(mapping(actions[0], "action"), "action_id"))
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
        owner_groups=[part for word in words(values.get(BlockId.ADMIN_OWNER_GROUPS.value)) for part in word.split()],
        lead_group=(values.get(BlockId.ADMIN_LEAD_GROUP.value) or "").strip() or None,
    )
    user = _user(body)
    await _save(ack, view, context, body, services.admin.edit_department(user, form), BlockId.ADMIN_OWNERS.value)


async def on_intake_submitted(
    ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], context: AsyncBoltContext
) -> None:
    services = services_of(context)
    chosen = form_values(view).get(BlockId.ADMIN_INTAKE.value) or []
    user = _user(body)
    channels = list(chosen) if isinstance(chosen, list) else [chosen]
    await _save(ack, view, context, body, services.admin.edit_intake(user, channels), BlockId.ADMIN_INTAKE.value)


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
    await _save(ack, view, context, body, services.admin.edit_sla(user, durations), sla_block("urgent", "acknowledge"))


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
    await _save(
        ack, view, context, body, services.admin.edit_customer(user, customer_id, fields), BlockId.ADMIN_NAME.value
    )


def register(app: AsyncApp) -> None:
    app.action(ActionId.ADMIN_OPEN.value)(on_admin_open)
    app.action(ActionId.ADMIN_BACK.value)(on_admin_back)
    app.action(ActionId.ADMIN_EDIT_DEPARTMENT.value)(on_edit_department)
    for button in ADMINS_BUTTONS:
        app.action(button.value)(on_admins_button)
    app.view(CallbackId.ADMIN_DEPARTMENT.value)(on_department_submitted)
    app.view(CallbackId.ADMIN_INTAKE.value)(on_intake_submitted)
    app.view(CallbackId.ADMIN_SLA.value)(on_sla_submitted)
    app.view(CallbackId.ADMIN_CUSTOMER_PICK.value)(on_customer_picked)
    app.view(CallbackId.ADMIN_CUSTOMER.value)(on_customer_submitted)
