"""The HTTP listener: ``POST /slack/events`` into Bolt, ``GET /healthz`` and ``GET /metrics``; its :class:`Door`
closes first when the process is told to stop."""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import time
from collections.abc import Iterator, Mapping
from datetime import timedelta
from urllib.parse import parse_qs

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.signature import SignatureVerifier

from bot.runtime.clock import Clock, SystemClock
from bot.runtime.metrics import CONTENT_TYPE_LATEST, Metrics
from bot.runtime.payload_shape import MAX_DEPTH, BadShape, check_shape
from bot.runtime.slack_client import TokenHealth
from bot.schedule.handoff_source import HandoffSource
from storage import heartbeats, outbox
from storage.database import Database

log = logging.getLogger(__name__)

SLACK_EVENTS_PATH = "/slack/events"
MAX_BODY_BYTES = 1024 * 1024  # Slack payloads are a few KB; anything near this is not from Slack
# Slack gives up on an answer after 3 s; ours comes before that, whatever the database or Slack are doing.
ANSWER_DEADLINE = 2.5


class Door:
    """Whether this process still takes Slack's requests, and how many it is answering now.

    Closed when the process is told to stop (SIGTERM, a rolling restart): from then on ``/slack/events`` answers 503
    at once — Slack delivers the event again, and a load balancer sends it to another replica — and ``/healthz``
    answers 503 ``stopping``, while the requests already inside finish and commit (:meth:`emptied`).
    """

    def __init__(self) -> None:
        self.open = True
        self._inside = 0
        self._empty = asyncio.Event()
        self._empty.set()

    def close(self) -> None:
        self.open = False

    @contextlib.contextmanager
    def answering(self) -> Iterator[None]:
        self._inside += 1
        self._empty.clear()
        try:
            yield
        finally:
            self._inside -= 1
            if not self._inside:
                self._empty.set()

    async def emptied(self, within: float) -> bool:
        """Wait up to ``within`` seconds for the requests inside to finish; whether they all did."""
        try:
            await asyncio.wait_for(self._empty.wait(), timeout=max(0.0, within))
        except TimeoutError:
            return False
        return True


def _request_kind(body: str, content_type: str) -> str:
    """A coarse label for metrics: event type, command, or interaction type."""
    try:
        if "json" in content_type:
            data = json.loads(body)
            inner = data.get("event") if isinstance(data, dict) else None
            return str(inner.get("type")) if isinstance(inner, dict) else str(data.get("type", "unknown"))
        form = parse_qs(body)
        if "command" in form:
            return "command"
        if "payload" in form:
            payload = json.loads(form["payload"][0])
            return str(payload.get("type", "interaction")) if isinstance(payload, dict) else "interaction"
    except (ValueError, AttributeError, RecursionError):  # RecursionError: JSON nested about a thousand deep
        return "malformed"
    return "unknown"


def _signed_by_slack(verifier: SignatureVerifier, body: str, request: web.Request) -> bool:
    """Slack's v0 signature over the body, with a timestamp no older than five minutes."""
    timestamp = request.headers.get("X-Slack-Request-Timestamp", "")
    signature = request.headers.get("X-Slack-Signature", "")
    if not (timestamp.isdigit() and signature):
        return False
    return bool(verifier.is_valid(body=body, timestamp=timestamp, signature=signature))


def _bearer_matches(request: web.Request, token: str) -> bool:
    """Whether the request carries ``Authorization: Bearer <token>``, compared in constant time (a comparison that
    stopped at the first wrong character would tell a patient caller the token one character at a time)."""
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())


