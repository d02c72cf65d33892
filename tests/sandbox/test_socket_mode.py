"""The fake's Socket Mode server, driven by slack_sdk's real aiohttp ``SocketModeClient``."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
import pytest_asyncio
from slack_sdk.socket_mode.aiohttp import SocketModeClient
from slack_sdk.socket_mode.async_client import AsyncBaseSocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse
from slack_sdk.web.async_client import AsyncWebClient

from bot.sandbox import slack_requests
from bot.sandbox.fake_slack.server import SlackApiServer
from bot.sandbox.fake_slack.workspace import SlackWorkspace


class Recorder:
    """Listeners for a ``SocketModeClient``: every raw message, and every request (acknowledged unless told not)."""

    def __init__(self, *, ack: bool = True, response_payload: dict[str, Any] | None = None) -> None:
        self.ack = ack
        self.response_payload = response_payload
        self.messages: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.requests: list[SocketModeRequest] = []

    async def on_message(self, client: AsyncBaseSocketModeClient, message: dict[str, Any], raw: str | None) -> None:
        await self.messages.put(message)

    async def on_request(self, client: AsyncBaseSocketModeClient, request: SocketModeRequest) -> None:
        self.requests.append(request)
        if self.ack:
            await client.send_socket_mode_response(
                SocketModeResponse(envelope_id=request.envelope_id, payload=self.response_payload)
            )

    async def next_message(self, message_type: str, timeout: float = 5.0) -> dict[str, Any]:  # noqa: ASYNC109
        async with asyncio.timeout(timeout):
            while True:
                message = await self.messages.get()
                if message.get("type") == message_type:
                    return message


async def connect(client: SocketModeClient) -> None:
    """``apps.connections.open``, then the WebSocket; returns once the socket is open (slack_sdk is untyped)."""
    await client.connect()  # type: ignore[no-untyped-call]


@pytest_asyncio.fixture
async def server() -> AsyncIterator[SlackApiServer]:
    async with SlackApiServer() as server:
        yield server


@pytest.fixture
def fake(server: SlackApiServer) -> SlackWorkspace:
    return server.workspace


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest_asyncio.fixture
async def client(server: SlackApiServer, recorder: Recorder) -> AsyncIterator[SocketModeClient]:
    web_client = AsyncWebClient(base_url=server.url, token=server.workspace.bot_token)
    client = SocketModeClient(app_token=server.workspace.app_token, web_client=web_client)
    client.message_listeners.append(recorder.on_message)
    client.socket_mode_request_listeners.append(recorder.on_request)
    yield client
    await client.close()  # type: ignore[no-untyped-call]


async def test_client_connects_through_apps_connections_open_and_gets_hello(
    client: SocketModeClient, fake: SlackWorkspace, recorder: Recorder, server: SlackApiServer
) -> None:
    assert fake.socket_connections == 0
    await connect(client)
    assert await fake.wait_for_socket() == 1

    # The client asked for the URL with the app-level token: the fake refuses the bot token for this method.
    [opened] = fake.calls_to("apps.connections.open")
    assert opened.ok and "token" not in opened.args
    url = opened.response["url"]
    assert url.startswith(f"ws://127.0.0.1:{server.port}/socket?ticket=")
    assert f"&app_id={fake.app_id}" in url

    hello = await recorder.next_message("hello")
    assert hello["num_connections"] == 1
    assert hello["connection_info"] == {"app_id": fake.app_id}
    assert hello["debug_info"]["host"]
    assert hello["debug_info"]["approximate_connection_time"] > 0
    assert await client.is_connected()


async def test_every_connections_open_call_issues_a_fresh_ticket(fake: SlackWorkspace, server: SlackApiServer) -> None:
    app_client = AsyncWebClient(base_url=server.url, retry_handlers=[])
    first = await app_client.apps_connections_open(app_token=fake.app_token)
    second = await app_client.apps_connections_open(app_token=fake.app_token)
    assert first["url"] != second["url"]


async def test_events_api_envelope_is_delivered_and_acknowledged(
    client: SocketModeClient, fake: SlackWorkspace, recorder: Recorder
) -> None:
    await connect(client)
    payload = slack_requests.message_event(channel="C0INTAKE", user="U0ERIN", text="Refund please")

    ack = await fake.socket_send("events_api", payload)

    [envelope] = fake.socket_envelopes
    assert ack == {"envelope_id": envelope["envelope_id"]}
    assert fake.socket_acks == [ack]
    assert envelope == {
        "envelope_id": envelope["envelope_id"],
        "type": "events_api",
        "accepts_response_payload": False,
        "payload": payload,
        "retry_attempt": 0,
        "retry_reason": "",
    }
    [request] = recorder.requests
    assert (request.type, request.envelope_id, request.payload) == ("events_api", ack["envelope_id"], payload)
    assert (request.accepts_response_payload, request.retry_attempt, request.retry_reason) == (False, 0, "")


async def test_ack_payload_comes_back_for_a_slash_command(
    client: SocketModeClient, fake: SlackWorkspace, recorder: Recorder
) -> None:
    recorder.response_payload = {"response_type": "ephemeral", "text": "Here is how /ticket works"}
    await connect(client)
    command = {"command": "/ticket", "text": "help", "user_id": "U0ERIN", "channel_id": "C0INTAKE"}

    ack = await fake.socket_send("slash_commands", command, accepts_response_payload=True)

    assert ack["payload"] == {"response_type": "ephemeral", "text": "Here is how /ticket works"}
    [request] = recorder.requests
    assert request.type == "slash_commands" and request.accepts_response_payload
    assert request.retry_attempt is None  # only events_api envelopes carry retry fields
    # Envelope ids are unique per delivery.
    second = await fake.socket_send("slash_commands", command, accepts_response_payload=True)
    assert second["envelope_id"] != ack["envelope_id"]


@pytest.mark.parametrize("query", ["?ticket=not-a-ticket", "", "?ticket="])
async def test_unknown_or_missing_ticket_is_refused(fake: SlackWorkspace, server: SlackApiServer, query: str) -> None:
    async with aiohttp.ClientSession() as session, session.ws_connect(f"{server.base_url}/socket{query}") as ws:
        message = await asyncio.wait_for(ws.receive(), 5)
        assert message.type is aiohttp.WSMsgType.CLOSE  # closed without a hello
        assert message.data == aiohttp.WSCloseCode.POLICY_VIOLATION
    assert fake.socket_connections == 0


async def test_a_ticket_works_only_once(fake: SlackWorkspace, server: SlackApiServer) -> None:
    app_client = AsyncWebClient(base_url=server.url, retry_handlers=[])
    url = (await app_client.apps_connections_open(app_token=fake.app_token))["url"]
    async with aiohttp.ClientSession() as session:
        async with session.ws_connect(url) as ws:
            hello = await ws.receive_json(timeout=5)
            assert hello["type"] == "hello"
        async with session.ws_connect(url) as ws:
            message = await asyncio.wait_for(ws.receive(), 5)
            assert message.type is aiohttp.WSMsgType.CLOSE


async def test_client_reconnects_after_a_disconnect_message(
    client: SocketModeClient, fake: SlackWorkspace, recorder: Recorder
) -> None:
    await connect(client)
    await recorder.next_message("hello")

    assert await fake.socket_disconnect("refresh_requested") == 1

    # slack_sdk asks for a new URL, opens it and closes the old socket.
    await fake.wait_for_calls("apps.connections.open", 2)
    await recorder.next_message("hello")
    assert fake.socket_connections == 1
    ack = await fake.socket_send("events_api", slack_requests.message_event(channel="C0X", user="U0X", text="hi"))
    assert ack["envelope_id"] == fake.socket_envelopes[-1]["envelope_id"]


async def test_send_without_a_client_fails_clearly(fake: SlackWorkspace) -> None:
    with pytest.raises(AssertionError, match=r"no Socket Mode client connected within 0\.2s"):
        await fake.socket_send("events_api", {}, timeout=0.2)
    with pytest.raises(AssertionError, match=r"apps\.connections\.open was called 0 time"):
        await fake.wait_for_socket(timeout=0.1)


async def test_missing_ack_fails_clearly(client: SocketModeClient, fake: SlackWorkspace, recorder: Recorder) -> None:
    recorder.ack = False
    await connect(client)
    with pytest.raises(AssertionError, match="no acknowledgement of the events_api envelope"):
        await fake.socket_send("events_api", {"type": "event_callback"}, timeout=0.5)
    assert len(recorder.requests) == 1 and fake.socket_acks == []


async def test_stopping_the_server_closes_sockets_without_hanging() -> None:
    server = await SlackApiServer().start()
    fake = server.workspace
    app_client = AsyncWebClient(base_url=server.url, retry_handlers=[])
    url = (await app_client.apps_connections_open(app_token=fake.app_token))["url"]
    async with aiohttp.ClientSession() as session, session.ws_connect(url) as ws:
        await fake.wait_for_socket()
        # This client never reads, so it never answers the close frame: the server must not wait for it forever.
        started = time.monotonic()
        await asyncio.wait_for(server.stop(), 10)
        assert time.monotonic() - started < 5
        assert fake.socket_connections == 0
        await ws.receive_json(timeout=5)  # the hello, still buffered
        message = await ws.receive(timeout=5)
        assert message.type in {aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED}
