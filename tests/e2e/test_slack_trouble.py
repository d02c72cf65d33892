"""Slack in trouble while the bot runs: an answer that may hide a half-done post, a rate-limited ``users.info``,
and a bot token that dies and comes back."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlmodel import col, select

from bot.outbox.slack_calls import LOOK_MARGIN, OUTBOX_EVENT_TYPE
from bot.runtime.clock import ManualClock
from bot.sandbox.fake_slack.server import SlackApiServer
from bot.sandbox.fake_slack.workspace import SlackWorkspace
from bot.sandbox.scene import populate
from config.schema import WorkspaceConfig
from storage import directory
from storage.models import OutboxMessage
from tests.e2e.conftest import DebugCapture
from tests.support.harness import BOT_TOKEN, EXTRA_PEOPLE, START, Harness, running_bot


@pytest.fixture
async def bot(database_url: str, workspace: WorkspaceConfig) -> AsyncIterator[Harness]:
    """The bot and the fake Slack on one clock, so the sender's look into a conversation spans the right time."""
    clock = ManualClock(START)
    slack = SlackApiServer(SlackWorkspace(bot_token=BOT_TOKEN, clock=clock))
    populate(slack.workspace, workspace, extra_people=EXTRA_PEOPLE)
    await slack.start()
    try:
        async with running_bot(database_url, workspace, slack=slack, clock=clock) as harness:
            yield harness
    finally:
        await slack.stop()


async def _rows(bot: Harness) -> list[OutboxMessage]:
    async with bot.services.db.transaction() as session:
        return list((await session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id)))).all())


@pytest.mark.parametrize(("status", "error"), [(200, "internal_error"), (200, "fatal_error"), (503, None)])
async def test_a_post_slack_may_have_half_done_is_looked_for_before_posting_again(
    bot: Harness, status: int, error: str | None
) -> None:
    bot.fake.fail_next("chat.postMessage", status=status, error=error, after_doing_it=True)
    ts, _ = await bot.intake_message("refund please, charged twice")
    await bot.fake.wait_for_calls("chat.postMessage")
    await bot.settle()
    [card_row] = [row for row in await _rows(bot) if row.purpose == "card"]
    assert card_row.status == "pending"  # Slack answered an error, but the card is in the thread already
    assert card_row.uncertain_until == bot.clock.now()  # if it landed, it had by the answer
    [card] = [m for m in bot.fake.messages_in("C0INTAKE", thread_ts=ts) if m.user == bot.fake.bot_user_id]

    bot.clock.advance(timedelta(seconds=1))  # the retry's backoff
    await bot.drain()

    looked = bot.fake.calls_to("conversations.replies")
    assert looked and looked[0].args["ts"] == ts
    # The thread is read up to that answer (and a margin for clocks), not up to now.
    assert float(looked[0].args["latest"]) == pytest.approx((card_row.uncertain_until + LOOK_MARGIN).timestamp())
    posts_of_the_card = [
        c
        for c in bot.fake.calls_to("chat.postMessage")
        if (c.json_arg("metadata") or {}).get("event_payload") == {"outbox_id": card_row.id}
    ]
    assert len(posts_of_the_card) == 1  # posted once; the second attempt found it and recorded it
    assert [m.ts for m in bot.fake.messages_in("C0INTAKE", thread_ts=ts) if m.user == bot.fake.bot_user_id] == [card.ts]
    assert card.metadata == {"event_type": OUTBOX_EVENT_TYPE, "event_payload": {"outbox_id": card_row.id}}
    ticket = await bot.ticket("SUP-1")
    assert (ticket.card_channel, ticket.card_ts) == ("C0INTAKE", card.ts)
    assert all(row.status == "sent" for row in await _rows(bot))
    assert len(bot.fake.messages_in(bot.fake.dm_channel_for("U0ALICE"))) == 1  # the owner's DM, once


async def _without_tz(bot: Harness) -> list[str]:
    async with bot.services.db.transaction() as session:
        return await directory.members_without_tz(session, 100)


async def test_users_info_honours_retry_after(bot: Harness) -> None:
    bot.fake.fail_next("users.info", status=429, retry_after=120)
    unknown = len(await _without_tz(bot))
    assert unknown
    assert bot.bot.ticker is not None
    await bot.bot.ticker.tick()
    assert len(bot.fake.calls_to("users.info")) == 1  # 429: Slack asks for two minutes' quiet

    await bot.bot.ticker.tick()
    bot.clock.advance(timedelta(seconds=119))
    await bot.bot.ticker.tick()
    assert len(bot.fake.calls_to("users.info")) == 1  # not asked again before Retry-After has passed
    assert len(await _without_tz(bot)) == unknown

    bot.clock.advance(timedelta(seconds=1))
    await bot.bot.ticker.tick()
    assert len(bot.fake.calls_to("users.info")) > 1
    assert len(await _without_tz(bot)) < unknown


async def test_a_revoked_token_pauses_sending_until_slack_takes_it_again(
    bot: Harness, debug_log_without_secrets: DebugCapture
) -> None:
    log = debug_log_without_secrets
    bot.fake.reject_token(BOT_TOKEN, "token_revoked")
    for text in ("refund please", "another refund", "a third refund"):
        await bot.intake_message(text)
    await bot.fake.wait_for_calls("chat.postMessage")
    await bot.settle()
    rows = await _rows(bot)
    assert len(rows) >= 6 and {row.status for row in rows} == {"pending"}  # waiting, none failed
    assert all(row.attempts == 0 for row in rows)  # a rejected token costs no attempt
    health = await bot.http.get("/healthz")
    assert health.status_code == 503
    assert health.json()["database"] == "reachable" and "token_revoked" in health.json()["slack"]
    errors = [line for line in log.text.splitlines() if " ERROR " in line]
    assert len(errors) == 1 and "SLACK_BOT_TOKEN (token_revoked)" in errors[0], errors

    # Paused: neither the sender nor the profile look-ups ask Slack again, however often they are woken.
    calls = len(bot.fake.calls)
    assert await bot.sender.send_due() == 0
    assert bot.bot.ticker is not None
    await bot.bot.ticker.tick()
    bot.clock.advance(timedelta(seconds=10))
    assert await bot.sender.send_due() == 0
    assert len(bot.fake.calls) == calls and bot.fake.calls_to("users.info") == []

    bot.fake.accept_token(BOT_TOKEN)  # the app reinstalled, the account reactivated
    bot.clock.advance(timedelta(seconds=20))  # the sender asks auth.test every 30 s
    await bot.drain()
    assert {row.status for row in await _rows(bot)} == {"sent"}
    assert len([c for c in bot.fake.calls_to("auth.test") if c.ok]) >= 1
    dms = bot.fake.messages_in(bot.fake.dm_channel_for("U0ALICE")) + bot.fake.messages_in(
        bot.fake.dm_channel_for("U0BOB")
    )
    for key in ("SUP-1", "SUP-2", "SUP-3"):
        assert len([m for m in dms if key in m.text]) == 1  # each owner told once
    assert (await bot.http.get("/healthz")).status_code == 200
    assert [line for line in log.text.splitlines() if " ERROR " in line] == errors  # no error per message
    assert "Slack takes SLACK_BOT_TOKEN again" in log.text
