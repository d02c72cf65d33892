"""Socket Mode end to end: the bot connects to the fake's WebSocket and handles envelopes instead of HTTP requests."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import parse_qsl

import httpx

from bot.outbox.sender import SenderSettings
from bot.runtime.app import Crossdesk
from bot.runtime.clock import ManualClock
from bot.sandbox import slack_requests
from bot.sandbox.slack_api import SlackApiServer, SlackWorkspace
from config.schema import WorkspaceConfig
from config.settings import Settings
from tests.support.harness import BOT_TOKEN, START, Harness, populate


@asynccontextmanager
async def socket_mode_bot(database_url: str, config: WorkspaceConfig) -> AsyncIterator[Harness]:
    """The fake Slack and a bot with ``SLACK_APP_TOKEN`` set (and no signing secret); stops both afterwards."""
    server = SlackApiServer(SlackWorkspace(bot_token=BOT_TOKEN))
    populate(server.workspace, config)
    await server.start()
    try:
        settings = Settings.model_validate(
            {
                "SLACK_BOT_TOKEN": BOT_TOKEN,
                "SLACK_APP_TOKEN": server.workspace.app_token,
                "SLACK_API_URL": server.url,
                "DATABASE_URL": database_url,
                "HOST": "127.0.0.1",
                "PORT": 0,
            }
        )
        assert settings.socket_mode and settings.slack_signing_secret is None
        clock = ManualClock(START)
        bot = Crossdesk(settings, config, clock=clock, sender_settings=SenderSettings(poll_interval=0.05))
        await bot.start()
        try:
            async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{bot.port}", timeout=10) as http:
                yield Harness(server, bot, http, clock)
        finally:
            await bot.stop()
    finally:
        await server.stop()


async def test_socket_mode_message_event_opens_a_ticket(database_url: str, workspace: WorkspaceConfig) -> None:
    async with socket_mode_bot(database_url, workspace) as bot:
        fake = bot.fake
        assert await fake.wait_for_socket() == 1
        # One call checks the app token at start-up, one opens the connection; both use the xapp- token
        # (the fake, like Slack, refuses the bot token for this method).
        opened = fake.calls_to("apps.connections.open")
        assert len(opened) == 2 and all(call.ok for call in opened)

        message = fake.post_user_message("C0INTAKE", "U0ERIN", "Customer ACME wants a refund for invoice 1234")
        event = slack_requests.message_event(channel="C0INTAKE", user="U0ERIN", text=message.text, ts=message.ts)
        ack = await fake.socket_send("events_api", event)

        assert ack == {"envelope_id": fake.socket_envelopes[-1]["envelope_id"]}
        # Acknowledged only after the work committed (process_before_response): the ticket is already stored.
        ticket = await bot.ticket("SUP-1")
        assert (ticket.owner_id, ticket.origin_channel, ticket.origin_ts) == ("U0ALICE", "C0INTAKE", message.ts)

        await bot.drain()
        posts = [c for c in await fake.wait_for_calls("chat.postMessage") if c.args.get("channel") == "C0INTAKE"]
        assert [c.args.get("thread_ts") for c in posts] == [message.ts]
        [card] = [m for m in fake.messages_in("C0INTAKE", thread_ts=message.ts) if m.user == fake.bot_user_id]
        assert "SUP-1" in json.dumps(card.blocks)
        ticket = await bot.ticket("SUP-1")
        assert (ticket.card_channel, ticket.card_ts) == ("C0INTAKE", card.ts)

        # Socket Mode has no Request URL: Slack's HTTP endpoint is off, health still answers.
        body = json.dumps(slack_requests.message_event(channel="C0INTAKE", user="U0ERIN", text="over HTTP"))
        refused = await bot.http.post("/slack/events", content=body, headers={"Content-Type": "application/json"})
        assert refused.status_code == 404
        assert (await bot.http.get("/healthz")).status_code == 200
        assert len(await bot.tickets()) == 1


async def test_socket_mode_slash_command_answers_in_the_ack(database_url: str, workspace: WorkspaceConfig) -> None:
    async with socket_mode_bot(database_url, workspace) as bot:
        command = dict(parse_qsl(slack_requests.slash_command_body(text="help", user="U0ERIN")))
        assert (command["command"], command["text"]) == ("/ticket", "help")

        ack = await bot.fake.socket_send("slash_commands", command, accepts_response_payload=True)

        payload = ack["payload"]
        assert payload["response_type"] == "ephemeral"
        assert payload["text"] == bot.services.replies.help()
        assert "/ticket list" in payload["text"]
