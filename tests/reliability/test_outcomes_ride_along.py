"""The outcomes of a new ticket's Slack calls (sent, with the card's ts) reach the database either in the next
batch of new tickets' transaction (SQLite, where each transaction waits its turn for the one writer) or in a
transaction of their own after ``outcome_linger`` — never lost, and written at once when the bot stops."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlmodel import col, select

from bot.outbox import outcomes
from bot.outbox.sender import SenderSettings
from bot.sandbox import slack_requests
from bot.sandbox.polling import eventually
from config.schema import WorkspaceConfig
from storage.database import Database
from storage.models import OutboxMessage, Ticket
from tests.support.harness import Harness, running_bot

LONG = 3600.0  # an outcome linger no test waits out


@pytest.fixture
async def lingering(database_url: str, workspace: WorkspaceConfig) -> AsyncIterator[Harness]:
    async with running_bot(
        database_url, workspace, sender=SenderSettings(poll_interval=0.05, outcome_linger=LONG)
    ) as harness:
        yield harness


async def statuses(bot: Harness, ticket_key: str) -> list[str]:
    async with bot.services.db.transaction() as session:
        ticket = (await session.exec(select(Ticket).where(col(Ticket.key) == ticket_key))).one()
        rows = await session.exec(select(OutboxMessage.status).where(col(OutboxMessage.ticket_id) == ticket.id))
        return sorted(rows.all())


async def outcomes_in_memory(bot: Harness, count: int) -> None:
    """Wait until the sender holds ``count`` outcomes it has not written (its calls have all come back)."""
    sender = bot.sender
    await eventually(
        lambda: sender.outcomes_waiting >= count,
        timeout=5.0,
        interval=0.01,
        failure=lambda: f"the sender holds {sender.outcomes_waiting} outcomes, not {count}",
    )


async def test_the_next_ticket_writes_the_outcomes_waiting_on_sqlite_only(lingering: Harness) -> None:
    bot = lingering
    origin_ts, _ = await bot.intake_message("refund please")
    await outcomes_in_memory(bot, 3)  # card, owner DM, department notice: sent, not yet written
    assert await statuses(bot, "SUP-1") == ["sending", "sending", "sending"]

    _, response = await bot.intake_message("refund for order 42 please")
    assert response.status_code == 200
    if bot.services.db.is_sqlite:
        # Written in the second ticket's transaction, committed before its request was answered.
        assert await statuses(bot, "SUP-1") == ["sent", "sent", "sent"]
        first = await bot.ticket("SUP-1")
        [card] = [m for m in bot.fake.messages_in("C0INTAKE", thread_ts=origin_ts) if m.user == bot.fake.bot_user_id]
        assert (first.card_channel, first.card_ts) == ("C0INTAKE", card.ts)
    else:
        # PostgreSQL keeps them apart (row locks of two kinds, taken by two replicas in either order).
        assert await statuses(bot, "SUP-1") == ["sending", "sending", "sending"]


async def test_outcomes_taken_by_a_batch_that_fails_are_written_by_the_next_try(lingering: Harness) -> None:
    """A batch that fails on a unique key (an event delivered again without Slack's retry header, so not looked up
    first) rolls back the outcomes it took along; they go back to the sender and the one-by-one retry of the
    batch writes them (on SQLite)."""
    bot = lingering
    message = bot.fake.post_user_message("C0INTAKE", "U0ERIN", "refund please")
    event = slack_requests.message_event(channel="C0INTAKE", user="U0ERIN", text=message.text, ts=message.ts)
    assert (await bot.event(event)).status_code == 200
    await outcomes_in_memory(bot, 3)
    assert (await bot.event(event)).status_code == 200  # same event id, first-delivery headers
    assert [t.key for t in await bot.tickets()] == ["SUP-1"]
    expected = ["sent"] * 3 if bot.services.db.is_sqlite else ["sending"] * 3
    assert await statuses(bot, "SUP-1") == expected
    assert bot.sender.outcomes_waiting == (0 if bot.services.db.is_sqlite else 3)


async def test_stopping_writes_the_outcomes_waiting_at_once(database_url: str, workspace: WorkspaceConfig) -> None:
    async with running_bot(
        database_url, workspace, sender=SenderSettings(poll_interval=0.05, outcome_linger=LONG)
    ) as bot:
        await bot.intake_message("refund please")
        await outcomes_in_memory(bot, 3)
    # Leaving running_bot stopped the bot and its sender; the outcomes did not wait out the linger.
    db = Database(database_url)
    try:
        async with db.transaction() as session:
            rows = await session.exec(select(OutboxMessage.status).where(col(OutboxMessage.ticket_id).is_not(None)))
            assert sorted(rows.all()) == ["sent", "sent", "sent"]
    finally:
        await db.dispose()


async def test_outcomes_no_ticket_takes_are_written_after_the_linger(
    database_url: str, workspace: WorkspaceConfig
) -> None:
    async with running_bot(
        database_url, workspace, sender=SenderSettings(poll_interval=0.05, outcome_linger=0.05)
    ) as bot:
        await bot.intake_message("refund please")
        await bot.settle()  # waits until no row is "sending"
        assert await statuses(bot, "SUP-1") == ["sent", "sent", "sent"]
        assert bot.sender.outcomes_waiting == 0


async def test_an_outcome_that_cannot_be_written_costs_only_its_own_row(
    lingering: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The card's outcome cannot be written (placing it on its ticket fails): the batch fails, then each outcome is
    written on its own, so the DM and the department notice are recorded as sent and only the card stays leased."""
    bot = lingering
    await bot.intake_message("refund please")
    await outcomes_in_memory(bot, 3)

    async def place_cards_fails(session: object, cards: dict[int, tuple[str, str]]) -> None:
        if cards:
            raise RuntimeError("the tickets table is away")

    monkeypatch.setattr(outcomes.ticket_rows, "place_cards", place_cards_fails)
    bot.sender._waiting.write_now()
    await bot.sender._waiting.written()

    async with bot.services.db.transaction() as session:
        ticket = await bot.ticket("SUP-1")
        rows = (await session.exec(select(OutboxMessage).where(col(OutboxMessage.ticket_id) == ticket.id))).all()
    assert sorted((row.purpose == "card", row.status) for row in rows) == [
        (False, "sent"),
        (False, "sent"),
        (True, "sending"),
    ]
