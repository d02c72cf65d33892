"""Form submissions (``view_submission``): new ticket, hand-off, decline, resolve, escalate, and consults (ask
another department, answer or decline its question).

A missing or blank required field comes back as Slack's inline field error; a refusal (not allowed, wrong
state) replaces the form with a notice saying why — both through the answer to this request. What people
typed reaches the services as Slack text, escaped by ``form_values`` (see :mod:`bot.surfaces.text`).
"""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.errors import BadRequest
from bot.runtime.profiles import readable
from bot.runtime.services import Services
from bot.surfaces.customer_views import chosen
from bot.surfaces.ids import BlockId, CallbackId
from bot.tickets.consults import Question
from bot.tickets.opening import Source, TicketRequest
from handlers.payloads import dm_prompt, form_values, mapping, metadata, services_of, text

# Refusals that are about one field of the form are shown next to that field.
_FIELD_OF_ERROR = {
    "error.handoff_not_member": BlockId.FORM_PERSON,
    "error.handoff_no_department": BlockId.FORM_PERSON,
    "error.handoff_same_owner": BlockId.FORM_PERSON,
    "error.reason_required": BlockId.FORM_REASON,
}


def _user(body: dict[str, Any]) -> str:
    return text(mapping(body.get("user"), "user"), "id")


def _blank(value: Any) -> bool:
    return not isinstance(value, str) or not value.strip()


async def _field_errors(
    ack: AsyncAck, errors: dict[BlockId, str], services: Services | None = None, client: AsyncWebClient | None = None
) -> None:
    """Slack shows a field error as plain text: people by name, no mrkdwn (``services`` to look names up)."""
    if services is not None:
        errors = {block: await readable(services.db, client, text, emphasis=False) for block, text in errors.items()}
    await ack(response_action="errors", errors={block.value: message for block, message in errors.items()})


async def on_new_ticket(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], context: AsyncBoltContext) -> None:
    services = services_of(context)
    values, origin = form_values(view), metadata(view)
    title = values.get(BlockId.FORM_TITLE.value)
    if _blank(title):
        await _field_errors(ack, {BlockId.FORM_TITLE: services.replies.t("form.title_required")})
        return
    assert isinstance(title, str)
    description = values.get(BlockId.FORM_DESCRIPTION.value) or ""
    user = _user(body)
    customer_id, new_customer = chosen(values.get(BlockId.FORM_CUSTOMER.value))
    if new_customer is not None:  # "New customer: …" chosen in the type-ahead
        customer_id = await services.customers.make(new_customer, user)
    result = await services.tickets.open_ticket(
        TicketRequest(
            text=f"{title.strip()}\n\n{description.strip()}".strip(),
            title=title.strip(),
            requester_id=user,
            source=Source.MODAL,
            priority=values.get(BlockId.FORM_PRIORITY.value) or None,
            department_key=values.get(BlockId.FORM_DEPARTMENT.value) or None,
            origin_channel=origin.get("origin_channel"),
            origin_ts=origin.get("origin_ts"),
            origin_thread_ts=origin.get("origin_thread_ts"),
            customer_id=customer_id,
            lifecycle_stage=values.get(BlockId.FORM_STAGE.value) or None,
            is_complaint=bool(values.get(BlockId.FORM_COMPLAINT.value)),
            private=origin.get("private") is True,  # set by the door that opened the form (a command, a shortcut)
        )
    )
    await _confirm(services, user, origin, services.replies.opened(result))
    await ack()


async def on_reassign(
    ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    services = services_of(context)
    values, origin = form_values(view), metadata(view)
    person, reason = values.get(BlockId.FORM_PERSON.value), values.get(BlockId.FORM_REASON.value)
    problems: dict[BlockId, str] = {}
    if _blank(person):
        problems[BlockId.FORM_PERSON] = services.replies.t("error.assignee_invalid")
    if _blank(reason):
        problems[BlockId.FORM_REASON] = services.replies.t("error.reason_required")
    if problems:
        await _field_errors(ack, problems)
        return
    assert isinstance(person, str) and isinstance(reason, str)
    user = _user(body)
    try:
        ticket = await services.workflow.request_handoff(
            text(origin, "key"), user, person, values.get(BlockId.FORM_DEPARTMENT.value) or None, reason
        )
    except BadRequest as refusal:
        field = _FIELD_OF_ERROR.get(refusal.message_key)
        if field is None:
            raise
        await _field_errors(ack, {field: services.replies.error(refusal)}, services, client)
        return
    answer = (
        services.replies.t("command.handoff_taken", key=ticket.key)
        if ticket.pending_owner_id is None
        else services.replies.t("command.handoff_requested", key=ticket.key, owner=ticket.pending_owner_id)
    )
    await _after(services, user, origin, answer)
    await ack()


async def on_decline(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], context: AsyncBoltContext) -> None:
    services = services_of(context)
    values, origin = form_values(view), metadata(view)
    reason = values.get(BlockId.FORM_REASON.value)
    if _blank(reason):
        await _field_errors(ack, {BlockId.FORM_REASON: services.replies.t("error.reason_required")})
        return
    user = _user(body)
    prompt = dm_prompt(origin.get("channel"), origin.get("message_ts"), bool(origin.get("home")))
    await services.workflow.decline_handoff(text(origin, "key"), user, reason, prompt=prompt)
    await _after(services, user, origin, None)
    await ack()


