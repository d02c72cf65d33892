"""A bot told to stop (SIGTERM, a rolling restart) closes its door first — new Slack requests get 503, so Slack
delivers them to another replica — lets the call in flight finish and be recorded, gives back every message it had
not started, says its sender stopped, and exits within ``STOP_WITHIN``; the next sender sends the rest, once."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from typing import Any

import pytest
from sqlmodel import col, select

from bot.runtime.app import STOP_WITHIN
from bot.sandbox import slack_requests
from bot.sandbox.polling import eventually
from config.schema import WorkspaceConfig
from storage.models import Heartbeat, OutboxMessage
from tests.reliability.cluster import outbox_id_of
from tests.support.harness import Harness, running_bot


async def rows(bot: Harness) -> list[OutboxMessage]:
    async with bot.services.db.transaction() as session:
        return list((await session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id)))).all())


async def test_a_stopping_bot_refuses_new_requests_finishes_its_call_and_gives_back_the_rest(
    bot: Harness, database_url: str, workspace: WorkspaceConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    slack = bot.sender.delivery.slack
    call = slack.call
    in_flight, answered = asyncio.Event(), asyncio.Event()

    async def slow_first_call(method: str, payload: dict[str, Any], attempts: int) -> Any:
        if not in_flight.is_set():
            in_flight.set()
            await answered.wait()  # Slack takes its time over the card
        return await call(method, payload, attempts)

    monkeypatch.setattr(slack, "call", slow_first_call)
    await bot.intake_message("refund please, charged twice")
    await asyncio.wait_for(in_flight.wait(), 5)
    started = time.monotonic()
    stopping = asyncio.create_task(bot.bot.stop())
    await eventually(lambda: not bot.bot._door.open, timeout=5.0, interval=0.01, failure="the door never closed")

    # A new request meanwhile is refused at once, so Slack delivers it again (to another replica).
    text = "another refund"
    message = bot.fake.post_user_message("C0INTAKE", "U0ERIN", text)
    refused = await bot.event(slack_requests.message_event(channel="C0INTAKE", user="U0ERIN", text=text, ts=message.ts))
    assert refused.status_code == 503
    health = await bot.http.get("/healthz")
    assert (health.status_code, health.json()) == (503, {"status": "stopping"})

    answered.set()
    await asyncio.wait_for(stopping, STOP_WITHIN)
    assert time.monotonic() - started < STOP_WITHIN

    after = await rows(bot)
    card, *rest = after
    assert (card.purpose, card.status, card.result_ts is not None) == ("card", "sent", True)  # finished, recorded
    assert rest and {(r.status, r.claimed_until, r.claimed_by) for r in rest} == {("pending", None, None)}
    assert {r.last_error for r in rest} == {"given back by a sender that was stopping"}
    async with bot.services.db.transaction() as session:
        [beat] = (await session.exec(select(Heartbeat).where(col(Heartbeat.part) == "sender"))).all()
    assert beat.stopped_at is not None  # whatever it might still hold is anyone's at once

    # The next sender (another replica, or this one restarted) sends what was given back, and nothing twice.
    async with running_bot(database_url, workspace, slack=bot.slack, clock=bot.clock) as restarted:
        await restarted.drain()
        after = await rows(restarted)
    assert {r.status for r in after} == {"sent"}
    posts = Counter(outbox_id_of(c.args) for c in bot.fake.calls_to("chat.postMessage") if c.ok)
    assert all(posts[r.id] == 1 for r in after if r.method == "chat.postMessage")
    assert not [m for m in bot.fake.messages_in("C0INTAKE") if m.text == text and m.user == bot.fake.bot_user_id]
