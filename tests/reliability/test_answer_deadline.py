"""Slack stops waiting after 3 s: a request whose work is stuck is answered 503 before then, so Slack retries it."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest
from aiohttp import web

from bot.runtime import server
from bot.runtime.metrics import Metrics
from bot.sandbox import slack_requests
from storage.database import Database


class StuckBolt:
    """Stands in for the Bolt app: its work never finishes (a database or Slack that hangs)."""

    def __init__(self) -> None:
        self.cancelled = False

    async def async_dispatch(self, _request: Any) -> Any:
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            self.cancelled = True  # the work is abandoned (its transaction rolls back), not left running
            raise


@pytest.mark.parametrize("backend", ["sqlite"])  # the database is not what is being tested
async def test_stuck_work_is_answered_503_before_slack_gives_up(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(server, "ANSWER_DEADLINE", 0.3)
    bolt = StuckBolt()
    app = server.build_web_app(bolt, db, Metrics(), slack_requests.SIGNING_SECRET)  # type: ignore[arg-type]
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    body = json.dumps(slack_requests.message_event(channel="C0INTAKE", user="U0ERIN", text="refund please"))
    headers = {"Content-Type": "application/json", **slack_requests.sign(body)}
    try:
        async with httpx.AsyncClient(timeout=3.0) as http:
            # Slack's patience: no answer within 3 s raises here and fails the test.
            response = await http.post(f"http://127.0.0.1:{port}/slack/events", content=body, headers=headers)
    finally:
        await runner.cleanup()
    assert response.status_code == 503
    assert bolt.cancelled