async def on_resolve(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], context: AsyncBoltContext) -> None:
    services = services_of(context)
    values, origin = form_values(view), metadata(view)
    note = values.get(BlockId.FORM_NOTE.value)
    if _blank(note):
        await _field_errors(ack, {BlockId.FORM_NOTE: services.replies.t("error.note_required")})
        return
    user = _user(body)
    ticket = await services.workflow.resolve(text(origin, "key"), user, note)
    await _after(services, user, origin, services.replies.t("command.resolved", key=ticket.key))
    await ack()


async def on_escalate(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], context: AsyncBoltContext) -> None:
    services = services_of(context)
    values, origin = form_values(view), metadata(view)
    user = _user(body)
    ticket = await services.workflow.escalate(text(origin, "key"), user, values.get(BlockId.FORM_REASON.value))
    answer = services.replies.t(
        "command.escalated", key=ticket.key, priority=services.replies.t(f"priority.{ticket.priority}")
    )
    await _after(services, user, origin, answer)
    await ack()


async def on_ask_consult(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], context: AsyncBoltContext) -> None:
    """*Ask another department*: the consult is opened and the asker told its key (by DM, or on App Home)."""
    services = services_of(context)
    values, origin = form_values(view), metadata(view)
    department, question = values.get(BlockId.FORM_DEPARTMENT.value), values.get(BlockId.FORM_QUESTION.value)
    problems: dict[BlockId, str] = {}
    if _blank(department):
        problems[BlockId.FORM_DEPARTMENT] = services.replies.t("consult.form.department")
    if _blank(question):
        problems[BlockId.FORM_QUESTION] = services.replies.t("consult.error.question_required")
    if problems:
        await _field_errors(ack, problems)
        return
    assert isinstance(department, str) and isinstance(question, str)
    user = _user(body)
    asked = await services.workflow.ask(
        Question(
            text(origin, "key"),
            department,
            question,
            user,
            priority=values.get(BlockId.FORM_PRIORITY.value) or None,
            wait=bool(values.get(BlockId.FORM_WAIT.value)),
            source=Source.MODAL,
        )
    )
    await _after(services, user, origin, services.replies.asked(asked))
    await ack()


async def on_answer_consult(
    ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], context: AsyncBoltContext
) -> None:
    services = services_of(context)
    values, origin = form_values(view), metadata(view)
    answer = values.get(BlockId.FORM_ANSWER.value)
    if _blank(answer):
        problem = services.replies.t("consult.error.answer_required", key=text(origin, "key"))
        await _field_errors(ack, {BlockId.FORM_ANSWER: problem})
        return
    user = _user(body)
    asked = await services.workflow.answer(text(origin, "key"), user, answer)
    await _after(services, user, origin, services.replies.answered(asked))
    await ack()


async def on_decline_consult(
    ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], context: AsyncBoltContext
) -> None:
    services = services_of(context)
    values, origin = form_values(view), metadata(view)
    reason = values.get(BlockId.FORM_REASON.value)
    if _blank(reason):
        await _field_errors(ack, {BlockId.FORM_REASON: services.replies.t("error.reason_required")})
        return
    user = _user(body)
    asked = await services.workflow.decline_consult(text(origin, "key"), user, reason)
    await _after(services, user, origin, services.replies.consult_declined(asked))
    await ack()


async def _confirm(services: Services, user: str, origin: dict[str, Any], answer: str) -> None:
    """Tell the person what happened in a DM: a form can be opened from a channel the bot is not in, where
    an ephemeral message could not be delivered."""
    await services.tickets.tell_text(user, None, answer)


async def _after(services: Services, user: str, origin: dict[str, Any], answer: str | None) -> None:
    if origin.get("home"):
        await services.tickets.publish_home(user)
    elif answer:
        await _confirm(services, user, origin, answer)


def register(app: AsyncApp) -> None:
    app.view(CallbackId.NEW_TICKET.value)(on_new_ticket)
    app.view(CallbackId.REASSIGN.value)(on_reassign)
    app.view(CallbackId.DECLINE.value)(on_decline)
    app.view(CallbackId.RESOLVE.value)(on_resolve)
    app.view(CallbackId.ESCALATE.value)(on_escalate)
    app.view(CallbackId.ASK_CONSULT.value)(on_ask_consult)
    app.view(CallbackId.ANSWER_CONSULT.value)(on_answer_consult)
    app.view(CallbackId.DECLINE_CONSULT.value)(on_decline_consult)
