"""The two floors the bot is measured against, behind the bot's own HTTP server (``bot.runtime.server``).

* ``ack``: a bare Bolt ``AsyncApp`` whose listeners only acknowledge.
* ``work``: the same app that, for each request, makes exactly the Slack Web API calls the bot makes for it
  (see ``CALLS``) on one shared aiohttp session, and keeps nothing — the least any bot must do.

Run as ``python -m bench.floors ack|work --api-url URL``; it prints its port as one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import tempfile
from typing import Any

import aiohttp
from aiohttp import web
from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bench.standin import BOT_TOKEN, serve_until_signalled
from bot.runtime import heap, logs
from bot.runtime.metrics import Metrics
from bot.runtime.server import build_web_app
from bot.runtime.slack_client import make_client
from bot.sandbox.slack_requests import SIGNING_SECRET
from bot.surfaces.ids import ActionId
from storage.database import Database

# What the bot calls for each kind of request (recorded from it against the fake, see docs/benchmarks.md):
CALLS = {
    "message": [
        "chat.postMessage (card, in the message's thread)",
        "chat.postMessage (owner DM)",
        "chat.postMessage (department channel)",
    ],
    "reaction": [
        "conversations.history (before the ack)",
        "chat.postMessage (card)",
        "chat.postMessage (owner DM)",
        "chat.postMessage (department channel)",
    ],
    "command": ["chat.postMessage (card, department channel)", "chat.postMessage (owner DM)"],
    "click": ["chat.update (card)", "chat.postMessage (thread note)"],
}
OWNERS = ("U0ALICE", "U0BOB")
DEPARTMENT_CHANNEL = "C0SUPPORT"


def _card(text: str) -> list[dict[str, Any]]:
    """A card the size of the bot's: summary, six fields, context, four buttons and a menu."""
    fields = [{"type": "mrkdwn", "text": f"*Field {i}*\nvalue {i}"} for i in range(6)]
    buttons = [
        {
            "type": "button",
            "action_id": f"floor.{i}",
            "text": {"type": "plain_text", "text": f"Button {i}"},
            "value": "X-1",
        }
        for i in range(4)
    ]
    return [
        {"type": "section", "text": {"type": "mrkdwn", "text": f"*X-1* {text}"}},
        {"type": "section", "fields": fields},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": "Requested by <@U0ERIN> · intake message"}]},
        {"type": "actions", "elements": buttons},
    ]


class WorkFloor:
    """The Slack calls of one request, made after the acknowledgement (as the bot's outbox does)."""

    def __init__(self, client: AsyncWebClient) -> None:
        self.client = client
        self._owners = itertools.cycle(OWNERS)
        self._running: set[asyncio.Task[None]] = set()

    def later(self, work: Any) -> None:
        task = asyncio.create_task(work)
        self._running.add(task)
        task.add_done_callback(self._running.discard)

    async def new_ticket(self, text: str, card_channel: str, thread_ts: str | None) -> None:
        owner = next(self._owners)
        card = await self.client.chat_postMessage(
            channel=card_channel, thread_ts=thread_ts, text=f"X-1 {text}", blocks=_card(text)
        )
        link = f"https://crossdesk.slack.com/archives/{card_channel}/p{str(card['ts']).replace('.', '')}"
        await self.client.chat_postMessage(channel=owner, text=f"You own a new ticket *X-1*: {text}\n<{link}|Open>")
        if thread_ts is not None or card_channel != DEPARTMENT_CHANNEL:
            await self.client.chat_postMessage(
                channel=DEPARTMENT_CHANNEL, text=f"New ticket *X-1*: {text} <{link}|Open>"
            )

    async def acknowledged(self, channel: str, ts: str) -> None:
        await self.client.chat_update(channel=channel, ts=ts, text="X-1 acknowledged", blocks=_card("acknowledged"))
        await self.client.chat_postMessage(channel=channel, thread_ts=ts, text="<@U0ADMIN> acknowledged X-1")


def build_floor(kind: str, client: AsyncWebClient) -> AsyncApp:
    app = AsyncApp(client=client, signing_secret=SIGNING_SECRET, process_before_response=True)
    work = WorkFloor(client) if kind == "work" else None

    async def on_message(event: dict[str, Any]) -> None:
        if work and not event.get("subtype") and not event.get("thread_ts") and not event.get("bot_id"):
            work.later(work.new_ticket(str(event.get("text", "")), str(event["channel"]), str(event["ts"])))

    async def on_reaction(event: dict[str, Any], client: AsyncWebClient) -> None:
        if work is None:
            return
        item = event["item"]
        history = await client.conversations_history(
            channel=item["channel"], latest=item["ts"], inclusive=True, limit=1
        )
        messages = history.get("messages") or [{}]
        work.later(work.new_ticket(str(messages[0].get("text", "")), str(item["channel"]), str(item["ts"])))

    async def on_command(ack: AsyncAck, command: dict[str, Any]) -> None:
        await ack(text=f"Opened *X-1*: {command.get('text', '')}", response_type="ephemeral")
        if work:
            work.later(work.new_ticket(str(command.get("text", "")), DEPARTMENT_CHANNEL, None))

    async def on_click(ack: AsyncAck, body: dict[str, Any]) -> None:
        await ack()
        if work:
            container = body.get("container") or {}
            work.later(work.acknowledged(str(container.get("channel_id")), str(container.get("message_ts"))))

    app.event("message")(on_message)
    app.event("reaction_added")(on_reaction)
    app.command("/ticket")(on_command)
    app.action(ActionId.ACKNOWLEDGE.value)(on_click)
    return app


async def serve(kind: str, api_url: str, port: int, settled: bool = False) -> None:
    scratch = tempfile.TemporaryDirectory(prefix="crossdesk-floor-")
    db = Database(f"sqlite:///{scratch.name}/floor.db")  # only /healthz asks it anything
    session = aiohttp.ClientSession()
    client = make_client(BOT_TOKEN, api_url, session)  # set up as the bot's client is
    web_app = build_web_app(build_floor(kind, client), db, Metrics(), SIGNING_SECRET)
    await serve_until_signalled(
        web.AppRunner(web_app, access_log=None, handle_signals=False),
        port,
        heap.settle_after_startup if settled else None,
    )
    await session.close()
    await db.dispose()
    scratch.cleanup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("kind", choices=("ack", "work"))
    parser.add_argument("--api-url", required=True)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument(
        "--settled",
        action="store_true",
        help="freeze the start-up heap as the bot does (bot/runtime/heap.py); off: bare",
    )
    args = parser.parse_args()
    logs.configure("WARNING")  # as the bench runs the bot (LOG_LEVEL=WARNING): no debug lines made for nothing
    asyncio.run(serve(args.kind, args.api_url, args.port, args.settled))


if __name__ == "__main__":
    main()
