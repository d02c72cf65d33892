"""``message`` events: a top-level human message in an intake channel opens a ticket; a reply in a
ticket's thread is recorded as a comment, and ends the wait of a ticket waiting on its author; a DM to the bot
(``message.im``) answers the ticket waiting on its sender. Bot messages, edits, deletions and other subtypes do
none of these."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext

from bot.runtime.services import Services
from bot.tickets.opening import Source, TicketRequest
from handlers.payloads import is_private_conversation, mapping, optional_text, services_of, text

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
    is_dm = optional_text(event, "channel_type") == "im"
    if thread_ts and thread_ts != ts:
        said = text(event, "text", required=False)
        # The requester answering a ticket that waits on them resumes it; any other reply is a comment.
        answered = await services.workflow.answer_in_thread(
            channel=channel, thread_ts=thread_ts, user_id=user, text=said, ts=ts, event_id=event_id
        )
        if answered is not None:
            return
        commented = await services.tickets.record_comment(
            channel=channel, thread_ts=thread_ts, user_id=user, text=said, ts=ts, event_id=event_id
        )
        if commented is not None or not is_dm:
            return  # a reply in a DM's thread that is no ticket's thread may still answer one (below)
    if is_dm:
        await _answer_by_dm(services, event, user, event_id)
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
            private=is_private_conversation(channel, channel_type=optional_text(event, "channel_type")),
        )
    )


async def _answer_by_dm(services: Services, event: dict[str, Any], user: str, event_id: str | None) -> None:
    """A DM to the bot answers the ticket waiting on its sender; when it cannot be told which (or none waits),
    they are told so, and nothing changes."""
    thread_ts = optional_text(event, "thread_ts")
    ts = text(event, "ts")
    answer = await services.workflow.answer_by_dm(
        channel=text(event, "channel"),
        user_id=user,
        text=text(event, "text", required=False),
        ts=ts,
        thread_ts=thread_ts if thread_ts and thread_ts != ts else None,
        event_id=event_id,
    )
    if answer.ticket is None:
        await services.tickets.tell_text(user, None, services.replies.unclear_answer(answer.waiting), event_id=event_id)


def register(app: AsyncApp) -> None:
    app.event("message")(on_message)
