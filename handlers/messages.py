"""``message`` events: a top-level human message in an intake channel opens a ticket; a reply in a
ticket's thread is recorded as a comment. Bot messages, edits, deletions and other subtypes do neither."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext

from bot.tickets import Source, TicketRequest
from handlers.payloads import mapping, optional_text, services_of, text

log = logging.getLogger(__name__)

# Subtypes that are still a person writing in a thread; anything else (edits, joins, deletions) is not.
_COMMENT_SUBTYPES = {None, "thread_broadcast", "file_share"}


async def on_message(event: dict[str, Any], body: dict[str, Any], context: AsyncBoltContext) -> None:
    services = services_of(context)
    event = dict(mapping(event, "event"))
    if event.get("bot_id") or (event.get("app_id") and not event.get("user")):
        return
    subtype = optional_text(event, "subtype")
    if subtype not in _COMMENT_SUBTYPES:
        return
    channel = text(event, "channel")
    ts = text(event, "ts")
    user = text(event, "user")
    thread_ts = optional_text(event, "thread_ts")
    event_id = optional_text(body, "event_id")
    if thread_ts and thread_ts != ts:
        await services.tickets.record_comment(
            channel=channel,
            thread_ts=thread_ts,
            user_id=user,
            text=text(event, "text", required=False),
            ts=ts,
            event_id=event_id,
        )
        return
    # A message with a screenshot (file_share) is still a person asking for help.
    if subtype not in (None, "file_share") or channel not in services.workspace.intake_channels:
        return
    message_text = text(event, "text", required=False)
    if not message_text.strip():
        log.info("ignoring an empty message in intake channel %s", channel)
        return
    await services.tickets.open_ticket(
        TicketRequest(
            text=message_text,
            requester_id=user,
            source=Source.MESSAGE,
            origin_channel=channel,
            origin_ts=ts,
            event_id=event_id,
            event_type="message",
        )
    )


def register(app: AsyncApp) -> None:
    app.event("message")(on_message)
