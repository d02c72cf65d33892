"""``/ticket``: open a ticket from the command text, or run one of its subcommands."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext

from bot.commands import ParsedCommand, Subcommand, parse_ticket_command
from bot.ids import Command
from bot.services import Services
from bot.tickets import ListScope, Source, TicketRequest
from handlers.payloads import mapping, services_of, text


async def on_ticket_command(ack: AsyncAck, command: dict[str, Any], context: AsyncBoltContext) -> None:
    """Do the work first and answer after it is committed; an error reaches the one error handler."""
    services = services_of(context)
    command = dict(mapping(command, "command"))
    user = text(command, "user_id")
    parsed = parse_ticket_command(text(command, "text", required=False))
    answer = await _run(services, parsed, user)
    await ack(response_type="ephemeral", text=answer)


async def _run(services: Services, parsed: ParsedCommand, user: str) -> str:
    replies, tickets = services.replies, services.tickets
    if parsed.usage_key:
        return replies.usage(parsed.usage_key, parsed.subcommand.value, parsed.text)
    match parsed.subcommand:
        case Subcommand.HELP:
            return replies.help()
        case Subcommand.OPEN:
            result = await tickets.open_ticket(
                TicketRequest(text=parsed.text, requester_id=user, source=Source.COMMAND, priority=parsed.priority)
            )
            return replies.opened(result)
        case Subcommand.LIST:
            scope = ListScope(parsed.scope or "mine")
            return replies.ticket_list(await tickets.list_tickets(user, scope), scope.value)
        case Subcommand.SHOW:
            assert parsed.key
            return replies.show(await tickets.history(parsed.key))
        case Subcommand.ACK:
            assert parsed.key
            ticket = await tickets.acknowledge(parsed.key, user)
            return replies.t("command.acknowledged", key=ticket.key)
        case Subcommand.ASSIGN:
            assert parsed.key and parsed.user_id
            ticket = await tickets.assign(parsed.key, user, parsed.user_id)
            return replies.t("command.assigned", key=ticket.key, owner=ticket.owner_id)
        case Subcommand.CLOSE:
            assert parsed.key
            ticket = await tickets.close(parsed.key, user, parsed.text or None)
            return replies.t(f"command.{ticket.status}", key=ticket.key)
        case Subcommand.REOPEN:
            assert parsed.key
            ticket = await tickets.reopen(parsed.key, user)
            return replies.t("command.reopened", key=ticket.key, owner=ticket.owner_id)
        case _:
            return replies.t("usage.not_yet", subcommand=parsed.subcommand.value)


def register(app: AsyncApp) -> None:
    app.command(Command.TICKET.value)(on_ticket_command)
