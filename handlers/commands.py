"""``/ticket``: open a ticket from the command text (or the form without text), or run a subcommand."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.errors import BadRequest
from bot.runtime.services import Services
from bot.surfaces.commands import ParsedCommand, Subcommand, parse_ticket_command
from bot.surfaces.ids import Command
from bot.surfaces.replies import SHOW_EVENTS
from bot.tickets.consults import Asked, Question
from bot.tickets.customer_link import CustomerChoice
from bot.tickets.opening import Source, TicketRequest
from bot.tickets.permissions import Action
from bot.tickets.service import ListScope
from bot.tickets.states import Status
from handlers.forms import new_ticket_form, open_form
from handlers.payloads import is_private_conversation, mapping, services_of, text


async def on_ticket_command(
    ack: AsyncAck, command: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    """Do the work first and answer after it is committed; an error reaches the one error handler."""
    services = services_of(context)
    command = dict(mapping(command, "command"))
    user = text(command, "user_id")
    channel = text(command, "channel_id", required=False)
    private = is_private_conversation(channel, channel_name=text(command, "channel_name", required=False) or None)
    parsed = parse_ticket_command(text(command, "text", required=False))
    if parsed.subcommand == Subcommand.OPEN and not parsed.text and not parsed.usage_key:
        view = await new_ticket_form(
            services,
            metadata={"channel": channel, "private": private},
            initial={"priority": parsed.priority},
        )
        await open_form(client, text(command, "trigger_id"), view)
        await ack()
        return
    answer = await _run(services, parsed, user, private=private)
    await ack(response_type="ephemeral", text=answer)


async def _run(services: Services, parsed: ParsedCommand, user: str, *, private: bool) -> str:
    replies, tickets, workflow = services.replies, services.tickets, services.workflow
    if parsed.usage_key:
        return replies.usage(parsed.usage_key, parsed.subcommand.value, parsed.text)
    match parsed.subcommand:
        case Subcommand.HELP:
            return replies.help()
        case Subcommand.AWAY | Subcommand.BACK:
            away = parsed.subcommand == Subcommand.AWAY
            await tickets.set_away(user, away)
            return replies.t("command.away" if away else "command.back")
        case Subcommand.OPEN:
            result = await tickets.open_ticket(
                TicketRequest(
                    text=parsed.text,
                    requester_id=user,
                    source=Source.COMMAND,
                    priority=parsed.priority,
                    private=private,
                )
            )
            return replies.opened(result)
        case Subcommand.LIST:
            scope = ListScope(parsed.scope) if parsed.scope else tickets.default_scope(user)
            return replies.ticket_list(await tickets.list_tickets(user, scope), scope.value)
        case Subcommand.SHOW:
            assert parsed.key
            return replies.show(await tickets.show(parsed.key, user, latest=SHOW_EVENTS))
        case Subcommand.ACK:
            assert parsed.key
            ticket = await workflow.acknowledge(parsed.key, user)
            return replies.t("command.acknowledged", key=ticket.key)
        case Subcommand.ASSIGN if parsed.unknown_person:
            assert parsed.key
            await workflow.check(parsed.key, user, Action.ASSIGN)  # no such ticket, not allowed: said first
            raise BadRequest("error.person_not_in_workspace", person=parsed.unknown_person)
        case Subcommand.ASSIGN:
            assert parsed.key and parsed.user_id
            ticket = await workflow.request_handoff(parsed.key, user, parsed.user_id, reason=parsed.text or None)
            if ticket.pending_owner_id is None:
                return replies.t("command.handoff_taken", key=ticket.key)
            return replies.t("command.handoff_requested", key=ticket.key, owner=ticket.pending_owner_id)
        case Subcommand.ESCALATE:
            assert parsed.key
            ticket = await workflow.escalate(parsed.key, user, parsed.text or None)
            return replies.t("command.escalated", key=ticket.key, priority=replies.t(f"priority.{ticket.priority}"))
        case Subcommand.CLOSE:
            assert parsed.key
            ticket = await workflow.close(parsed.key, user, parsed.text or None)
            return replies.t(f"command.{ticket.status}", key=ticket.key)
        case Subcommand.ACCEPT:
            assert parsed.key
            ticket = await workflow.accept_handoff(parsed.key, user)
            return replies.t("command.handoff_taken", key=ticket.key)
        case Subcommand.DECLINE:
            assert parsed.key
            declined = await workflow.decline(parsed.key, user, parsed.text or None)
            if isinstance(declined, Asked):  # a consult, declined back to whoever asked
                return replies.consult_declined(declined)
            return replies.t("prompt.declined", key=declined.key)
        case Subcommand.ASK:
            assert parsed.key and parsed.department
            question = Question(parsed.key, parsed.department, parsed.text, user, priority=parsed.priority)
            return replies.asked(await workflow.ask(question))
        case Subcommand.ANSWER:
            assert parsed.key
            return replies.answered(await workflow.answer(parsed.key, user, parsed.text or None))
        case Subcommand.BLOCK if parsed.consult_key:
            assert parsed.key
            asked = await workflow.wait_for_consult(parsed.key, user, parsed.consult_key)
            return replies.t("consult.command.waiting", key=asked.parent.key, consult=asked.consult.key)
        case Subcommand.WAIT | Subcommand.BLOCK:
            assert parsed.key
            target = Status.WAITING if parsed.subcommand == Subcommand.WAIT else Status.BLOCKED
            ticket = await workflow.pause(parsed.key, user, target, parsed.text or None)
            return replies.t("command.paused", key=ticket.key, status=replies.t(f"status.{ticket.status}"))
        case Subcommand.RESUME:
            assert parsed.key
            ticket = await workflow.resume(parsed.key, user)
            return replies.t("command.resumed", key=ticket.key)
        case Subcommand.REOPEN:
            assert parsed.key
            ticket = await workflow.reopen(parsed.key, user, parsed.text or None)
            return replies.t("command.reopened", key=ticket.key, owner=ticket.owner_id)
        case Subcommand.LINK:
            assert parsed.key and parsed.other_key
            linked = await workflow.link(parsed.key, parsed.other_key, user)
            return replies.t("links.command.linked", key=linked.ticket.key, other=linked.other.key)
        case Subcommand.DUPLICATE:
            assert parsed.key and parsed.other_key
            return replies.duplicated(await workflow.duplicate(parsed.key, parsed.other_key, user))
        case Subcommand.CUSTOMER:
            assert parsed.key and parsed.customer
            linked = await services.customers.set_customer(parsed.key, user, CustomerChoice(name=parsed.customer))
            return replies.customer_set(linked)
        case Subcommand.RATE:  # the rating DM's buttons (and its comment), typed
            assert parsed.key and parsed.score is not None
            rated = await workflow.rate(parsed.key, user, parsed.score)
            if parsed.text:
                await workflow.comment_rating(parsed.key, user, parsed.text)
            answer = "rating.command.rated_commented" if parsed.text else "rating.command.rated"
            return replies.t(answer, key=rated.ticket.key, score=rated.score)


def register(app: AsyncApp) -> None:
    app.command(Command.TICKET.value)(on_ticket_command)
