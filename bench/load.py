"""The load generator: correctly signed Slack requests, of one kind at a time, at a fixed concurrency.

Requests are built with ``bot.sandbox.slack_requests`` (the payload shapes the tests use) and sent with httpx
from ``concurrency`` workers that each send their next request when the last one was answered. Every new-ticket
request carries a token (``bq000000123``) in its text so the stand-in can time the owner's DM it causes.
"""

from __future__ import annotations

import asyncio
import gc
import itertools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import aiohttp

from bench.standin import REQUESTER, monotonic
from bot.sandbox import slack_requests
from bot.surfaces.ids import ActionId

KINDS = ("message", "reaction", "command", "click")
NEW_TICKET_KINDS = ("message", "reaction", "command")
INTAKE = "C0INTAKE"
ADMIN = "U0ADMIN"  # may acknowledge any ticket, so every click does real work


@dataclass(frozen=True)
class Request:
    body: bytes
    content_type: str
    token: str | None


@dataclass
class Sample:
    started: float  # CLOCK_MONOTONIC, shared with the stand-in
    seconds: float
    status: int
    token: str | None


@dataclass
class PhaseResult:
    kind: str
    seconds: float
    samples: list[Sample] = field(default_factory=list)
    failures: int = 0  # transport errors: no answer at all
    opened: int = 0  # answered with 200, warm-up included (for new-ticket kinds: tickets opened)
    late: list[float] = field(default_factory=list)  # open loop: how late each send left (the generator's own lag)


class Requests:
    """Makes the next request of each kind; tokens are unique across the whole run.

    Each kind's body is built once by ``slack_requests`` with placeholders, and each request only fills them
    in: building every request from scratch would cost the load generator more than the floors cost the server.
    """

    def __init__(self) -> None:
        self._tokens = itertools.count(1)
        self._serial = itertools.count(1)
        self.reactable: list[tuple[str, str, str]] = []  # (channel, ts, token) seeded in the stand-in
        self.cards: list[tuple[str, str]] = []  # bot messages in the stand-in to click on
        self.ticket_keys: list[str] = []  # the tickets opened so far, in order, for the clicks
        self._reacted = 0
        self._clicked = 0
        self._templates = {
            "message": json.dumps(
                slack_requests.message_event(
                    channel=INTAKE,
                    user=REQUESTER,
                    text=f"The VPN drops every few minutes since this morning {_TOKEN}",
                    ts=_TS,
                    event_id=_EVENT,
                )
            ),
            "reaction": json.dumps(
                {
                    **slack_requests.reaction_added_event(
                        channel=_CHANNEL, ts=_TS, user=REQUESTER, reaction="ticket", item_user=REQUESTER
                    ),
                    "event_id": _EVENT,
                }
            ),
            "command": slack_requests.slash_command_body(
                text=f"Badge reader at the side door is dead {_TOKEN}", user=REQUESTER
            ),
            "click": _varying_action_ts(
                slack_requests.block_actions_body(
                    action_id=ActionId.ACKNOWLEDGE.value, value=_KEY, user=ADMIN, channel=_CHANNEL, message_ts=_TS
                )
            ),
        }

    def token(self) -> str:
        return f"bq{next(self._tokens):09d}"

    def skip_tokens(self, count: int) -> int:
        """Reserve ``count`` tokens (for seeded messages); returns the first."""
        first = next(self._tokens)
        self._tokens = itertools.count(first + count)
        return first

    def maker(self, kind: str) -> Callable[[], Request]:
        return {"message": self.message, "reaction": self.reaction, "command": self.command, "click": self.click}[kind]

    def _unique(self) -> tuple[str, str]:
        """A message ts and an event id no other request of this run has."""
        serial = next(self._serial)
        return f"{1_800_000_000 + serial}.{serial % 1_000_000:06d}", f"Ev0BENCH{serial:09d}"

    def message(self) -> Request:
        token = self.token()
        ts, event_id = self._unique()
        body = self._templates["message"].replace(_TOKEN, token).replace(_TS, ts).replace(_EVENT, event_id)
        return Request(body.encode(), "application/json", token)

    def reaction(self) -> Request:
        channel, ts, token = self.reactable[self._reacted % len(self.reactable)]
        self._reacted += 1
        _, event_id = self._unique()
        body = self._templates["reaction"].replace(_CHANNEL, channel).replace(_TS, ts).replace(_EVENT, event_id)
        return Request(body.encode(), "application/json", token)

    def command(self) -> Request:
        token = self.token()
        body = self._templates["command"].replace(_TOKEN, token)
        return Request(body.encode(), "application/x-www-form-urlencoded", token)

    def click(self) -> Request:
        key = self.ticket_keys[self._clicked % len(self.ticket_keys)] if self.ticket_keys else "SUP-1"
        channel, ts = self.cards[self._clicked % len(self.cards)]
        self._clicked += 1
        action_ts, _ = self._unique()
        body = self._templates["click"].replace(_KEY, key).replace(_CHANNEL, channel).replace(_TS, ts)
        body = body.replace(_ACTION, action_ts)
        return Request(body.encode(), "application/x-www-form-urlencoded", None)


# Placeholders in the templates: letters and digits only, so form encoding leaves them as they are.
_TOKEN, _TS, _EVENT, _CHANNEL, _KEY = "QQTOKENQQ", "QQTSQQ", "QQEVENTQQ", "QQCHANNELQQ", "QQKEYQQ"
_ACTION = "QQACTIONQQ"
_ACTION_TS = re.compile(r"(action_ts%22%3A\+%22)[0-9.]+(%22)")  # the click's action_ts, form-encoded


def _varying_action_ts(click: str) -> str:
    """The click template with a placeholder for its action_ts: each click gets its own, as Slack's do (the bot
    answers a body it has seen before as a replay, without acting on it)."""
    template, found = _ACTION_TS.subn(r"\g<1>" + _ACTION + r"\g<2>", click)
    if found != 1:
        raise RuntimeError("the click template has no action_ts to vary")
    return template


async def run_phase(
    client: aiohttp.ClientSession, make: Callable[[], Request], *, concurrency: int, warmup: float, seconds: float
) -> PhaseResult:
    """Send for ``warmup + seconds``; only requests started after the warm-up count."""
    # This process holds the bot's modules (the scale phase uses them) and the samples of earlier phases: a full
    # collection of all that held the load generator ~70 ms, and answers waiting to be read meanwhile were
    # measured as the server's latency. Freeze what exists before the phase starts.
    gc.collect()
    gc.freeze()
    start = monotonic()
    measure_from = start + warmup
    end = measure_from + seconds
    result = PhaseResult(kind="", seconds=seconds)

    async def worker() -> None:
        # Each worker keeps going past the end until it has one measured answer: on a starved machine a request
        # can outlast the whole window, and a phase must never come back empty.
        measured = False
        while monotonic() < end or not measured:
            request = make()
            headers = {"Content-Type": request.content_type, **slack_requests.sign(request.body)}
            started = monotonic()
            try:
                async with client.post("/slack/events", data=request.body, headers=headers) as response:
                    await response.read()
                    status = response.status
            except (aiohttp.ClientError, TimeoutError):
                status = 0
            finished = monotonic()
            result.opened += status == 200
            if started < measure_from:
                continue
            if status == 0:
                result.failures += 1
            result.samples.append(Sample(started, finished - started, status, request.token))
            measured = True

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    # Requests started near the end finish after it: the window is stretched to the last answer.
    if result.samples:
        last = max(s.started + s.seconds for s in result.samples)
        result.seconds = max(seconds, last - measure_from)
    return result
