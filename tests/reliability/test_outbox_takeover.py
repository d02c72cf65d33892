"""A sender that dies after Slack accepted a post but before the database recorded it: the sender that takes the
row over finds the post by its metadata and records it, instead of posting it a second time."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import update
from sqlmodel import col, select

from bot.outbox.sender import SenderSettings
from bot.outbox.slack_calls import OUTBOX_EVENT_TYPE
from bot.runtime.clock import ManualClock
from bot.sandbox.fake_slack.server import SlackApiServer
from bot.sandbox.fake_slack.workspace import SlackWorkspace
from bot.sandbox.scene import populate
from bot.surfaces.ids import OutboxPurpose
from config.schema import WorkspaceConfig
from storage import outbox
from storage.models import OutboxMessage
from tests.support.harness import BOT_TOKEN, EXTRA_PEOPLE, START, Harness, running_bot

LEASE = timedelta(minutes=5)


@asynccontextmanager
async def sharing_a_clock(
    database_url: str, workspace: WorkspaceConfig, poll_interval: float
) -> AsyncIterator[Harness]:
    """A bot and a fake Slack on one clock, as in life: the look-up searches from when the row was queued."""
    clock = ManualClock(START)
    slack = SlackApiServer(SlackWorkspace(bot_token=BOT_TOKEN, clock=clock))
    populate(slack.workspace, workspace, extra_people=EXTRA_PEOPLE)
    await slack.start()
    try:
        settings = SenderSettings(poll_interval=poll_interval, lease=LEASE)
        async with running_bot(database_url, workspace, slack=slack, clock=clock, sender=settings) as harness:
            yield harness
    finally:
        await slack.stop()


@pytest.fixture
async def bot(database_url: str, workspace: WorkspaceConfig) -> AsyncIterator[Harness]:
    async with sharing_a_clock(database_url, workspace, poll_interval=0.05) as harness:
        yield harness


async def _posts(bot: Harness) -> list[OutboxMessage]:
    async with bot.services.db.transaction() as session:
        statement = select(OutboxMessage).where(col(OutboxMessage.method) == "chat.postMessage")
        return list((await session.exec(statement.order_by(col(OutboxMessage.id)))).all())


async def _as_a_dead_sender_left_them(bot: Harness, rows: list[OutboxMessage]) -> None:
    """Back to "sending", leased, with no outcome recorded: what a SIGKILL between the post and the commit leaves."""
    async with bot.services.db.transaction() as session:
        await session.exec(
            update(OutboxMessage)
            .where(col(OutboxMessage.id).in_([r.id for r in rows]))
            .values(status="sending", claimed_until=bot.clock.now() + LEASE, sent_at=None, result_ts=None)
        )


async def test_a_post_that_reached_slack_is_recorded_not_sent_again(bot: Harness) -> None:
    ts, _ = await bot.intake_message("refund please, charged twice")
    await bot.drain()
    posts = await _posts(bot)
    # The card (a thread reply), the owner's DM (addressed by user id) and the department channel notice.
    assert len(posts) >= 3
    channels = {str(r.payload.get("channel")) for r in posts}
    assert "U0ALICE" in channels and "C0INTAKE" in channels
    before = {r.id: r.result_ts for r in posts}
    calls_before = len(bot.fake.calls_to("chat.postMessage"))
    await _as_a_dead_sender_left_them(bot, posts)

    bot.clock.advance(LEASE + timedelta(seconds=1))
    await bot.drain()

    assert len(bot.fake.calls_to("chat.postMessage")) == calls_before  # nothing posted again
    after = {r.id: (r.status, r.result_ts) for r in await _posts(bot)}
    assert after == {row_id: ("sent", result_ts) for row_id, result_ts in before.items()}
    looked = bot.fake.calls_to("conversations.history") + bot.fake.calls_to("conversations.replies")
    assert looked and all(c.args.get("include_all_metadata") in (True, "1", "true", 1) for c in looked)
    assert bot.fake.calls_to("conversations.open")  # the DM was found through its IM id
    assert len(bot.fake.messages_in("C0INTAKE", thread_ts=ts)) == 2  # the message and one card


async def test_a_post_that_never_reached_slack_is_sent_once_after_the_lease(bot: Harness) -> None:
    await bot.intake_message("refund please")
    await bot.drain()
    async with bot.services.db.transaction() as session:
        # Written as leased to a sender that then died, before it sent anything.
        lost = outbox.Call("chat.postMessage", {"channel": "C0SUPPORT", "text": "lost in the crash"}, "notice")
        [row] = await outbox.enqueue_calls(session, [lost], bot.clock.now(), bot.clock.now() + LEASE)
    assert (row.status, row.attempts) == ("sending", 1)
    assert await bot.sender.send_due() == 0  # still leased to the dead sender: nobody takes it yet
    assert not [m for m in bot.fake.messages_in("C0SUPPORT") if m.text == "lost in the crash"]

    bot.clock.advance(LEASE + timedelta(seconds=1))
    await bot.drain()

    sent = [m for m in bot.fake.messages_in("C0SUPPORT") if m.text == "lost in the crash"]
    assert len(sent) == 1
    assert sent[0].metadata == {"event_type": OUTBOX_EVENT_TYPE, "event_payload": {"outbox_id": row.id}}


@pytest.fixture
async def quiet_bot(database_url: str, workspace: WorkspaceConfig) -> AsyncIterator[Harness]:
    """A bot whose own sender does not poll: the test runs its passes by hand."""
    async with sharing_a_clock(database_url, workspace, poll_interval=3600) as harness:
        yield harness


async def test_a_pass_records_every_outcome_but_the_one_whose_lease_was_taken_over(
    quiet_bot: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    bot = quiet_bot
    async with bot.services.db.transaction() as session:
        calls = [
            outbox.Call("chat.postMessage", {"channel": "C0SUPPORT", "text": text}, OutboxPurpose.NOTICE.value)
            for text in ("one", "two", "three")
        ]
        rows = await outbox.enqueue_calls(session, calls, bot.clock.now())
    taken_over_until = bot.clock.now() + 2 * LEASE
    sender = bot.sender
    slack = sender.delivery.slack
    send = slack.call

    async def call_while_another_sender_takes_two_over(method: str, payload: dict[str, Any], attempts: int) -> Any:
        if payload.get("text") == "two":  # this sender stalled: its lease ran out and another sender claimed the row
            async with bot.services.db.transaction() as session:
                await session.exec(
                    update(OutboxMessage)
                    .where(col(OutboxMessage.id) == rows[1].id)
                    .values(claimed_until=taken_over_until, attempts=OutboxMessage.attempts + 1)
                )
        return await send(method, payload, attempts)

    monkeypatch.setattr(slack, "call", call_while_another_sender_takes_two_over)
    assert await sender.send_due() == 3

    async with bot.services.db.transaction() as session:
        statement = select(OutboxMessage).where(col(OutboxMessage.id).in_([r.id for r in rows]))
        after = {r.payload["text"]: r for r in (await session.exec(statement)).all()}
    assert after["one"].status == after["three"].status == "sent"
    assert after["one"].result_ts and after["three"].result_ts
    # The other sender's lease and outcome are left alone: it will look for the post before sending it again.
    assert after["two"].status == "sending" and after["two"].result_ts is None
    assert after["two"].claimed_until == taken_over_until
