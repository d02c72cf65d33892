"""What a captured or crafted signed request cannot do: act twice when sent again within Slack's five minutes,
crash the door with deep nesting, or read ``/metrics`` without ``METRICS_TOKEN``."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from urllib.parse import urlencode

import pytest
from sqlmodel import col, func, select

from bot.sandbox import slack_requests
from bot.surfaces.ids import ActionId
from config.schema import WorkspaceConfig
from storage.models import OutboxMessage, ProcessedEvent, TicketEvent
from tests.e2e.conftest import METRICS_TOKEN
from tests.support.harness import Harness, running_bot

FORM = "application/x-www-form-urlencoded"


async def _count(bot: Harness, model: type[TicketEvent] | type[OutboxMessage]) -> int:
    async with bot.services.db.transaction() as session:
        return int((await session.exec(select(func.count()).select_from(model))).one())


async def test_a_replayed_slash_command_opens_one_ticket(bot: Harness) -> None:
    body = slack_requests.slash_command_body(text="urgent the printer in hall B is on fire", user="U0ERIN")
    stamp = int(time.time())
    first = await bot.post(body, FORM, timestamp=stamp)
    assert first.status_code == 200 and "SUP-1" in first.json()["text"]
    replayed = await bot.post(body, FORM, timestamp=stamp)  # the same body, timestamp and signature
    assert replayed.status_code == 200 and replayed.text == ""
    assert [(t.key, t.priority) for t in await bot.tickets()] == [("SUP-1", "urgent")]
    # The same words sent again by the person (a new request: a new timestamp) are a new ticket, as before.
    again = await bot.post(body, FORM, timestamp=stamp + 1)
    assert again.status_code == 200 and len(await bot.tickets()) == 2


async def test_a_replayed_button_click_is_not_acted_on_twice(bot: Harness) -> None:
    await bot.intake_message("refund please")
    await bot.drain()
    ticket = await bot.ticket("SUP-1")
    assert ticket.card_channel and ticket.card_ts
    body = slack_requests.block_actions_body(
        action_id=ActionId.ACKNOWLEDGE,
        value="SUP-1",
        user="U0ALICE",
        channel=ticket.card_channel,
        message_ts=ticket.card_ts,
    )
    stamp = int(time.time())
    assert (await bot.post(body, FORM, timestamp=stamp)).status_code == 200
    await bot.drain()
    assert (await bot.ticket("SUP-1")).status == "acknowledged"
    events, rows, calls = await _count(bot, TicketEvent), await _count(bot, OutboxMessage), len(bot.fake.calls)

    replayed = await bot.post(body, FORM, timestamp=stamp)
    assert replayed.status_code == 200 and replayed.text == ""
    await bot.drain()
    # Nothing done: no audit event, no message queued, no Slack call (not even "already acknowledged").
    assert (await _count(bot, TicketEvent), await _count(bot, OutboxMessage)) == (events, rows)
    assert len(bot.fake.calls) == calls and bot.fake.calls_to("chat.postEphemeral") == []


async def test_a_replay_is_recognised_by_another_replica(database_url: str, workspace: WorkspaceConfig) -> None:
    """The key is kept in the database, so a replay sent to a second bot on the same database is refused too."""
    body = slack_requests.slash_command_body(text="urgent the lift is stuck", user="U0ERIN")
    stamp = int(time.time())
    async with running_bot(database_url, workspace) as first, running_bot(database_url, workspace) as second:
        assert (await first.post(body, FORM, timestamp=stamp)).status_code == 200
        replayed = await second.post(body, FORM, timestamp=stamp)
        assert replayed.status_code == 200 and replayed.text == ""
        assert [t.key for t in await second.tickets()] == ["SUP-1"]


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize("depth", [5_000, 500])
async def test_a_signed_body_nested_deep_is_refused_with_400(bot: Harness, depth: int) -> None:
    """5,000 deep is more than the JSON parser takes; 500 deep parses, but every later walk of it would recurse."""
    event = slack_requests.message_event(channel="C0INTAKE", user="U0ERIN", text="refund \u0000 please")
    as_json = json.dumps(event)[:-1] + f', "deep": {_nested(depth)}}}'
    click = urlencode({"payload": json.dumps({"type": "block_actions", "deep": 0})[:-2] + _nested(depth) + "}"})
    for body, content_type in ((as_json, "application/json"), (click, FORM)):
        response = await bot.post(body, content_type)
        assert response.status_code == 400, response.text
        assert "malformed payload: nested more than 64 levels deep" in response.text
    assert await bot.tickets() == []


@pytest.fixture
async def guarded(database_url: str, workspace: WorkspaceConfig) -> AsyncIterator[Harness]:
    async with running_bot(database_url, workspace, env={"METRICS_TOKEN": METRICS_TOKEN}) as harness:
        yield harness


async def test_metrics_token_guards_metrics(guarded: Harness) -> None:
    assert (await guarded.http.get("/metrics")).status_code == 401
    wrong = await guarded.http.get("/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}x"})
    assert wrong.status_code == 401 and wrong.headers["WWW-Authenticate"] == "Bearer"
    assert METRICS_TOKEN not in wrong.text
    basic = await guarded.http.get("/metrics", headers={"Authorization": f"Basic {METRICS_TOKEN}"})
    assert basic.status_code == 401
    right = await guarded.http.get("/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
    assert right.status_code == 200 and "crossdesk_outbox_backlog" in right.text
    assert (await guarded.http.get("/healthz")).status_code == 200  # health stays open for load balancers


async def test_metrics_stay_open_without_a_metrics_token(bot: Harness) -> None:
    assert (await bot.http.get("/metrics")).status_code == 200


async def test_the_replay_keys_are_counted_apart_from_events(bot: Harness) -> None:
    """Replays show in ``/metrics`` as refused requests (reason ``replay``)."""
    body = slack_requests.slash_command_body(text="help", user="U0ERIN")
    stamp = int(time.time())
    await bot.post(body, FORM, timestamp=stamp)
    await bot.post(body, FORM, timestamp=stamp)
    metrics = await bot.http.get("/metrics")
    assert 'crossdesk_slack_requests_refused_total{reason="replay"} 1.0' in metrics.text
    async with bot.services.db.transaction() as session:
        keys = (await session.exec(select(ProcessedEvent).where(col(ProcessedEvent.event_id).startswith("rq")))).all()
    assert [k.event_type for k in keys] == ["command"]


@pytest.mark.parametrize("where", ["home", "card"])
async def test_a_click_no_listener_takes_is_answered_404_and_leaves_no_replay_key(bot: Harness, where: str) -> None:
    """A signed click with an action id this app never made (a forged or stale button) is answered 404 by Bolt, and
    its replay key goes again: a request the bot did not act on writes nothing."""
    action_id = "支持" * 40
    if where == "home":
        body = slack_requests.home_block_actions_body(action_id=action_id, value="SUP-1", user="U0ERIN")
    else:
        body = slack_requests.block_actions_body(
            action_id=action_id, value="SUP-1", user="U0ERIN", channel="C0SUPPORT", message_ts="1700000000.000100"
        )
    response = await bot.post(body, FORM)
    assert response.status_code == 404
    async with bot.services.db.transaction() as session:
        keys = (await session.exec(select(ProcessedEvent))).all()
    assert keys == []
    # A click the app knows is still recorded for replays: the removal is for requests nobody took.
    known = slack_requests.home_block_actions_body(action_id=ActionId.ACKNOWLEDGE, value="SUP-9", user="U0ERIN")
    assert (await bot.post(known, FORM)).status_code == 200
    async with bot.services.db.transaction() as session:
        kinds = [k.event_type for k in (await session.exec(select(ProcessedEvent))).all()]
    assert kinds == ["block_actions"]
