"""The one error path: domain refusals become a message to the person, everything else is logged with an id.

How the answer travels depends on the door: a slash command answers in its HTTP response, a button
click with an ephemeral message, an event with a status code (an outage → 503 so Slack redelivers).
"""

from __future__ import annotations

import json
import logging
import uuid
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.error import BoltUnhandledRequestError
from slack_bolt.response import BoltResponse
from slack_sdk.errors import SlackApiError

from bot.errors import CrossdeskError
from bot.runtime.slack_client import TRANSIENT_ERRORS, SlackUnavailable
from bot.surfaces.views import notice_view
from handlers.middleware import REPLAY_KEY
from handlers.payloads import MalformedPayload, services_of
from storage.database import is_unavailable

log = logging.getLogger(__name__)


async def _forget_request(context: AsyncBoltContext) -> None:
    """A refused payload leaves nothing behind, not even the replay key its request was recorded under."""
    key = context.get(REPLAY_KEY)
    services = context.get("services")
    if key is None or services is None:
        return
    try:
        await services.replays.forget(key)
    except Exception as error:  # the refusal stands; the key only expires later (five minutes)
        log.warning("could not drop the replay key of a refused request: %s", type(error).__name__)


def _kind_of(body: Any) -> str:
    if not isinstance(body, dict):
        return "unknown"
    return "command" if "command" in body else str(body.get("type") or "unknown")[:40]


def _ephemeral(text: str) -> BoltResponse:
    return BoltResponse(
        status=200,
        body=json.dumps({"response_type": "ephemeral", "text": text}, ensure_ascii=False),
        headers={"content-type": "application/json"},
    )


async def on_error(error: Exception, body: dict[str, Any], context: AsyncBoltContext) -> BoltResponse | None:
    is_command = isinstance(body, dict) and "command" in body
    is_action = isinstance(body, dict) and body.get("type") in ("block_actions", "view_submission", "message_action")
    services = context.get("services")
    replies = getattr(services, "replies", None)

    metrics = getattr(services, "metrics", None)
    if isinstance(error, BoltUnhandledRequestError):
        # No listener takes it (an action id or callback id this app never made): Bolt answers 404, and the
        # replay key recorded on the way in goes too, so a request the bot did not act on leaves nothing behind.
        log.info("no listener for this %s request; answered 404", _kind_of(body))
        await _forget_request(context)
        return None

    if isinstance(error, MalformedPayload):
        if metrics is not None:
            metrics.requests_failed.labels("malformed").inc()
        log.warning("malformed Slack payload refused: %s", error)
        await _forget_request(context)
        return BoltResponse(status=400, body=f"malformed payload: {error}")

    if isinstance(error, CrossdeskError):
        message = replies.error(error) if replies else str(error)
        log.info("refused: %s", error.message_key)
        if is_command:
            return _ephemeral(message)
        if body.get("type") == "view_submission" and services is not None:
            return _replace_form(services, message)
        if is_action:
            await _tell_clicker(body, context, message)
            return BoltResponse(status=200, body="")
        await _tell_reactor(body, context, message)
        return BoltResponse(status=200, body="")  # an event we chose not to act on: do not make Slack retry

    error_id = uuid.uuid4().hex[:8]
    refused = _slack_refusal(error)
    if refused is not None:
        # Slack said no to a call the listener made (a stale view hash, a channel that does not exist): asking
        # Slack to deliver the request again would only get the same answer.
        log.warning("Slack refused a call for this request (error id %s): %s", error_id, refused)
        if metrics is not None:
            metrics.requests_failed.labels("slack_refused").inc()
        if is_command and replies:
            return _ephemeral(replies.t("error.unexpected", error_id=error_id))
        return BoltResponse(status=200, body="")
    outage = isinstance(error, SlackUnavailable | SlackApiError) or is_unavailable(error)
    if metrics is not None:
        metrics.requests_failed.labels("unavailable" if outage else "unexpected").inc()
    if outage:
        log.error("database or network unavailable (error id %s): %s", error_id, type(error).__name__)
    else:
        log.exception("unexpected error (error id %s)", error_id, exc_info=error)
    if is_command and replies:
        return _ephemeral(replies.t("error.unexpected", error_id=error_id))
    if isinstance(body, dict) and body.get("type") == "view_submission" and services is not None and not outage:
        return _replace_form(services, replies.t("error.unexpected", error_id=error_id) if replies else error_id)
    # Events and interactions: a non-2xx tells Slack the work was not done, so it delivers the event again.
    return BoltResponse(status=503 if outage else 500, body="")


def _slack_refusal(error: Exception) -> str | None:
    """Slack's error code when ``error`` is a permanent refusal; ``None`` for anything else (429 and 5xx too)."""
    if not isinstance(error, SlackApiError):
        return None
    data = error.response.data
    code = str(data.get("error", "")) if isinstance(data, dict) else ""
    status = error.response.status_code
    if status == 429 or status >= 500 or code in TRANSIENT_ERRORS:
        return None
    return code or str(status)


async def _tell_reactor(body: dict[str, Any], context: AsyncBoltContext, message: str) -> None:
    """A refused reaction (not allowed, cooling down) gets an ephemeral note to the person who reacted."""
    event = body.get("event") if isinstance(body, dict) else None
    if not isinstance(event, dict) or event.get("type") != "reaction_added":
        return
    user, item = event.get("user"), event.get("item")
    channel = item.get("channel") if isinstance(item, dict) else None
    if isinstance(user, str) and isinstance(channel, str):
        try:
            await services_of(context).tickets.tell_text(user, channel, message, event_id=body.get("event_id"))
        except Exception:
            log.exception("could not queue the refusal message for %s", user)


def _replace_form(services: Any, message: str) -> BoltResponse:
    """A refused form submission: the form turns into a notice that says why."""
    view = notice_view(services.translator, message)
    return BoltResponse(
        status=200,
        body=json.dumps({"response_action": "update", "view": view}, ensure_ascii=False),
        headers={"content-type": "application/json"},
    )


async def _tell_clicker(body: dict[str, Any], context: AsyncBoltContext, message: str) -> None:
    """Ephemeral where the button was; a DM when it was somewhere without a channel (App Home)."""
    user = (body.get("user") or {}).get("id")
    channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id")
    if not isinstance(user, str):
        return
    if not isinstance(channel, str):
        channel = None
    try:
        await services_of(context).tickets.tell_text(user, channel, message)
    except Exception:
        log.exception("could not queue the refusal message for %s", user)


def register(app: AsyncApp) -> None:
    app.error(on_error)
