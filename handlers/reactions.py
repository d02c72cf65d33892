"""``reaction_added``: the ticket emoji turns any message the bot can read into a ticket, once."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.runtime.services import Services
from bot.tickets.opening import Source, TicketRequest
from handlers.payloads import is_private_conversation, mapping, optional_text, services_of, text

log = logging.getLogger(__name__)

# Errors that mean "the bot cannot see that message", not "Slack is having trouble".
_UNREADABLE = {"channel_not_found", "not_in_channel", "thread_not_found", "missing_scope", "message_not_found"}


async def fetch_message(client: AsyncWebClient, channel: str, ts: str) -> dict[str, Any] | None:
    """The message at (channel, ts): a top-level one via history, a thread reply via replies.

    Called before any database transaction, so no Slack call ever waits inside one.
    """
    history = await client.conversations_history(channel=channel, latest=ts, inclusive=True, limit=1)
    for message in history.get("messages") or []:
        if message.get("ts") == ts:
            return dict(message)
    # Slack puts the thread parent first whatever the window, so ask for two and pick the one at ts.
    replies = await client.conversations_replies(channel=channel, ts=ts, oldest=ts, latest=ts, inclusive=True, limit=2)
    for message in replies.get("messages") or []:
        if message.get("ts") == ts:
            return dict(message)
    return None


async def on_reaction_added(
    event: dict[str, Any], body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    services = services_of(context)
    event = dict(mapping(event, "event"))
    reaction = text(event, "reaction")
    reactions = services.workspace.reactions
    if reaction not in (reactions.ticket, reactions.escalate):
        return
    item = mapping(event.get("item"), "item")
    if item.get("type") != "message":
        return
    channel, ts, user = text(item, "channel"), text(item, "ts"), text(event, "user")
    event_id = optional_text(body, "event_id")
    if reaction == reactions.escalate:
        await _escalate(services, channel, ts, user, reaction, event_id)
        return
    request = TicketRequest(
        text="",
        requester_id=user,
        source=Source.REACTION,
        origin_channel=channel,
        origin_ts=ts,
        event_id=event_id,
        event_type="reaction_added",
    )
    if await services.tickets.point_to_existing(request):
        return
    try:
        message = await fetch_message(client, channel, ts)
    except SlackApiError as error:
        code = error.response.get("error") if isinstance(error.response.data, dict) else None
        if code in _UNREADABLE:
            log.warning("cannot read message %s/%s for a ticket reaction: %s", channel, ts, code)
            await services.tickets.tell(user, channel, "error.message_unreadable", event_id=event_id)
            return
        raise  # Slack trouble: answer with an error so Slack redelivers the event later
    if message is None:
        log.warning("message %s/%s not found for a ticket reaction", channel, ts)
        await services.tickets.tell(user, channel, "error.message_unreadable", event_id=event_id)
        return
    if not str(message.get("text") or "").strip():
        await services.tickets.tell(user, channel, "reaction.no_text", event_id=event_id)
        return
    parent = message.get("thread_ts")
    await services.tickets.open_ticket(
        TicketRequest(
            text=str(message.get("text") or ""),
            requester_id=user,
            source=Source.REACTION,
            origin_channel=channel,
            origin_ts=ts,
            origin_thread_ts=parent if isinstance(parent, str) and parent != ts else None,
            event_id=event_id,
            event_type="reaction_added",
            private=is_private_conversation(channel),
        )
    )


async def _escalate(services: Services, channel: str, ts: str, user: str, emoji: str, event_id: str | None) -> None:
    """The escalate emoji on a ticket's original message or on its card; any other message is ignored."""
    ticket = await services.tickets.find_by_message(channel, ts)
    if ticket is None:
        return
    reason = services.replies.t("reaction.escalated", emoji=emoji)
    await services.workflow.escalate(ticket.key, user, reason, event_id=event_id)


def register(app: AsyncApp) -> None:
    app.event("reaction_added")(on_reaction_added)
