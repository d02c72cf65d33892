"""Slack's side of Socket Mode in the fake: ``apps.connections.open`` hands out a single-use ``ws://…/socket?ticket=…``
URL, the socket greets the client with ``hello``, and ``socket_send`` delivers an envelope and waits for its ack."""

from __future__ import annotations

import asyncio
import contextlib
import copy
import json
import uuid
from dataclasses import dataclass

from aiohttp import web

from bot.runtime.clock import Clock
from bot.sandbox.fake_slack.calls import CallRecord
from bot.sandbox.fake_slack.models import JsonDict

# What the Socket Mode server calls itself in ``hello`` and ``disconnect`` (Slack's look like applink-7fc4fdbb64-4x5xq).
SOCKET_HOST = "applink-fake-0"
SOCKET_CONNECTION_SECONDS = 18_060  # ``approximate_connection_time`` in ``hello``
# How long closing a socket waits for the client's close frame before dropping the connection.
SOCKET_CLOSE_TIMEOUT = 1.0


@dataclass(eq=False)
class SocketConnection:
    """One open Socket Mode WebSocket and the loop serving it (the server may run in another thread)."""

    ws: web.WebSocketResponse
    loop: asyncio.AbstractEventLoop
    app: web.Application
    ticket: str


class SocketMode(CallRecord):
    """Slack's side of Socket Mode for ``SlackWorkspace``: tickets, open sockets, envelopes sent and acks received."""

    app_id: str
    clock: Clock

    def _init_socket_mode(self) -> None:
        # Every envelope sent and every acknowledgement (a frame with an envelope_id) received.
        self.socket_envelopes: list[JsonDict] = []
        self.socket_acks: list[JsonDict] = []
        self._socket_tickets: set[str] = set()
        self._sockets: list[SocketConnection] = []

    @property
    def socket_connections(self) -> int:
        """How many Socket Mode WebSockets are open (each one was greeted with ``hello``)."""
        return len(self._live_sockets())

    async def wait_for_socket(self, timeout: float = 5.0) -> int:  # noqa: ASYNC109
        """Wait until a Socket Mode client is connected; return how many are."""
        await self._wait_for(self._newest_socket, timeout, lambda: self._describe_no_socket(timeout))
        return self.socket_connections

    async def socket_send(
        self,
        payload_type: str,
        payload: JsonDict,
        *,
        accepts_response_payload: bool = False,
        timeout: float = 5.0,  # noqa: ASYNC109 - the deadline is the point of this helper
        retry_attempt: int = 0,
        retry_reason: str = "",
    ) -> JsonDict:
        """Deliver ``payload`` in a Socket Mode envelope and return the client's acknowledgement.

        ``payload_type`` is ``events_api``, ``slash_commands`` or ``interactive``; ``payload`` is what Slack would
        POST over HTTP (the Events API wrapper, the slash command's fields as a dict, the interaction payload).
        Waits up to ``timeout`` in all for a connected client and its ack (``{"envelope_id": …, "payload": …?}``).
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        purpose = f"to send a {payload_type} envelope"
        connection = await self._wait_for(
            self._newest_socket, timeout, lambda: self._describe_no_socket(timeout, purpose)
        )
        envelope_id = str(uuid.uuid4())
        envelope: JsonDict = {
            "envelope_id": envelope_id,
            "type": payload_type,
            "accepts_response_payload": accepts_response_payload,
            "payload": copy.deepcopy(payload),
        }
        if payload_type == "events_api":
            envelope.update(retry_attempt=retry_attempt, retry_reason=retry_reason)
        self.socket_envelopes.append(envelope)
        await self._socket_deliver(connection, envelope)

        def ack() -> JsonDict | None:
            return next((a for a in self.socket_acks if a.get("envelope_id") == envelope_id), None)

        def missing() -> str:
            acked = [str(a.get("envelope_id")) for a in self.socket_acks] or ["none"]
            return (
                f"no acknowledgement of the {payload_type} envelope {envelope_id} within {timeout}s "
                f"(Slack would retry after 3s); envelope ids acknowledged so far: {', '.join(acked)}"
            )

        return await self._wait_for(ack, max(deadline - loop.time(), 0.0), missing)

    async def socket_disconnect(self, reason: str = "refresh_requested") -> int:
        """Send Slack's ``disconnect`` message on every open socket (clients then reconnect); returns how many."""
        message: JsonDict = {"type": "disconnect", "reason": reason, "debug_info": {"host": SOCKET_HOST}}
        live = self._live_sockets()
        for connection in live:
            await self._socket_deliver(connection, message)
        return len(live)

    def _issue_socket_ticket(self) -> str:
        ticket = str(uuid.uuid4())
        self._socket_tickets.add(ticket)
        return ticket

    def _redeem_socket_ticket(self, ticket: str) -> bool:
        """Tickets are single use, as Slack's WebSocket URLs are."""
        if ticket not in self._socket_tickets:
            return False
        self._socket_tickets.discard(ticket)
        return True

    def _live_sockets(self) -> list[SocketConnection]:
        return [connection for connection in self._sockets if not connection.ws.closed]

    def _newest_socket(self) -> SocketConnection | None:
        live = self._live_sockets()
        return live[-1] if live else None

    def _describe_no_socket(self, timeout: float, purpose: str = "") -> str:
        opened = self.calls_to("apps.connections.open")
        failed = [call.error for call in opened if not call.ok]
        return (
            f"no Socket Mode client connected within {timeout}s{' ' + purpose if purpose else ''}; "
            f"apps.connections.open was called {len(opened)} time(s)" + (f", failing with {failed}" if failed else "")
        )

    async def _socket_deliver(self, connection: SocketConnection, message: JsonDict) -> None:
        data = json.dumps(message)
        try:
            if connection.loop is asyncio.get_running_loop():
                await connection.ws.send_str(data)
            else:
                future = asyncio.run_coroutine_threadsafe(connection.ws.send_str(data), connection.loop)
                await asyncio.wrap_future(future)
        except (ConnectionError, RuntimeError) as error:
            raise AssertionError(
                f"the Socket Mode connection closed before {message.get('type')!r} could be sent: {error}"
            ) from error

    def _hello(self) -> JsonDict:
        started = self.clock.now().strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]
        return {
            "type": "hello",
            "num_connections": self.socket_connections + 1,
            "debug_info": {
                "host": SOCKET_HOST,
                "started": started,
                "build_number": 1,
                "approximate_connection_time": SOCKET_CONNECTION_SECONDS,
            },
            "connection_info": {"app_id": self.app_id},
        }

    def _socket_opened(self, connection: SocketConnection) -> None:
        self._sockets.append(connection)
        self._notify_waiters()

    def _socket_closed(self, connection: SocketConnection) -> None:
        with contextlib.suppress(ValueError):
            self._sockets.remove(connection)
        self._notify_waiters()

    def _socket_received(self, raw: str) -> None:
        """A text frame from a client: an acknowledgement is recorded; anything else is ignored, as Slack does."""
        try:
            frame = json.loads(raw)
        except ValueError:
            return
        if isinstance(frame, dict) and isinstance(frame.get("envelope_id"), str):
            self.socket_acks.append(frame)
            self._notify_waiters()
