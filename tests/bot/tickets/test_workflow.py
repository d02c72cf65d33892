"""Ownership that cannot be dodged: acknowledge, hand-offs with acceptance, bounces, escalation with a
cooldown, resolve and confirm, auto-close — on a real database, without Slack."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import col, select

from bot.errors import BadRequest, InvalidTransition, NotAllowed, TicketNotFound
from bot.runtime.clock import ManualClock
from bot.runtime.services import Services
from bot.runtime.slack_client import SlackIdentity
from bot.surfaces.ids import ActionId, OutboxPurpose
from bot.tickets.opening import Source, TicketRequest
from bot.tickets.service import TicketService
from bot.tickets.states import Status
from bot.tickets.workflow import WorkflowService, raised
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
) -> AsyncIterator[tuple[TicketService, WorkflowService]]:
    async with db.transaction() as session:
        await directory.sync_workspace(session, workspace)
    built = Services.build(workspace, db, clock, SlackIdentity())
    yield built.tickets, built.workflow


async def open_refund(tickets: TicketService, ts: str = "1.1") -> Ticket:
    result = await tickets.open_ticket(
        TicketRequest(
            text="Customer wants a refund",
            requester_id="U0ERIN",
            source=Source.MESSAGE,
            origin_channel="C0INTAKE",
            origin_ts=ts,
        )
    )
    assert result.ticket is not None and result.ticket.owner_id == "U0ALICE"
    return result.ticket


async def outbox_after(db: Database, after_id: int) -> list[OutboxMessage]:
    async with db.transaction() as session:
        statement = select(OutboxMessage).where(col(OutboxMessage.id) > after_id).order_by(col(OutboxMessage.id))
        return list((await session.exec(statement)).all())


async def last_outbox_id(db: Database) -> int:
    async with db.transaction() as session:
        rows = (await session.exec(select(OutboxMessage.id))).all()
    return max((r for r in rows if r is not None), default=0)


async def test_full_life_with_accepted_handoff_and_confirmation(
    services: tuple[TicketService, WorkflowService], db: Database, clock: ManualClock
) -> None:
    tickets, workflow = services
    ticket = await open_refund(tickets)
    await workflow.acknowledge(ticket.key, "U0ALICE")

    mark = await last_outbox_id(db)
    offered = await workflow.request_handoff(ticket.key, "U0ALICE", "U0BOB", reason="Bob handles invoices")
    assert (offered.owner_id, offered.pending_owner_id) == ("U0ALICE", "U0BOB")  # Alice stays accountable
    queued = await outbox_after(db, mark)
    [offer_dm] = [m for m in queued if m.payload.get("channel") == "U0BOB"]
    buttons = [e["action_id"] for e in offer_dm.payload["blocks"][1]["elements"]]
    assert buttons == [ActionId.ACCEPT_HANDOFF, ActionId.DECLINE_HANDOFF]
    assert "Bob handles invoices" in offer_dm.payload["text"]
    assert {m.method for m in queued} >= {"chat.update"}  # the card shows the pending hand-off

    with pytest.raises(NotAllowed):
        await workflow.accept_handoff(ticket.key, "U0CAROL")
    accepted = await workflow.accept_handoff(ticket.key, "U0BOB")
    assert (accepted.owner_id, accepted.pending_owner_id, accepted.bounce_count) == ("U0BOB", None, 0)

    clock.advance(timedelta(hours=1))
    mark = await last_outbox_id(db)
    resolved = await workflow.resolve(ticket.key, "U0BOB", "Refund sent")
    assert resolved.status == "resolved"
    [requester_dm, rating_dm] = [m for m in await outbox_after(db, mark) if m.payload.get("channel") == "U0ERIN"]
    assert [e["action_id"] for e in requester_dm.payload["blocks"][1]["elements"]] == [
        ActionId.CONFIRM,
        ActionId.REOPEN,
    ]
    assert rating_dm.purpose == OutboxPurpose.RATING_PROMPT  # and, apart, how satisfied she is (satisfaction)
    assert "Refund sent" in requester_dm.payload["text"]
    closed = await workflow.confirm(ticket.key, "U0ERIN")
    assert closed.status == "closed"
    history = await tickets.history(ticket.key)
    assert [(e.action, e.actor_id) for e in history.events] == [
        ("created", "U0ERIN"),
        ("acknowledged", "U0ALICE"),
        ("handoff_requested", "U0ALICE"),
        ("handoff_accepted", "U0BOB"),
        ("resolved", "U0BOB"),
        ("closed", "U0ERIN"),
    ]


async def test_declining_needs_a_reason_and_returns_it(
    services: tuple[TicketService, WorkflowService], db: Database
) -> None:
    tickets, workflow = services
    ticket = await open_refund(tickets)
    await workflow.request_handoff(ticket.key, "U0ALICE", "U0BOB", reason="please")
    with pytest.raises(BadRequest) as missing:
        await workflow.decline_handoff(ticket.key, "U0BOB", "   ")
    assert missing.value.message_key == "error.reason_required"
    with pytest.raises(NotAllowed):
        await workflow.decline_handoff(ticket.key, "U0ALICE", "not mine to decline")
    mark = await last_outbox_id(db)
    declined = await workflow.decline_handoff(ticket.key, "U0BOB", "I am on leave all week")
    assert (declined.owner_id, declined.pending_owner_id) == ("U0ALICE", None)
    [to_alice] = [m for m in await outbox_after(db, mark) if m.payload.get("channel") == "U0ALICE"]
    assert "I am on leave all week" in to_alice.payload["text"]
    with pytest.raises(BadRequest):
        await workflow.accept_handoff(ticket.key, "U0BOB")  # nothing pending any more


async def test_handoff_rules(services: tuple[TicketService, WorkflowService]) -> None:
    tickets, workflow = services
    ticket = await open_refund(tickets)
    with pytest.raises(NotAllowed):
        await workflow.request_handoff(ticket.key, "U0ERIN", "U0BOB")  # the requester cannot move it
    with pytest.raises(BadRequest) as outsider:
        await workflow.request_handoff(ticket.key, "U0ALICE", "U0STRANGER")
    assert outsider.value.message_key == "error.handoff_no_department"
    with pytest.raises(BadRequest) as wrong_department:
        await workflow.request_handoff(ticket.key, "U0ALICE", "U0BOB", department_key="ENG")
    assert wrong_department.value.message_key == "error.handoff_not_member"
    with pytest.raises(BadRequest):
        await workflow.request_handoff(ticket.key, "U0ALICE", "U0ALICE")
    # A lead taking a ticket themselves needs nobody's acceptance.
    taken = await workflow.request_handoff(ticket.key, "U0LEADSUP", "U0LEADSUP", reason="I'll take it")
    assert (taken.owner_id, taken.pending_owner_id, taken.status) == ("U0LEADSUP", None, "acknowledged")


async def test_bounces_between_departments_reach_every_lead(
    services: tuple[TicketService, WorkflowService], db: Database, workspace: WorkspaceConfig
) -> None:
    tickets, workflow = services
    ticket = await open_refund(tickets)
    hops = [("U0ALICE", "U0CAROL", "ENG"), ("U0CAROL", "U0ERIN", "SALES"), ("U0ERIN", "U0BOB", "SUP")]
    mark = 0
    for index, (owner, taker, department) in enumerate(hops, start=1):
        await workflow.request_handoff(ticket.key, owner, taker, reason="not ours")
        mark = await last_outbox_id(db)
        moved = await workflow.accept_handoff(ticket.key, taker)
        assert (moved.owner_id, moved.department_key, moved.bounce_count) == (taker, department, index)
        assert moved.key == "SUP-1"  # the key never changes
    assert workspace.bounce_limit == 3
    assert moved.escalation_level == 1
    pinged = {
        m.payload["channel"]
        for m in await outbox_after(db, mark)
        if "moved between departments" in m.payload.get("text", "")
        and m.method == "chat.postMessage"
        and m.payload.get("channel")
    }
    assert pinged == {"U0LEADSUP", "U0LEADENG", "U0LEADSALES"}


async def test_escalation_raises_priority_pings_lead_and_has_a_cooldown(
    services: tuple[TicketService, WorkflowService], db: Database, clock: ManualClock
) -> None:
    tickets, workflow = services
    ticket = await open_refund(tickets)
    mark = await last_outbox_id(db)
    escalated = await workflow.escalate(ticket.key, "U0ERIN", "customer threatens to leave")
    assert (escalated.priority, escalated.escalation_level) == ("high", 1)
    # High priority: acknowledge within 1 working hour of creation.
    assert escalated.ack_due_at == MONDAY_10_SHANGHAI + timedelta(hours=1)
    queued = await outbox_after(db, mark)
    targets = {m.payload.get("channel") for m in queued if "customer threatens to leave" in m.payload.get("text", "")}
    assert {"U0LEADSUP", "C0SUPPORT"} <= targets
    with pytest.raises(BadRequest) as cooling:
        await workflow.escalate(ticket.key, "U0ALICE", "again!")
    assert cooling.value.message_key == "error.escalation_cooldown"
    clock.advance(timedelta(minutes=30))
    assert (await workflow.escalate(ticket.key, "U0ALICE")).priority == "urgent"
    clock.advance(timedelta(minutes=30))
    assert (await workflow.escalate(ticket.key, "U0ALICE")).priority == "urgent"  # the top stays the top
    with pytest.raises(NotAllowed):
        await workflow.escalate(ticket.key, "U0STRANGER")
    assert [raised(p) for p in ("low", "normal", "high", "urgent")] == ["normal", "high", "urgent", "urgent"]


async def test_quiet_resolved_tickets_close_by_themselves(
    services: tuple[TicketService, WorkflowService], clock: ManualClock, workspace: WorkspaceConfig
) -> None:
    tickets, workflow = services
    first = await open_refund(tickets, "2.1")
    second = await open_refund_for(tickets, "2.2")
    await workflow.resolve(first.key, "U0ALICE", "done")
    clock.advance(workspace.auto_close_after - timedelta(minutes=1))
    await workflow.resolve(second.key, second.owner_id, "done too")
    assert await workflow.auto_close() == []
    clock.advance(timedelta(minutes=1))
    assert await workflow.auto_close() == [first.key]
    history = await tickets.history(first.key)
    assert (history.ticket.status, history.events[-1].actor_id) == ("closed", "crossdesk")
    assert (await tickets.get(second.key)).status == "resolved"


async def open_refund_for(tickets: TicketService, ts: str) -> Ticket:
    result = await tickets.open_ticket(
        TicketRequest(
            text="Another refund", requester_id="U0ERIN", source=Source.MESSAGE, origin_channel="C0INTAKE", origin_ts=ts
        )
    )
    assert result.ticket is not None
    return result.ticket


async def test_refusals_change_nothing(services: tuple[TicketService, WorkflowService], db: Database) -> None:
    tickets, workflow = services
    ticket = await open_refund(tickets)
    before = await last_outbox_id(db)
    with pytest.raises(NotAllowed):
        await workflow.acknowledge(ticket.key, "U0STRANGER")
    with pytest.raises(NotAllowed):
        await workflow.resolve(ticket.key, "U0ERIN")  # the requester may close a resolved ticket, not resolve it
    with pytest.raises(TicketNotFound):
        await workflow.acknowledge("SUP-999", "U0ALICE")
    await workflow.acknowledge(ticket.key, "U0ALICE")
    with pytest.raises(InvalidTransition):
        await workflow.acknowledge(ticket.key, "U0ALICE")
    assert len(await outbox_after(db, before)) == 2  # only the one real acknowledgement: card update + thread line
    assert [e.action for e in (await tickets.history(ticket.key)).events] == ["created", "acknowledged"]


async def test_reopen_restarts_the_clock_and_clears_a_pending_handoff(
    services: tuple[TicketService, WorkflowService], clock: ManualClock
) -> None:
    tickets, workflow = services
    ticket = await open_refund(tickets)
    await workflow.close(ticket.key, "U0ALICE", "refunded")
    await workflow.close(ticket.key, "U0ERIN")
    clock.advance(timedelta(days=2))
    reopened = await workflow.reopen(ticket.key, "U0ERIN", "still not refunded")
    assert reopened.status == "open" and reopened.acknowledged_at is None
    assert reopened.ack_due_at is not None and reopened.ack_due_at > clock.now()


async def test_a_ticket_keeps_its_key_when_it_moves_to_a_department_with_the_same_number(
    services: tuple[TicketService, WorkflowService],
) -> None:
    tickets, workflow = services
    support = await open_refund(tickets, "9.1")  # SUP-1
    crash = (
        await tickets.open_ticket(
            TicketRequest(text="The app shows an error", requester_id="U0ERIN", source=Source.COMMAND)
        )
    ).ticket
    assert support.key == "SUP-1" and crash is not None and crash.key == "ENG-1"
    await workflow.request_handoff(crash.key, crash.owner_id, "U0ALICE", reason="it is a refund after all")
    moved = await workflow.accept_handoff(crash.key, "U0ALICE")
    assert (moved.key, moved.department_key, moved.number) == ("ENG-1", "SUP", 1)
    third = await open_refund_for(tickets, "9.2")
    assert third.key == "SUP-2"  # the department's counter still hands out each number once


async def test_escalating_after_a_pause_keeps_the_time_the_pause_gave(
    services: tuple[TicketService, WorkflowService], clock: ManualClock
) -> None:
    tickets, workflow = services
    ticket = await open_refund(tickets, "10.1")  # normal: resolve within 3 working days
    await workflow.acknowledge(ticket.key, "U0ALICE")
    await workflow.pause(ticket.key, "U0ALICE", Status.BLOCKED, "bank is slow")
    clock.advance(timedelta(days=2))  # Wednesday 10:00
    resumed = await workflow.resume(ticket.key, "U0ALICE")
    assert resumed.resolve_due_at == datetime(2026, 12, 7, 2, 0, tzinfo=UTC)  # Monday 10:00: 27 h still left
    escalated = await workflow.escalate(ticket.key, "U0ERIN", "customer is furious")
    # High: resolve within 1 working day. 18 of the 27 working hours go, 9 remain: Thursday 10:00.
    assert escalated.resolve_due_at == datetime(2026, 12, 3, 2, 0, tzinfo=UTC)
    assert escalated.resolve_due_at > clock.now()


async def test_thread_lines_wait_for_the_line_before_them(
    services: tuple[TicketService, WorkflowService], db: Database
) -> None:
    tickets, workflow = services
    ticket = await open_refund(tickets, "11.1")
    await workflow.acknowledge(ticket.key, "U0ALICE")
    await workflow.escalate(ticket.key, "U0ERIN", "urgent for the customer")
    await workflow.resolve(ticket.key, "U0ALICE", "refunded")
    async with db.transaction() as session:
        rows = (await session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id)))).all()
    card = next(r for r in rows if r.purpose == "card")
    lines = [r for r in rows if r.purpose == "thread_note"]
    assert len(lines) == 3
    # Sent in order even when one is retried: each depends on the one before it, the first on the card.
    assert [r.depends_on_id for r in lines] == [card.id, lines[0].id, lines[1].id]
