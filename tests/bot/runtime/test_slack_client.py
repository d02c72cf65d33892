"""The bot's Web API client reports every call's method and duration, whether Slack said yes or no."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest
import pytest_asyncio
from prometheus_client.parser import text_string_to_metric_families
from slack_sdk.errors import SlackApiError

from bot.runtime.metrics import Metrics
from bot.runtime.slack_client import TimedWebClient, make_client
from bot.sandbox.fake_slack.server import SlackApiServer
from bot.sandbox.fake_slack.workspace import SlackWorkspace


@pytest_asyncio.fixture
async def server() -> AsyncIterator[SlackApiServer]:
    workspace = SlackWorkspace()
    workspace.add_user("U0ALICE", "alice", "Alice Wang")
    workspace.add_channel("C0INTAKE", "intake", members=["U0ALICE", workspace.bot_user_id])
    async with SlackApiServer(workspace) as running:
        yield running


async def test_each_call_is_reported_with_its_method_and_duration(server: SlackApiServer) -> None:
    reported: list[tuple[str, float]] = []

    def on_call(method: str, seconds: float) -> None:
        reported.append((method, seconds))

    async with aiohttp.ClientSession() as session:
        client = make_client(server.workspace.bot_token, server.url, session, retry_handlers=[], on_call=on_call)
        assert isinstance(client, TimedWebClient)
        await client.chat_postMessage(channel="C0INTAKE", text="hello")
        with pytest.raises(SlackApiError):
            await client.chat_postMessage(channel="C0NOWHERE", text="lost")
        await client.auth_test()
    assert [method for method, _ in reported] == ["chat.postMessage", "chat.postMessage", "auth.test"]
    assert all(seconds > 0 for _, seconds in reported)


async def test_without_a_listener_the_client_is_slack_sdks_own(server: SlackApiServer) -> None:
    async with aiohttp.ClientSession() as session:
        client = make_client(server.workspace.bot_token, server.url, session)
        assert not isinstance(client, TimedWebClient)
        assert (await client.auth_test())["ok"] is True


def test_the_metric_counts_calls_by_method() -> None:
    metrics = Metrics()
    metrics.slack_call("chat.postMessage", 0.02)
    metrics.slack_call("chat.postMessage", 0.04)
    metrics.slack_call("views.open", 0.5)
    samples = {
        (sample.name, sample.labels.get("method")): sample.value
        for family in text_string_to_metric_families(metrics.render().decode())
        for sample in family.samples
    }
    assert samples[("crossdesk_slack_api_request_duration_seconds_count", "chat.postMessage")] == 2
    assert samples[("crossdesk_slack_api_request_duration_seconds_sum", "chat.postMessage")] == pytest.approx(0.06)
    assert samples[("crossdesk_slack_api_request_duration_seconds_count", "views.open")] == 1


async def test_a_copy_for_a_request_reports_its_calls_and_keeps_the_deadline(server: SlackApiServer) -> None:
    reported: list[str] = []
    async with aiohttp.ClientSession() as session:
        client = make_client("", server.url, session, retry_handlers=[], on_call=lambda m, _: reported.append(m))
        assert isinstance(client, TimedWebClient)
        bounded = make_client(
            "", server.url, session, retry_handlers=[], on_call=lambda m, _: reported.append(m), deadline=0.2
        )
        assert isinstance(bounded, TimedWebClient)
        copy = client.for_request(server.workspace.bot_token, "T0TEAM")
        assert (await copy.auth_test())["ok"] is True
        server.workspace.delay_seconds = 1.0
        with pytest.raises(TimeoutError):
            await bounded.for_request(server.workspace.bot_token, None).auth_test()
    assert reported == ["auth.test", "auth.test"]
