"""The ticket service on a real database (SQLite and PostgreSQL), without Slack."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.errors import BadRequest
from bot.runtime.clock import ManualClock
from bot.runtime.services import Services
from bot.runtime.slack_client import SlackIdentity
from bot.surfaces.ids import OutboxPurpose
from bot.tickets.opening import Source, TicketRequest
from bot.tickets.service import ListScope, TicketService
from config.schema import WorkspaceConfig
from storage import directory
from storage import tickets as ticket_rows
from storage.database import Database
from storage.models import OutboxMessage, ProcessedEvent, Ticket, TicketEvent

MONDAY_10_SHANGHAI = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(MONDAY_10_SHANGHAI)


@pytest.fixture
async def service(db: Database, workspace: WorkspaceConfig, clock: ManualClock) -> AsyncIterator[TicketService]:
    async with db.transaction() as session:
        await directory.sync_workspace(session, workspace)
    yield Services.build(workspace, db, clock, SlackIdentity()).tickets


def message(text: str, ts: str, user: str = "U0ERIN", event_id: str | None = None) -> TicketRequest:
    return TicketRequest(
        text=text,
        requester_id=user,
        source=Source.MESSAGE,
        origin_channel="C0INTAKE",
        origin_ts=ts,
        event_id=event_id,
        event_type="message",
    )


async def outbox_rows(db: Database) -> list[OutboxMessage]:
    async with db.transaction() as session:
        return list((await session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id)))).all())


async def test_open_routes_numbers_and_rotates(service: TicketService, db: Database) -> None:
    first = (await service.open_ticket(message("Customer wants a refund", "1.1"))).ticket
    second = (await service.open_ticket(message("Another complaint", "1.2"))).ticket
    third = (await service.open_ticket(message("The app shows an error", "1.3"))).ticket
    fourth = (await service.open_ticket(message("投诉：还没退款", "1.4"))).ticket
    assert first and second and third and fourth
    assert [first.key, second.key, third.key, fourth.key] == ["SUP-1", "SUP-2", "ENG-1", "SUP-3"]
    assert [first.owner_id, second.owner_id, fourth.owner_id] == ["U0ALICE", "U0BOB", "U0ALICE"]
    assert third.owner_id == "U0CAROL"
    assert first.status == "open" and first.priority == "normal"
    # Normal priority: acknowledge within 4 working hours of Monday 10:00 Shanghai.
    assert first.ack_due_at == MONDAY_10_SHANGHAI + timedelta(hours=4)
    assert first.thread_channel == "C0INTAKE" and first.thread_ts == "1.1"


async def test_open_queues_card_dm_and_department_notice_in_the_same_transaction(
    service: TicketService, db: Database
) -> None:
    ticket = (await service.open_ticket(message("Customer wants a refund", "2.1"))).ticket
    assert ticket is not None
    rows = await outbox_rows(db)
    assert [(r.purpose, r.method, r.payload.get("channel")) for r in rows] == [
        (OutboxPurpose.CARD.value, "chat.postMessage", "C0INTAKE"),
        (OutboxPurpose.NOTICE.value, "chat.postMessage", "U0ALICE"),
        (OutboxPurpose.NOTICE.value, "chat.postMessage", "C0SUPPORT"),
    ]
    card, dm, notice = rows
    assert card.payload["thread_ts"] == "2.1"
    assert dm.depends_on_id == card.id and notice.depends_on_id == card.id
    assert "{card_link}" in dm.payload["text"]
    async with db.transaction() as session:
        events = (await session.exec(select(TicketEvent))).all()
    assert [(e.action, e.actor_id, e.to_value) for e in events] == [("created", "U0ERIN", "U0ALICE")]


async def test_same_message_or_event_never_makes_two_tickets(service: TicketService, db: Database) -> None:
    first = await service.open_ticket(message("refund please", "3.1", event_id="EvA"))
    again_same_event = await service.open_ticket(message("refund please", "3.1", event_id="EvA"))
    again_other_event = await service.open_ticket(message("refund please", "3.1", event_id="EvB"))
    assert first.created and first.ticket is not None
    assert again_same_event.duplicate_event and again_same_event.ticket is None
    assert not again_other_event.created and again_other_event.ticket is not None
    assert again_other_event.ticket.key == first.ticket.key
    async with db.transaction() as session:
        assert len((await session.exec(select(Ticket))).all()) == 1
        assert [e.event_id for e in (await session.exec(select(ProcessedEvent))).all()] == ["EvA"]


async def test_concurrent_openers_on_separate_engines_get_unique_keys(
    service: TicketService, database_url: str, workspace: WorkspaceConfig, clock: ManualClock
) -> None:
    """Two engines stand for two processes: each has its own connections and commits on its own."""
    other_db = Database(database_url)
    other = Services.build(workspace, other_db, clock, SlackIdentity()).tickets
    try:
        requests = [
            (service if index % 2 else other).open_ticket(message(f"refund case {index}", f"4.{index}"))
            for index in range(30)
        ]
        results = await asyncio.gather(*requests)
    finally:
        await other_db.dispose()
    keys = [result.ticket.key for result in results if result.ticket]
    assert len(keys) == 30
    assert sorted(keys, key=lambda k: int(k.split("-")[1])) == [f"SUP-{n}" for n in range(1, 31)]
    owners = [result.ticket.owner_id for result in results if result.ticket]
    assert owners.count("U0ALICE") == owners.count("U0BOB") == 15


async def test_comments_are_recorded_only_in_ticket_threads(service: TicketService) -> None:
    ticket = (await service.open_ticket(message("refund please", "8.1"))).ticket
    assert ticket is not None
    recorded = await service.record_comment(
        channel="C0INTAKE", thread_ts="8.1", user_id="U0ALICE", text="on it", ts="8.2", event_id="EvC1"
    )
    twice = await service.record_comment(
        channel="C0INTAKE", thread_ts="8.1", user_id="U0ALICE", text="on it", ts="8.2", event_id="EvC1"
    )
    elsewhere = await service.record_comment(
        channel="C0INTAKE", thread_ts="9.9", user_id="U0ALICE", text="hi", ts="9.10", event_id="EvC2"
    )
    assert recorded is not None and twice is not None and elsewhere is None
    comments = [e for e in (await service.history(ticket.key)).events if e.action == "commented"]
    assert [(c.note, c.slack_ts) for c in comments] == [("on it", "8.2")]


async def test_lists(service: TicketService, clock: ManualClock) -> None:
    await service.open_ticket(message("refund please", "10.1"))
    await service.open_ticket(message("crash on login", "10.2"))
    assert [t.key for t in await service.list_tickets("U0ALICE", ListScope.MINE)] == ["SUP-1"]
    assert [t.key for t in await service.list_tickets("U0BOB", ListScope.DEPT)] == ["SUP-1"]
    assert await service.list_tickets("U0ALICE", ListScope.OVERDUE) == []
    clock.advance(timedelta(hours=5))
    assert [t.key for t in await service.list_tickets("U0ALICE", ListScope.OVERDUE)] == ["SUP-1"]
    assert [t.key for t in await service.list_tickets("U0ADMIN", ListScope.OVERDUE)] == ["SUP-1", "ENG-1"]
    with pytest.raises(BadRequest):
        await service.list_tickets("U0STRANGER", ListScope.DEPT)


async def test_round_robin_skips_the_absent_without_doubling_up(
    db: Database, workspace: WorkspaceConfig, clock: ManualClock
) -> None:
    support = workspace.departments[0].model_copy(update={"owners": ["U0ALICE", "U0BOB", "U0CAROL"]})
    three = workspace.model_copy(update={"departments": [support, *workspace.departments[1:]]})
    async with db.transaction() as session:
        await directory.sync_workspace(session, three)
        await directory.set_away(session, "U0ALICE", True)
    service = Services.build(three, db, clock, SlackIdentity()).tickets
    owners = [(await service.open_ticket(message("refund", f"11.{n}"))).ticket for n in range(4)]
    assert [t.owner_id for t in owners if t] == ["U0BOB", "U0CAROL", "U0BOB", "U0CAROL"]


async def test_tickets_opened_at_once_are_written_together_as_if_one_after_another(
    service: TicketService, db: Database
) -> None:
    texts = ["Customer wants a refund", "The app shows an error", "Another complaint", "Bug in export", "Refund"]
    results = await asyncio.gather(*(service.open_ticket(message(t, f"5.{i}")) for i, t in enumerate(texts)))
    tickets = [result.ticket for result in results]
    assert all(result.created for result in results)
    assert [t.key for t in tickets if t] == ["SUP-1", "ENG-1", "SUP-2", "ENG-2", "SUP-3"]
    assert [t.owner_id for t in tickets if t and t.department_key == "SUP"] == ["U0ALICE", "U0BOB", "U0ALICE"]
    rows = await outbox_rows(db)
    cards = {row.ticket_id: row for row in rows if row.purpose == OutboxPurpose.CARD.value}
    assert set(cards) == {t.id for t in tickets if t}
    for row in rows:
        if row.purpose != OutboxPurpose.CARD.value:  # each DM and notice waits for its own ticket's card
            assert row.depends_on_id == cards[row.ticket_id].id
    async with db.transaction() as session:
        created = (await session.exec(select(TicketEvent).where(col(TicketEvent.action) == "created"))).all()
    assert sorted((e.ticket_id, e.actor_id, e.to_value) for e in created) == sorted(
        (t.id, "U0ERIN", t.owner_id) for t in tickets if t
    )


async def test_the_same_message_or_event_twice_in_one_batch_makes_one_ticket(
    service: TicketService, db: Database
) -> None:
    first, same_message, same_event, other = await asyncio.gather(
        service.open_ticket(message("Customer wants a refund", "6.1", event_id="Ev61")),
        service.open_ticket(message("Customer wants a refund", "6.1", user="U0FRANK", event_id="Ev62")),
        service.open_ticket(message("Customer wants a refund", "6.1", event_id="Ev61")),
        service.open_ticket(message("Another complaint", "6.2", event_id="Ev63")),
    )
    assert first.created and first.ticket is not None
    assert not same_message.created and same_message.ticket is not None and same_message.ticket.id == first.ticket.id
    assert same_event.duplicate_event and same_event.ticket is None
    assert other.created and other.ticket is not None and other.ticket.key == "SUP-2"
    async with db.transaction() as session:
        assert len((await session.exec(select(Ticket))).all()) == 2
        seen = set((await session.exec(select(ProcessedEvent.event_id))).all())
    assert seen == {"Ev61", "Ev63"}  # the second reaction's event did nothing, so it is not recorded as done


async def test_a_conflict_in_a_batch_costs_only_its_own_request(
    service: TicketService,
    db: Database,
    workspace: WorkspaceConfig,
    clock: ManualClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Another replica (a second service on the same database) opens message 7.1 first.
    elsewhere = Services.build(workspace, db, clock, SlackIdentity()).tickets
    made_elsewhere = (await elsewhere.open_ticket(message("Customer wants a refund", "7.1"))).ticket
    assert made_elsewhere is not None
    # This replica's look-up raced past it, so the batch's INSERT conflicts on the message.
    original = ticket_rows.by_origins
    calls = 0

    async def miss_once(session: AsyncSession, origins: list[tuple[str, str]]) -> dict[tuple[str, str], Ticket]:
        nonlocal calls
        calls += 1
        return {} if calls == 1 else await original(session, origins)

    monkeypatch.setattr(ticket_rows, "by_origins", miss_once)
    raced, fresh = await asyncio.gather(
        service.open_ticket(message("Customer wants a refund", "7.1")),
        service.open_ticket(message("Another complaint", "7.2")),
    )
    assert calls >= 2  # the batch's look-up, then each request's own
    assert not raced.created and raced.ticket is not None and raced.ticket.id == made_elsewhere.id
    assert fresh.created and fresh.ticket is not None and fresh.ticket.key == "SUP-2"
