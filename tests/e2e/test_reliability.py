"""Nothing twice, nothing lost: deduplication, signatures, malformed payloads, outbox retries, DB failures."""

from __future__ import annotations

import json
import logging
import time
from datetime import timedelta

import httpx
import pytest
from aiohttp import web
from slack_sdk.signature import SignatureVerifier
from sqlalchemy.exc import OperationalError
from sqlmodel import select

from bot.runtime.metrics import Metrics
from bot.runtime.server import build_web_app
from bot.sandbox import slack_requests
from bot.surfaces.ids import ActionId
from config.schema import WorkspaceConfig
from storage.database import Database
from storage.models import OutboxMessage, ProcessedEvent, TicketEvent
from tests.support.harness import Harness, running_bot


def cards_in(bot: Harness, channel: str, thread_ts: str) -> list[object]:
    return [m for m in bot.fake.messages_in(channel, thread_ts=thread_ts) if m.user == bot.fake.bot_user_id]


async def test_redelivered_event_is_handled_once(bot: Harness) -> None:
    message = bot.fake.post_user_message("C0INTAKE", "U0ERIN", "refund please")
    payload = slack_requests.message_event(channel="C0INTAKE", user="U0ERIN", text=message.text, ts=message.ts)
    first = await bot.event(payload)
    retry = await bot.event(payload, retry_num=1)
    assert first.status_code == retry.status_code == 200
    # Slack's retry carries the same event_id; a different event about the same message is caught too.
    other = dict(payload, event_id=slack_requests.next_event_id())
    assert (await bot.event(other)).status_code == 200
    await bot.drain()
    assert [t.key for t in await bot.tickets()] == ["SUP-1"]
    assert len(cards_in(bot, "C0INTAKE", message.ts)) == 1
    assert len(bot.fake.messages_in(bot.fake.dm_channel_for("U0ALICE"))) == 1


async def test_retry_after_a_restart_is_still_caught(database_url: str, workspace: WorkspaceConfig) -> None:
    async with running_bot(database_url, workspace) as first:
        message = first.fake.post_user_message("C0INTAKE", "U0ERIN", "refund please")
        payload = slack_requests.message_event(channel="C0INTAKE", user="U0ERIN", text=message.text, ts=message.ts)
        assert (await first.event(payload)).status_code == 200
        await first.drain()
        slack = first.slack
        async with running_bot(database_url, workspace, slack=slack) as second:
            assert (await second.event(payload, retry_num=2)).status_code == 200
            assert [t.key for t in await second.tickets()] == ["SUP-1"]
            await second.drain()
            assert len(cards_in(second, "C0INTAKE", message.ts)) == 1


@pytest.mark.parametrize(
    "headers",
    [
        {},  # unsigned
        {"X-Slack-Request-Timestamp": str(int(time.time())), "X-Slack-Signature": "v0=" + "0" * 64},
        slack_requests.sign("{}", secret="someone-elses-secret"),
    ],
    ids=["unsigned", "wrong-signature", "wrong-secret"],
)
async def test_forged_requests_get_401_and_change_nothing(bot: Harness, headers: dict[str, str]) -> None:
    payload = slack_requests.message_event(channel="C0INTAKE", user="U0ERIN", text="refund please")
    calls_before = len(bot.fake.calls)
    response = await bot.post(json.dumps(payload), "application/json", headers=headers, signed=False)
    assert response.status_code == 401
    assert await bot.tickets() == []
    assert len(bot.fake.calls) == calls_before


async def test_stale_request_gets_401(bot: Harness) -> None:
    payload = slack_requests.message_event(channel="C0INTAKE", user="U0ERIN", text="refund please")
    response = await bot.post(json.dumps(payload), "application/json", timestamp=int(time.time()) - 6 * 60)
    assert response.status_code == 401
    assert await bot.tickets() == []


