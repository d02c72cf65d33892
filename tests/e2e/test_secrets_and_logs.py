"""Secrets never reach a log line, stale requests are refused, and ``LOG_FORMAT=json`` writes only JSON lines.

The autouse fixture in ``conftest.py`` makes every e2e test a secrets check; the tests here make sure that
check has something to bite on (slack_sdk's DEBUG request lines, tracebacks that carry a token) and run
the real ``crossdesk run`` process to read its output.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import sys
import time
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from bot.sandbox import slack_requests
from bot.sandbox.fake_slack.server import SlackApiServer
from bot.sandbox.fake_slack.workspace import SlackWorkspace
from bot.sandbox.polling import eventually
from bot.sandbox.scene import populate
from bot.sandbox.slack_requests import SIGNING_SECRET
from config.schema import WorkspaceConfig
from tests.e2e.conftest import TOKEN_SHAPE, DebugCapture
from tests.support.harness import BOT_TOKEN, EXTRA_PEOPLE, Harness


async def test_debug_capture_sees_slack_sdk_requests_and_redacts_tracebacks(
    bot: Harness, debug_log_without_secrets: DebugCapture
) -> None:
    await bot.intake_message("refund please")
    await bot.drain()
    bot.fake.fail_next("chat.postMessage", error="invalid_auth")
    posts = len(bot.fake.calls_to("chat.postMessage"))
    await bot.intake_message("another refund")
    await bot.fake.wait_for_calls("chat.postMessage", count=posts + 1)
    await bot.settle()
    bot.clock.advance(timedelta(seconds=30))  # a rejected token pauses sending; the sender asks Slack again in 30 s
    await bot.drain()

    async def leaky_job() -> None:
        url = "postgresql://crossdesk:hunter2secret@db.internal/crossdesk"
        raise RuntimeError(f"could not use {BOT_TOKEN} with {SIGNING_SECRET} at {url}")

    assert bot.bot.ticker is not None
    bot.bot.ticker.jobs["leaky"] = leaky_job
    await bot.bot.ticker.tick()

    text = debug_log_without_secrets.text
    # slack_sdk's own DEBUG lines about each request are in the capture (they are what could carry a token) …
    assert "Sending a request" in text and "chat.postMessage" in text
    # … and so is the traceback, with the secrets masked.
    assert "RuntimeError: could not use xox*-*** with *** at postgresql://crossdesk:***@db.internal" in text
    assert "hunter2secret" not in text and BOT_TOKEN not in text and SIGNING_SECRET not in text
    assert "invalid_auth" in text  # the Slack error is logged, without the token it was about


@pytest.mark.parametrize("minutes", [-6, 6], ids=["six-minutes-old", "six-minutes-ahead"])
async def test_requests_signed_more_than_five_minutes_away_are_refused(bot: Harness, minutes: int) -> None:
    payload = slack_requests.message_event(channel="C0INTAKE", user="U0ERIN", text="refund please")
    response = await bot.post(json.dumps(payload), "application/json", timestamp=int(time.time()) + minutes * 60)
    assert response.status_code == 401
    assert await bot.tickets() == []
    four_minutes_old = slack_requests.message_event(channel="C0INTAKE", user="U0ERIN", text="refund please")
    accepted = await bot.post(json.dumps(four_minutes_old), "application/json", timestamp=int(time.time()) - 240)
    assert accepted.status_code == 200


@pytest.fixture
async def fake_slack(workspace: WorkspaceConfig) -> AsyncIterator[SlackApiServer]:
    server = SlackApiServer(SlackWorkspace(bot_token=BOT_TOKEN))
    populate(server.workspace, workspace, extra_people=EXTRA_PEOPLE)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def wait_healthy(url: str, process: asyncio.subprocess.Process, timeout: float = 30.0) -> None:  # noqa: ASYNC109
    async with httpx.AsyncClient() as client:

        async def healthy() -> bool:
            assert process.returncode is None, "crossdesk run exited early"
            try:
                return (await client.get(url + "/healthz")).status_code == 200
            except httpx.TransportError:
                return False

        # The process is starting (migrations, auth.test): poll, do not guess.
        await eventually(
            healthy, timeout=timeout, interval=0.1, failure=f"crossdesk run did not become healthy in {timeout}s"
        )


async def test_log_format_json_gives_one_json_object_per_line(fake_slack: SlackApiServer, tmp_path: Path) -> None:
    # One real process on SQLite is enough: the database makes no difference to the log format.
    database_url = f"sqlite:///{tmp_path / 'crossdesk.db'}"
    port = free_port()
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake_slack.url,
        "DATABASE_URL": database_url,
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "LOG_FORMAT": "json",
        "LOG_LEVEL": "DEBUG",
        "CROSSDESK_TICK_SECONDS": "3600",
    }
    env.pop("SLACK_APP_TOKEN", None)
    env.pop("CROSSDESK_CONFIG", None)
    command = [sys.executable, "-c", "import sys; from bot.runtime.cli import main; sys.exit(main(['run']))"]
    log_file = tmp_path / "crossdesk.log"  # a file, not a pipe: DEBUG output could fill a pipe and stall the bot
    with log_file.open("wb") as sink:
        process = await asyncio.create_subprocess_exec(*command, env=env, cwd=tmp_path, stdout=sink, stderr=sink)
    try:
        base = f"http://127.0.0.1:{port}"
        await wait_healthy(base, process)
        message = fake_slack.workspace.post_user_message("C0INTAKE", "U0ERIN", "refund please")
        event = slack_requests.message_event(channel="C0INTAKE", user="U0ERIN", text=message.text, ts=message.ts)
        body = json.dumps(event)
        async with httpx.AsyncClient(base_url=base) as client:
            headers = {"Content-Type": "application/json", **slack_requests.sign(body)}
            assert (await client.post("/slack/events", content=body, headers=headers)).status_code == 200
            forged = {"Content-Type": "application/json", **slack_requests.sign(body, secret="not-the-secret")}
            assert (await client.post("/slack/events", content=body, headers=forged)).status_code == 401
            assert (await client.get("/metrics")).status_code == 200
        await fake_slack.workspace.wait_for_calls("chat.postMessage", count=2, timeout=15)
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.wait(), timeout=30)
    output = log_file.read_text(encoding="utf-8")
    assert process.returncode == 0, output[-2000:]
    lines = [line for line in output.splitlines() if line.strip()]
    assert len(lines) > 10
    entries = []
    for line in lines:
        entry = json.loads(line)  # every line is one JSON object, tracebacks and all
        assert isinstance(entry, dict) and {"time", "level", "logger", "message"} <= entry.keys(), line
        entries.append(entry)
    loggers = {entry["logger"] for entry in entries}
    assert "crossdesk.cli" in loggers and "bot.runtime.app" in loggers
    assert any(name.startswith("slack_sdk") for name in loggers)  # DEBUG really was on
    assert any(entry["level"] == "WARNING" and "signature" in entry["message"] for entry in entries)
    # The running bot froze its start-up heap (bot/runtime/heap.py) once it was serving.
    assert any(entry["logger"] == "bot.runtime.heap" and "frozen" in entry["message"] for entry in entries)
    assert BOT_TOKEN not in output and SIGNING_SECRET not in output and not TOKEN_SHAPE.search(output)
