"""Overdue reminders and the ladder, on a real database with a hand-moved clock."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import col, select

from bot.outbox.interface import QueueOnly
from bot.runtime.clock import ManualClock
from bot.runtime.services import Services
from bot.runtime.slack_client import SlackIdentity
from bot.schedule.reminders import REMINDER_LINES, ReminderService
from bot.schedule.turns import Turns
from bot.tickets.opening import Source, TicketRequest
from bot.tickets.service import TicketService
from bot.tickets.states import Status
from bot.tickets.workflow import WorkflowService
from config.schema import WorkspaceConfig
from storage import directory
from storage.database import Database
from storage.models import OutboxMessage, Ticket

MONDAY_10_SHANGHAI = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(MONDAY_10_SHANGHAI)


@pytest.fixture
async def services(
    db: Database, workspace: WorkspaceConfig, clock: ManualClock
) -> AsyncIterator[tuple[TicketService, WorkflowService, ReminderService]]:
    async with db.transaction() as session:
        await directory.sync_workspace(session, workspace)
    built = Services.build(workspace, db, clock, SlackIdentity())
    yield built.tickets, built.workflow, built.reminders


async def open_refund(tickets: TicketService, ts: str) -> Ticket:
    result = await tickets.open_ticket(
        TicketRequest(
            text=f"refund {ts}", requester_id="U0ERIN", source=Source.MESSAGE, origin_channel="C0INTAKE", origin_ts=ts
        )
    )
    assert result.ticket is not None
    return result.ticket


async def reminder_dms(db: Database) -> list[OutboxMessage]:
    async with db.transaction() as session:
        statement = (
            select(OutboxMessage).where(col(OutboxMessage.purpose) == "reminder").order_by(col(OutboxMessage.id))
        )
        return list((await session.exec(statement)).all())


async def test_the_ladder_from_owner_to_lead_to_admins_and_stop_on_acknowledge(
    services: tuple[TicketService, WorkflowService, ReminderService], db: Database, clock: ManualClock
) -> None:
    tickets, workflow, reminders = services
    ticket = await open_refund(tickets, "1.1")  # Alice's; normal priority: acknowledge by 14:00 Shanghai
    assert ticket.next_reminder_at == ticket.ack_due_at == MONDAY_10_SHANGHAI + timedelta(hours=4)
    clock.advance(timedelta(hours=3, minutes=59))
    assert await reminders.tick() == 0  # not overdue yet
    clock.advance(timedelta(minutes=1))
    assert await reminders.tick() == 1
    assert await reminders.tick() == 0  # one reminder per repeat period, however often the ticker runs
    [first] = await reminder_dms(db)
    assert first.payload["channel"] == "U0ALICE" and "*SUP-1*" in first.payload["text"]
    assert "reminder 1" in first.payload["text"]

    clock.advance(timedelta(hours=1))
    assert await reminders.tick() == 1  # second reminder, still only to the owner
    assert [m.payload["channel"] for m in await reminder_dms(db)] == ["U0ALICE", "U0ALICE"]
    clock.advance(timedelta(hours=1))
    assert await reminders.tick() == 1  # escalate_after = 2 unanswered: now the lead
    recipients = [m.payload["channel"] for m in await reminder_dms(db)]
    assert recipients[2:] == ["U0ALICE", "U0LEADSUP"]
    assert (await tickets.get("SUP-1")).escalation_level == 1
    clock.advance(timedelta(hours=1))
    assert await reminders.tick() == 1  # and one step later the admins
    assert [m.payload["channel"] for m in await reminder_dms(db)][4:] == ["U0ADMIN", "U0ALICE"]

    acknowledged = await workflow.acknowledge("SUP-1", "U0ALICE")
    assert acknowledged.reminder_count == 0 and acknowledged.next_reminder_at == acknowledged.resolve_due_at
    clock.advance(timedelta(hours=1))
    assert await reminders.tick() == 0  # reminders stop the moment it is acknowledged
    history = [e.action for e in (await tickets.history("SUP-1")).events]
    assert history.count("reminded") == 4 and "escalated" in history


async def test_one_message_per_person_listing_all_their_overdue_tickets(
    services: tuple[TicketService, WorkflowService, ReminderService], db: Database, clock: ManualClock
) -> None:
    tickets, _workflow, reminders = services
    first = await open_refund(tickets, "2.1")  # Alice
    await open_refund(tickets, "2.2")  # Bob
    third = await open_refund(tickets, "2.3")  # Alice
    assert first.owner_id == third.owner_id == "U0ALICE"
    clock.advance(timedelta(hours=4))
    assert await reminders.tick() == 3
    dms = await reminder_dms(db)
    assert sorted(m.payload["channel"] for m in dms) == ["U0ALICE", "U0BOB"]
    [alice] = [m for m in dms if m.payload["channel"] == "U0ALICE"]
    assert "*SUP-1*" in alice.payload["text"] and "*SUP-3*" in alice.payload["text"]


async def test_a_busy_owner_gets_the_oldest_few_listed_and_the_rest_counted(
    services: tuple[TicketService, WorkflowService, ReminderService], db: Database, clock: ManualClock
) -> None:
    tickets, _workflow, reminders = services
    opened = [await open_refund(tickets, f"3.{n:02d}") for n in range(2 * (REMINDER_LINES + 3))]
    alices = [t.key for t in opened if t.owner_id == "U0ALICE"]
    assert len(alices) == REMINDER_LINES + 3
    clock.advance(timedelta(hours=4))
    await reminders.tick()
    [alice] = [m for m in await reminder_dms(db) if m.payload["channel"] == "U0ALICE"]
    text = alice.payload["text"]
    assert f"You have {REMINDER_LINES + 3} overdue tickets:" in text
    listed = [key for key in alices if f"*{key}*" in text]
    assert listed == alices[:REMINDER_LINES]  # the oldest, in the order they were opened
    assert "…and 3 more" in text


async def test_paused_and_finished_tickets_are_not_reminded(
    services: tuple[TicketService, WorkflowService, ReminderService], clock: ManualClock
) -> None:
    tickets, workflow, reminders = services
    waiting = await open_refund(tickets, "3.1")
    resolved = await open_refund(tickets, "3.2")
    await workflow.pause(waiting.key, waiting.owner_id, Status.WAITING, "need the invoice number")
    await workflow.resolve(resolved.key, resolved.owner_id, "done")
    clock.advance(timedelta(days=5))
    assert await reminders.tick() == 0
    resumed = await workflow.resume(waiting.key, "U0ERIN")
    # The clock stood still while it waited: the resolve deadline moved by the paused working time.
    assert resumed.resolve_due_at is not None and resumed.resolve_due_at > waiting.resolve_due_at  # type: ignore[operator]
    assert resumed.next_reminder_at == resumed.resolve_due_at


async def test_replicas_ticking_together_remind_each_ticket_once_and_each_person_once_a_tick(
    services: tuple[TicketService, WorkflowService, ReminderService],
    db: Database,
    database_url: str,
    workspace: WorkspaceConfig,
    clock: ManualClock,
) -> None:
    tickets, _, _ = services
    for n in range(12):
        await open_refund(tickets, f"4.{n}")  # six each for Alice and Bob
    clock.advance(timedelta(hours=4))
    engines = [Database(database_url) for _ in range(4)]
    replicas = [
        ReminderService(
            engine, workspace, clock, QueueOnly(engine), tickets.messages, batch=5, turns=Turns(15, f"replica-{n}")
        )
        for n, engine in enumerate(engines)
    ]
    per_tick: list[list[str]] = []
    try:
        # Three ticks of 15 s; in each, four replicas tick three times at the same moment. One of them takes the
        # tick's turn and reminds five tickets (its batch), the rest wait for the next tick.
        for _ in range(3):
            seen = len(await reminder_dms(db))
            counts = await asyncio.gather(*(replica.tick() for replica in replicas for _ in range(3)))
            assert sorted(counts)[:-1] == [0] * 11
            per_tick.append([m.payload["channel"] for m in (await reminder_dms(db))[seen:]])
            clock.advance(timedelta(seconds=15))
    finally:
        for engine in engines:
            await engine.dispose()
    async with db.transaction() as session:
        reminded = (await session.exec(select(Ticket.reminder_count))).all()
    assert sorted(reminded) == [1] * 12
    # Each person heard once a tick at most, although the replicas' passes could have split their tickets.
    assert [sorted(people) for people in per_tick] == [["U0ALICE", "U0BOB"]] * 3


async def test_reopened_tickets_are_reminded_again(
    services: tuple[TicketService, WorkflowService, ReminderService], clock: ManualClock
) -> None:
    tickets, workflow, reminders = services
    ticket = await open_refund(tickets, "5.1")
    await workflow.resolve(ticket.key, ticket.owner_id, "done")
    reopened = await workflow.reopen(ticket.key, "U0ERIN", "not done")
    assert reopened.next_reminder_at == reopened.ack_due_at
    clock.advance(timedelta(hours=4))
    assert await reminders.tick() == 1


async def test_repeats_count_working_time_so_nobody_is_chased_overnight(
    services: tuple[TicketService, WorkflowService, ReminderService], db: Database, clock: ManualClock
) -> None:
    tickets, _workflow, reminders = services
    clock.advance(timedelta(hours=3, minutes=30))  # 13:30 Shanghai
    await open_refund(tickets, "6.1")  # acknowledge by 17:30
    clock.advance(timedelta(hours=4))
    assert await reminders.tick() == 1
    ticket = await tickets.get("SUP-1")
    # Half an hour of today's working time is left; the other half is tomorrow from 09:00.
    assert ticket.next_reminder_at == datetime(2026, 12, 1, 1, 30, tzinfo=UTC)  # 09:30 Shanghai


async def test_paused_tickets_are_not_overdue(
    services: tuple[TicketService, WorkflowService, ReminderService], clock: ManualClock
) -> None:
    from bot.tickets.service import ListScope

    tickets, workflow, _reminders = services
    ticket = await open_refund(tickets, "7.1")
    await workflow.pause(ticket.key, ticket.owner_id, Status.BLOCKED, "waiting for the bank")
    clock.advance(timedelta(days=10))
    paused = await tickets.get(ticket.key)
    assert not tickets.is_overdue(paused)
    assert await tickets.list_tickets("U0ADMIN", ListScope.OVERDUE) == []
