"""Live updates for the page: every change in the fake workspace is pushed to open pages as a server-sent event.

The event only says *that* something changed (and what kind); the page then fetches what it shows. One small
message per change keeps the stream simple and the page always consistent with the workspace.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator

from aiohttp import web

from bot.sandbox.fake_slack.workspace import SlackWorkspace

KEEPALIVE_SECONDS = 15.0
QUEUE_LIMIT = 100
# Web API methods that only read: the page has nothing new to show after them (the ticker reads profiles often).
READ_ONLY_METHODS = frozenset(
    {
        "auth.test",
        "users.info",
        "users.list",
        "conversations.info",
        "conversations.history",
        "conversations.replies",
        "chat.getPermalink",
        "apps.connections.open",
    }
)


class LiveFeed:
    """Fans workspace changes out to every subscriber (a page's EventSource, or a test)."""

    def __init__(self, workspace: SlackWorkspace) -> None:
        self._subscribers: set[asyncio.Queue[str]] = set()
        self._serial = 0
        self._closed = asyncio.Event()
        workspace.add_listener(self.publish)

    def publish(self, what: str) -> None:
        if what in READ_ONLY_METHODS:
            return
        self._serial += 1
        data = json.dumps({"serial": self._serial, "what": what})
        for queue in list(self._subscribers):
            with contextlib.suppress(asyncio.QueueFull):  # a stalled page skips changes; it refetches anyway
                queue.put_nowait(data)

    @contextlib.asynccontextmanager
    async def subscribe(self) -> AsyncIterator[asyncio.Queue[str]]:
        queue: asyncio.Queue[str] = asyncio.Queue(QUEUE_LIMIT)
        self._subscribers.add(queue)
        try:
            yield queue
        finally:
            self._subscribers.discard(queue)

    def close(self) -> None:
        """End every open stream (shutting down must not wait for browsers to hang up)."""
        self._closed.set()

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """``GET /sandbox/events``: ``text/event-stream``, a ``change`` event per change, comments as keep-alives."""
        response = web.StreamResponse(
            headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
        )
        await response.prepare(request)
        await response.write(b"retry: 1000\n: connected\n\n")
        closed = asyncio.ensure_future(self._closed.wait())
        try:
            async with self.subscribe() as queue:
                while not self._closed.is_set():
                    getting = asyncio.ensure_future(queue.get())
                    done, _ = await asyncio.wait(
                        {getting, closed}, timeout=KEEPALIVE_SECONDS, return_when=asyncio.FIRST_COMPLETED
                    )
                    if getting in done:
                        await response.write(f"event: change\ndata: {getting.result()}\n\n".encode())
                    else:
                        getting.cancel()
                        if not self._closed.is_set():
                            await response.write(b": keep-alive\n\n")
        except ConnectionResetError:
            pass  # the page went away
        finally:
            closed.cancel()
        return response
