"""Cross-cutting steps every request goes through before a listener: event deduplication."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from handlers.payloads import services_of

log = logging.getLogger(__name__)


async def skip_processed_events(
    context: AsyncBoltContext, body: dict[str, Any], req: AsyncBoltRequest, next: Callable[[], Awaitable[None]]
) -> BoltResponse | None:
    """Answer a redelivered event at once, without running its listener again.

    The event id is written by the service in the same transaction as the event's effects, so this
    check is the fast path; a duplicate racing past it still loses on the primary key.
    """
    event_id = body.get("event_id") if body.get("type") == "event_callback" else None
    if isinstance(event_id, str) and event_id and await services_of(context).tickets.event_seen(event_id):
        retry = req.headers.get("x-slack-retry-num", ["0"])[0]
        log.info("event %s already handled (Slack retry %s); answering without redoing it", event_id, retry)
        return BoltResponse(status=200, body="")
    await next()
    return None


def register(app: AsyncApp) -> None:
    app.middleware(skip_processed_events)
