"""The Slack stand-in of ``make bench``: the same fake Slack as the tests and the sandbox, in its own process.

Two things are added around it, without changing it: a middleware that notes when each owner DM and each card
(the first post to a channel) carrying a benchmark token arrives (on ``CLOCK_MONOTONIC``, which every process on
the machine shares), and a few ``/bench/*`` routes for the runner — the arrival times, this process's CPU time,
and seeding messages to react to and cards to click on. Run as ``python -m bench.standin``; it prints its port
as one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import re
import resource
import signal
import time
from collections import Counter
from collections.abc import Awaitable, Callable

from aiohttp import web

from bot.runtime.heap import YOUNG_THRESHOLD
from bot.sandbox.fake_slack.server import build_slack_api_app
from bot.sandbox.fake_slack.workspace import SlackWorkspace
from bot.sandbox.scene import populate
from config.loader import EXAMPLE_PATH, load_workspace

BOT_TOKEN = "xoxb-bench-token"  # noqa: S105 - the fake's token, guards nothing
# Every benchmark request carries one of these in its text; the owner's DM repeats the ticket's text.
TOKEN = re.compile(rb"bq\d{9}")
REACT_CHANNELS = 50  # reacted-to messages are spread out: the fake scans a channel's messages per lookup
REQUESTER = "U0ERIN"


def monotonic() -> float:
    """The clock the load generator and the stand-in share (system-wide on Linux)."""
    return time.clock_gettime(time.CLOCK_MONOTONIC)


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def react_channel(index: int) -> str:
    return f"C0REACT{index:03d}"


class Observer:
    """Arrival times of owner DMs and of cards by token, and a count of calls by method.

    A card is the first ``chat.postMessage`` carrying the token to a channel (not a member): the bot and the work
    floor both post the card before the owner's DM and the department's notice."""

    def __init__(self) -> None:
        self.dm_at: dict[str, float] = {}
        self.card_at: dict[str, float] = {}
        self.calls: Counter[str] = Counter()

    @web.middleware
    async def middleware(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        if request.path.startswith("/api/"):
            method = request.path.removeprefix("/api/")
            self.calls[method] += 1
            if method == "chat.postMessage":
                arrived = monotonic()
                raw = await request.read()  # aiohttp keeps the body, so the fake reads it again for free
                found = TOKEN.search(raw)
                if found:
                    (self.dm_at if _is_dm(raw) else self.card_at).setdefault(found.group().decode(), arrived)
        return await handler(request)


_DM_CHANNEL = re.compile(rb'(?:"channel":\s*"|(?:^|&)channel=)[UWD]')


def _is_dm(raw: bytes) -> bool:
    """A post to a member (``U…``/``W…``) or an IM (``D…``), in a JSON body (slack_sdk's) or a form."""
    return _DM_CHANNEL.search(raw) is not None


def build_app(workspace: SlackWorkspace, observer: Observer) -> web.Application:
    app = build_slack_api_app(workspace)
    app.middlewares.append(observer.middleware)

    async def stats(_request: web.Request) -> web.Response:
        return web.json_response(
            {
                "dm_at": observer.dm_at,
                "card_at": observer.card_at,
                "calls": dict(observer.calls),
                "cpu_seconds": cpu_seconds(),
            }
        )

    async def reset(_request: web.Request) -> web.Response:
        observer.dm_at.clear()
        observer.card_at.clear()
        return web.json_response({"ok": True})

    async def seed(request: web.Request) -> web.Response:
        """``count`` user messages to react to (spread over the reaction channels) and ``cards`` bot messages."""
        count = int(request.query.get("count", "0"))
        cards = int(request.query.get("cards", "0"))
        first_token = int(request.query.get("first_token", "0"))
        messages = []
        for i in range(count):
            token = f"bq{first_token + i:09d}"
            text = f"The shared printer on floor {i % 7} jams on every job {token}"
            message = workspace.post_user_message(react_channel(i % REACT_CHANNELS), REQUESTER, text)
            messages.append([message.channel, message.ts, token])
        posted = []
        intake = request.query.get("card_channel", "C0INTAKE")
        for i in range(cards):
            card = workspace.post_user_message(intake, workspace.bot_user_id, f"card {i}")
            card.bot_id = workspace.bot_id
            posted.append([card.channel, card.ts])
        return web.json_response({"messages": messages, "cards": posted})

    app.router.add_get("/bench/stats", stats)
    app.router.add_post("/bench/reset", reset)
    app.router.add_post("/bench/seed", seed)
    return app


async def keep_old_objects_frozen(every: float = 0.25) -> None:
    """Keep the collector off what the fake has stored.

    The fake keeps every message posted to it (cards are updated in place, messages are reacted to): tens of
    thousands of objects over a run, which CPython's full collections walked again and again — pauses of
    100–400 ms on the load core, during which the load generator's answers waited to be read and were measured
    as the server's latency. Every quarter second, what survived a young collection is frozen out of the collector's
    walk (reference counting still frees it); the young generation is collected less often for the same reason
    as in the bot (``bot/runtime/heap.py``).
    """
    gc.set_threshold(YOUNG_THRESHOLD, *gc.get_threshold()[1:])
    while True:
        await asyncio.sleep(every)
        gc.collect(1)
        gc.freeze()


async def serve(port: int, lean: bool) -> None:
    # Lean: no record of every call (and none of the copies that keep such records apart from the stored state).
    workspace = SlackWorkspace(bot_token=BOT_TOKEN, record_calls=not lean)
    reactions = [react_channel(i) for i in range(REACT_CHANNELS)]
    populate(workspace, load_workspace(EXAMPLE_PATH), extra_people=[REQUESTER], extra_channels=reactions)
    freezer = asyncio.create_task(keep_old_objects_frozen())
    await serve_until_signalled(
        web.AppRunner(build_app(workspace, Observer()), access_log=None, shutdown_timeout=1.0), port
    )
    freezer.cancel()


async def serve_until_signalled(runner: web.AppRunner, port: int, listening: Callable[[], None] | None = None) -> None:
    """Serve ``runner`` on 127.0.0.1, tell the parent its port (one JSON line), and stop on SIGINT/SIGTERM.

    Every process the bench starts (this stand-in, the floors) reports its port this way. ``listening`` runs
    once the server listens (a floor started as ``--settled`` settles its heap then, as the bot does).
    """
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port, backlog=1024).start()
    if listening is not None:
        listening()
    print(json.dumps({"port": int(runner.addresses[0][1])}), flush=True)
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stopping.set)
    await stopping.wait()
    await runner.cleanup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--keep-calls", action="store_true", help="record every call, as in the tests")
    args = parser.parse_args()
    asyncio.run(serve(args.port, lean=not args.keep_calls))


if __name__ == "__main__":
    main()