async def test_each_request_signature_is_checked_once(bot: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    """The HTTP door checks the signature before it parses the body; Bolt's own check is off, not run again."""
    checked: list[str] = []
    real = SignatureVerifier.is_valid

    def counting(self: SignatureVerifier, body: str | bytes, timestamp: str, signature: str) -> bool:
        checked.append(timestamp)
        return real(self, body, timestamp, signature)

    monkeypatch.setattr(SignatureVerifier, "is_valid", counting)
    message = bot.fake.post_user_message("C0INTAKE", "U0ERIN", "refund please")
    payload = slack_requests.message_event(channel="C0INTAKE", user="U0ERIN", text=message.text, ts=message.ts)
    assert (await bot.event(payload)).status_code == 200
    assert (await bot.command("help", "U0ALICE")).status_code == 200
    assert len(checked) == 2
    assert len(await bot.tickets()) == 1


@pytest.mark.parametrize("kind", ["command", "click", "tampered-event"])
async def test_forged_commands_clicks_and_altered_bodies_get_401_and_change_nothing(bot: Harness, kind: str) -> None:
    """Every kind of request meets the one check: form-encoded commands and interactions as well as JSON events,
    and a body changed after Slack signed it (the signature is over the body, not only present)."""
    await bot.intake_message("refund please")
    await bot.drain()
    calls_before = len(bot.fake.calls)
    forged_headers = slack_requests.sign("{}", secret="someone-elses-secret")
    if kind == "command":
        body = slack_requests.slash_command_body(text="close SUP-1 done", user="U0ALICE")
        response = await bot.post(body, "application/x-www-form-urlencoded", headers=forged_headers, signed=False)
    elif kind == "click":
        ticket = await bot.ticket("SUP-1")
        body = slack_requests.block_actions_body(
            action_id=ActionId.ACKNOWLEDGE,
            value="SUP-1",
            user="U0ALICE",
            channel=ticket.card_channel or "",
            message_ts=ticket.card_ts or "",
        )
        response = await bot.post(body, "application/x-www-form-urlencoded", headers=forged_headers, signed=False)
    else:
        signed = json.dumps(slack_requests.message_event(channel="C0INTAKE", user="U0ERIN", text="hello"))
        altered = signed.replace("hello", "refund please now")
        response = await bot.post(altered, "application/json", headers=slack_requests.sign(signed), signed=False)
    assert response.status_code == 401
    [ticket] = await bot.tickets()
    assert ticket.status == "open"
    assert len(bot.fake.calls) == calls_before


async def test_malformed_payloads_get_a_log_line_and_a_non_500_answer(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    missing_channel = slack_requests.message_event(channel="C0INTAKE", user="U0ERIN", text="refund please")
    del missing_channel["event"]["channel"]
    wrong_type = slack_requests.message_event(channel="C0INTAKE", user="U0ERIN", text="refund please")
    wrong_type["event"]["ts"] = 12345
    bad_action = slack_requests.block_actions_body(
        action_id="crossdesk.ticket.acknowledge",
        value="not a key",
        user="U0ALICE",
        channel="C0INTAKE",
        message_ts="1.2",
    )
    cases = [
        ("{not json", "application/json"),
        ("payload=%7Bnot+json", "application/x-www-form-urlencoded"),
        (json.dumps(missing_channel), "application/json"),
        (json.dumps(wrong_type), "application/json"),
        (bad_action, "application/x-www-form-urlencoded"),
        (b"\xff\xfe{}", "application/json"),
    ]
    for body, content_type in cases:
        response = await bot.post(body, content_type)
        assert 400 <= response.status_code < 500, (body[:40], response.status_code)
    assert await bot.tickets() == []
    assert any("malformed" in record.getMessage() for record in caplog.records)
    # And the bot is still fine.
    _, response = await bot.intake_message("refund please")
    assert response.status_code == 200 and [t.key for t in await bot.tickets()] == ["SUP-1"]


async def test_database_failure_before_commit_makes_slack_retry_and_writes_nothing(
    bot: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    from storage import outbox

    async def database_gone(*_args: object, **_kwargs: object) -> None:
        raise OperationalError("INSERT INTO outbox", {}, Exception("server closed the connection"))

    message = bot.fake.post_user_message("C0INTAKE", "U0ERIN", "refund please")
    payload = slack_requests.message_event(channel="C0INTAKE", user="U0ERIN", text=message.text, ts=message.ts)
    with monkeypatch.context() as patch:
        patch.setattr(outbox, "enqueue_calls", database_gone)  # the ticket's card, DM and notice
        response = await bot.event(payload)
    assert response.status_code == 503  # not acknowledged as done: Slack will deliver it again
    assert await bot.tickets() == []
    async with bot.services.db.transaction() as session:
        assert (await session.exec(select(TicketEvent))).all() == []
        assert (await session.exec(select(ProcessedEvent))).all() == []
        assert (await session.exec(select(OutboxMessage))).all() == []
    assert (await bot.event(payload, retry_num=1)).status_code == 200
    assert [t.key for t in await bot.tickets()] == ["SUP-1"]


async def test_rate_limited_send_waits_for_retry_after_and_is_sent_once(bot: Harness) -> None:
    bot.fake.fail_next("chat.postMessage", status=429, retry_after=30)
    ts, _ = await bot.intake_message("refund please")
    await bot.fake.wait_for_calls("chat.postMessage")
    await bot.settle()
    async with bot.services.db.transaction() as session:
        card = (await session.exec(select(OutboxMessage).where(OutboxMessage.purpose == "card"))).one()
    assert card.status == "pending" and card.attempts == 1
    assert card.next_attempt_at == bot.clock.now() + timedelta(seconds=30)
    assert "rate limited" in (card.last_error or "")
    assert cards_in(bot, "C0INTAKE", ts) == []
    bot.clock.advance(timedelta(seconds=30))
    await bot.drain()
    assert len(cards_in(bot, "C0INTAKE", ts)) == 1
    assert len(bot.fake.messages_in(bot.fake.dm_channel_for("U0ALICE"))) == 1


async def test_a_rate_limit_holds_back_every_post_to_that_channel_until_retry_after(bot: Harness) -> None:
    """Slack limits posts per channel: after one 429, the next card for the same channel waits out the Retry-After
    without asking Slack (and being refused) again, and takes no attempt from its row."""
    bot.fake.fail_next("chat.postMessage", status=429, retry_after=30)
    first_ts, _ = await bot.intake_message("refund please")
    await bot.fake.wait_for_calls("chat.postMessage")
    await bot.settle()
    second_ts, _ = await bot.intake_message("refund again please")
    await bot.settle()

    def posts_to_intake() -> int:
        return sum(1 for call in bot.fake.calls_to("chat.postMessage") if call.args.get("channel") == "C0INTAKE")

    assert posts_to_intake() == 1  # only the refused one
    async with bot.services.db.transaction() as session:
        cards = (await session.exec(select(OutboxMessage).where(OutboxMessage.purpose == "card"))).all()
    held = [card for card in cards if "held back" in (card.last_error or "")]
    assert len(held) == 1 and held[0].status == "pending" and held[0].attempts == 0
    assert held[0].next_attempt_at == bot.clock.now() + timedelta(seconds=30)
    bot.clock.advance(timedelta(seconds=30))
    await bot.drain()
    assert posts_to_intake() == 3  # the refused card again, and the held one once
    assert len(cards_in(bot, "C0INTAKE", first_ts)) == 1 and len(cards_in(bot, "C0INTAKE", second_ts)) == 1


async def test_server_errors_are_retried_with_backoff(bot: Harness) -> None:
    bot.fake.fail_next("chat.postMessage", status=500, times=2)
    ts, _ = await bot.intake_message("refund please")
    await bot.fake.wait_for_calls("chat.postMessage", count=1)
    await bot.settle()  # the retry is scheduled 1 s from when the 500 came back, not from when it was sent
    bot.clock.advance(timedelta(seconds=1))
    await bot.fake.wait_for_calls("chat.postMessage", count=2)
    await bot.settle()
    bot.clock.advance(timedelta(seconds=2))
    await bot.drain()
    assert len(cards_in(bot, "C0INTAKE", ts)) == 1


async def test_card_that_cannot_reach_its_thread_goes_to_the_department_channel(bot: Harness) -> None:
    """The bot was not invited to the channel (or a shortcut was used in a DM): the card still gets posted."""
    bot.fake.fail_next("chat.postMessage", error="not_in_channel")
    await bot.intake_message("refund please")
    await bot.drain()
    ticket = await bot.ticket("SUP-1")
    assert ticket.card_channel == "C0SUPPORT" and ticket.thread_ts == ticket.card_ts
    assert any("SUP-1" in json.dumps(m.blocks) for m in bot.fake.messages_in("C0SUPPORT"))
    await bot.command("ack SUP-1", "U0ALICE")
    await bot.drain()
    assert any("acknowledged" in m.text for m in bot.fake.messages_in("C0SUPPORT", thread_ts=ticket.card_ts))


async def test_permanent_slack_error_marks_the_message_failed_without_retrying(bot: Harness) -> None:
    bot.fake.fail_next("chat.postMessage", error="invalid_blocks")
    await bot.intake_message("refund please")
    await bot.drain()
    async with bot.services.db.transaction() as session:
        card = (await session.exec(select(OutboxMessage).where(OutboxMessage.purpose == "card"))).one()
    assert card.status == "failed" and "invalid_blocks" in (card.last_error or "")
    # The owner is still told, without a link to a card that does not exist.
    [dm] = bot.fake.messages_in(bot.fake.dm_channel_for("U0ALICE"))
    assert "SUP-1" in dm.text and "{card_link}" not in dm.text


async def test_health_and_metrics(bot: Harness) -> None:
    health = await bot.http.get("/healthz")
    assert health.status_code == 200 and health.json()["database"] == "reachable"
    await bot.intake_message("refund please")
    metrics = await bot.http.get("/metrics")
    assert metrics.status_code == 200
    assert 'crossdesk_slack_requests_total{kind="message",status="200"} 1.0' in metrics.text
    assert "crossdesk_outbox_backlog" in metrics.text


async def test_healthz_is_503_when_the_database_is_unreachable() -> None:
    db = Database("postgresql://postgres@127.0.0.1:9/unreachable")
    runner = web.AppRunner(build_web_app(None, db, Metrics(), None))
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    port = runner.addresses[0][1]
    try:
        async with httpx.AsyncClient() as client:
            response = await client.get(f"http://127.0.0.1:{port}/healthz")
        assert response.status_code == 503
        assert response.json() == {"status": "unavailable", "database": "unreachable"}
    finally:
        await runner.cleanup()
        await db.dispose()


async def test_slack_unreachable_for_auth_test_makes_slack_retry_instead_of_losing_the_event(bot: Harness) -> None:
    # As if Slack had been unreachable when the bot started: it does not know who it is yet.
    bot.services.identity.url = None
    bot.fake.fail_next("auth.test", status=500)
    message = bot.fake.post_user_message("C0INTAKE", "U0ERIN", "refund please")
    payload = slack_requests.message_event(channel="C0INTAKE", user="U0ERIN", text=message.text, ts=message.ts)
    assert (await bot.event(payload)).status_code == 503
    assert await bot.tickets() == []
    assert (await bot.event(payload, retry_num=1)).status_code == 200
    assert [t.key for t in await bot.tickets()] == ["SUP-1"]


async def test_a_card_held_up_by_slack_shows_the_ticket_as_it_is_when_it_is_posted(bot: Harness) -> None:
    """The card is rendered when it is sent, not when it was queued: acknowledged while Slack was failing, the
    ticket's first card already says so."""
    bot.fake.fail_next("chat.postMessage", status=500)
    await bot.intake_message("refund please")
    await bot.fake.wait_for_calls("chat.postMessage", count=1)
    await bot.settle()
    await bot.command("ack SUP-1", "U0ALICE")
    bot.clock.advance(timedelta(seconds=1))
    await bot.drain()
    posted_cards = [c for c in bot.fake.calls_to("chat.postMessage") if c.ok and c.blocks]
    assert posted_cards, "the card was never posted"
    fields = [field["text"] for block in posted_cards[0].blocks for field in block.get("fields", [])]
    assert "*Status*\nAcknowledged" in fields, fields