def build_web_app(
    bolt: AsyncApp | None,
    db: Database,
    metrics: Metrics,
    signing_secret: str | None,
    clock: Clock | None = None,
    *,
    metrics_token: str | None = None,
    token: TokenHealth | None = None,
    handoffs: HandoffSource | None = None,
    live_within: Mapping[str, timedelta] | None = None,
    door: Door | None = None,
) -> web.Application:
    """``bolt`` is ``None`` in Socket Mode: the HTTP side then only answers health and metrics.

    With ``metrics_token`` (``METRICS_TOKEN``) ``/metrics`` answers only a request bearing it; ``token`` is what
    the bot knows of its Slack token, which ``/healthz`` reports; ``handoffs`` reads the hand-off map for each
    scrape; ``live_within``: how recent a heartbeat of each part (sender, ticker) must be to count as live; ``door``:
    closed by the app when it stops."""
    verifier = SignatureVerifier(signing_secret) if signing_secret else None
    now = (clock or SystemClock()).now  # outbox rows carry the bot's clock, so their age does too
    door = door or Door()

    async def slack_events(request: web.Request) -> web.Response:
        if not door.open:
            metrics.requests_refused.labels("stopping").inc()
            return web.Response(status=503, text="this replica is stopping; retry")
        with door.answering():
            return await answer(request)

    async def answer(request: web.Request) -> web.Response:
        if bolt is None or verifier is None:
            return web.Response(status=404, text="this bot runs in Socket Mode")
        raw = await request.read()
        if len(raw) > MAX_BODY_BYTES:
            metrics.requests_refused.labels("too_large").inc()
            return web.Response(status=413, text="request too large")
        try:
            body: str | None = raw.decode("utf-8")
        except UnicodeDecodeError:
            body = None  # Slack signs UTF-8 only: a body that is not cannot carry a signature we can check
        # Check the signature before parsing anything, so a forged body costs us nothing and changes nothing.
        if body is None or not _signed_by_slack(verifier, body, request):
            metrics.requests_refused.labels("signature").inc()
            log.warning("refused a request with a missing, wrong or stale Slack signature")
            return web.Response(status=401, text="invalid signature")
        content_type = request.headers.get("Content-Type", "")
        kind = _request_kind(body, content_type)
        try:
            bolt_request = AsyncBoltRequest(body=body, query=request.query_string, headers=dict(request.headers))
            check_shape(bolt_request.body)
        except BadShape as error:
            metrics.requests_refused.labels("malformed").inc()
            log.warning("malformed Slack request (%s): %s", kind, error)
            return web.Response(status=400, text=f"malformed payload: {error}")
        except RecursionError:  # the JSON parser gives up on nesting about a thousand deep
            metrics.requests_refused.labels("malformed").inc()
            log.warning("malformed Slack request (%s): nested too deeply to parse", kind)
            return web.Response(status=400, text=f"malformed payload: nested more than {MAX_DEPTH} levels deep")
        except Exception as error:  # Bolt parses eagerly and raises whatever the parser raised
            metrics.requests_refused.labels("malformed").inc()
            log.warning("malformed Slack request (%s): %s", kind, type(error).__name__)
            return web.Response(status=400, text="malformed payload")
        started = time.perf_counter()
        try:
            bolt_response = await asyncio.wait_for(bolt.async_dispatch(bolt_request), ANSWER_DEADLINE)
        except TimeoutError:
            # Slack stops waiting at 3 s anyway; answering first says "not done" so it retries, and the event id
            # stored with the work makes that retry harmless should the work have committed after all.
            metrics.requests.labels(kind, "503").inc()
            log.warning("%s not done within %.1f s (database or Slack slow); answered 503", kind, ANSWER_DEADLINE)
            return web.Response(status=503, text="not done in time; retry")
        metrics.requests.labels(kind, str(bolt_response.status)).inc()
        log.debug("%s answered %s in %.1f ms", kind, bolt_response.status, (time.perf_counter() - started) * 1000)
        return await to_aiohttp_response(bolt_response)

    async def healthz(_request: web.Request) -> web.Response:
        """200 while the database answers and Slack takes the bot token; 503 naming what is wrong otherwise, or
        ``stopping`` once the process is told to stop."""
        if not door.open:
            return web.json_response({"status": "stopping"}, status=503)
        reachable = await db.ping()
        body = {"status": "ok", "database": "reachable" if reachable else "unreachable"}
        problem = token.problem() if token is not None else None
        if problem is not None:
            body["slack"] = problem
        if not reachable or problem is not None:
            body["status"] = "unavailable"
            return web.json_response(body, status=503)
        return web.json_response(body)

    async def metrics_endpoint(request: web.Request) -> web.Response:
        if metrics_token is not None and not _bearer_matches(request, metrics_token):
            return web.Response(
                status=401,
                text="metrics need Authorization: Bearer <METRICS_TOKEN>",
                headers={"WWW-Authenticate": "Bearer"},
            )
        try:
            async with db.read() as session:
                count, oldest = await outbox.backlog(session)
                moment = now()
                since = {part: moment - within for part, within in (live_within or {}).items()}
                live = await heartbeats.live(session, since) if since else {}
            metrics.outbox_backlog.set(count)
            for part, processes in live.items():
                metrics.live_processes.labels(part).set(processes)
            age = (now() - oldest).total_seconds() if oldest else 0.0
            metrics.outbox_oldest_age.set(max(0.0, age))
        except Exception:
            log.warning("metrics: database unreachable, outbox figures are stale")
        if handoffs is not None:
            try:
                metrics.set_handoffs(await handoffs.for_metrics(now()))
            except Exception:
                log.warning("metrics: database unreachable, hand-off figures are stale")
        return web.Response(body=metrics.render(), headers={"Content-Type": CONTENT_TYPE_LATEST})

    app = web.Application(client_max_size=MAX_BODY_BYTES * 2)
    app.router.add_post(SLACK_EVENTS_PATH, slack_events)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics_endpoint)
    return app
