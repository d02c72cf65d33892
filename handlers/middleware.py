"""Cross-cutting steps every request goes through before a listener: shape checks, event deduplication, and
refusing replays of signed commands and interactions."""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.middleware.async_middleware import AsyncMiddleware
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from bot.runtime.payload_shape import BadShape, check_shape
from bot.runtime.services import Services
from bot.runtime.slack_client import TimedWebClient
from handlers.payloads import MalformedPayload, services_of

log = logging.getLogger(__name__)

# Over HTTP a NUL can only arrive escaped: ``\u0000`` in JSON, ``%00`` in a form field, ``%5Cu0000`` in JSON sent
# as a form field. A body without any of these has no NUL, and is not walked string by string.
_MAY_HOLD_NUL = re.compile(r"\\u0000|%00|%5[cC]u0000")
# Where the context keeps the replay key of the request being handled (see handlers.errors).
REPLAY_KEY = "crossdesk_replay_key"
# Interactions that act (slash commands are told apart by their ``command`` field); a replay of one is refused.
_ACTING_INTERACTIONS = frozenset({"block_actions", "view_submission", "view_closed", "message_action", "shortcut"})


def _without_nul(value: Any) -> Any:
    """NUL characters removed from every string in place (PostgreSQL cannot store them; no person types one)."""
    if isinstance(value, str):
        return value.replace("\x00", "") if "\x00" in value else value
    if isinstance(value, dict):
        for key, item in value.items():
            value[key] = _without_nul(item)
    elif isinstance(value, list):
        value[:] = [_without_nul(item) for item in value]
    return value


def _refuse_malformed(body: dict[str, Any], req: AsyncBoltRequest) -> None:
    """The HTTP door checks the shape before Bolt runs (``bot.runtime.server``); Socket Mode requests get the same
    check here. Listeners then see a body whose ids are ids and whose text has no NUL characters."""
    if req.mode != "http":
        try:
            check_shape(body)
        except BadShape as error:
            raise MalformedPayload(str(error)) from None
    if req.mode != "http" or _MAY_HOLD_NUL.search(req.raw_body or ""):
        _without_nul(body)


async def _already_handled(context: AsyncBoltContext, body: dict[str, Any], req: AsyncBoltRequest) -> bool:
    """Whether this is a redelivered event that was handled before, so its listener must not run again.

    The event id is written by the service in the same transaction as the event's effects, so this
    check is the fast path; a duplicate racing past it still loses on the primary key. Over HTTP only Slack's
    retries (``X-Slack-Retry-Num``) are looked up: a first delivery cannot have been handled yet, and the
    look-up would cost every event a query.
    """
    event_id = body.get("event_id") if body.get("type") == "event_callback" else None
    first_delivery = req.mode == "http" and not req.headers.get("x-slack-retry-num")
    if not (isinstance(event_id, str) and event_id) or first_delivery:
        return False
    services = services_of(context)
    if not await services.tickets.event_seen(event_id):
        return False
    services.metrics.events_deduplicated.inc()
    retry = req.headers.get("x-slack-retry-num", ["0"])[0]
    log.info("event %s already handled (Slack retry %s); answering without redoing it", event_id, retry)
    return True


async def _replayed(context: AsyncBoltContext, body: dict[str, Any], req: AsyncBoltRequest) -> bool:
    """Whether this is a signed command or interaction received before, body, timestamp and all: somebody sending
    a captured request again within the five minutes its signature is good for. Slack never sends one twice.

    Only HTTP requests carry a signature (Socket Mode's come over the app's own authenticated connection), and
    events are left to their event id (:func:`_already_handled`).
    """
    kind = "command" if "command" in body else body.get("type")
    if req.mode != "http" or not (kind == "command" or kind in _ACTING_INTERACTIONS):
        return False
    timestamp = (req.headers.get("x-slack-request-timestamp") or [""])[0]
    if not timestamp.isdigit():  # the door (bot.runtime.server) checked it already
        return False
    services = services_of(context)
    key = services.replays.key(timestamp, req.raw_body or "")
    if await services.replays.first_time(key, str(kind)):
        context[REPLAY_KEY] = key  # the error path forgets it should the listener refuse the payload as malformed
        return False
    services.metrics.requests_refused.labels("replay").inc()
    log.warning("a signed %s was sent again with the same timestamp and signature; answered without acting", kind)
    return True


class BeforeListeners(AsyncMiddleware):
    """The one middleware every request goes through: attaches the services, gives listeners a timed Slack client,
    checks the shape, removes NUL characters, answers redelivered events and refuses replayed commands and
    interactions. A class rather than a function: Bolt builds a function middleware's keyword arguments by
    inspection on every request, which cost more than the work here.

    Bolt makes a plain ``AsyncWebClient`` for each request; when the app's client is a ``TimedWebClient`` the
    request's client is replaced by a timed copy (same token and team), so the calls listeners make while Slack
    waits are timed like every other call."""

    def __init__(self, services: Services, client: TimedWebClient | None = None) -> None:
        self._services = services
        self._client = client

    async def async_process(
        self, *, req: AsyncBoltRequest, resp: BoltResponse, next: Callable[[], Awaitable[BoltResponse]]
    ) -> BoltResponse | None:
        context = req.context
        context["services"] = self._services
        if self._client is not None:
            context["client"] = self._client.for_request(context.client.token, context.team_id)
        _refuse_malformed(req.body, req)
        if await _already_handled(context, req.body, req) or await _replayed(context, req.body, req):
            return BoltResponse(status=200, body="")
        return await next()


def register(app: AsyncApp, services: Services) -> None:
    client = app.client
    app.middleware(BeforeListeners(services, client if isinstance(client, TimedWebClient) else None))
