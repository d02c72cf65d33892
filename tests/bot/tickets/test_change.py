"""The skeleton every workflow verb shares (``bot.tickets.change``): who and when on every event, refusals that change
nothing, a repeated Slack event that does nothing, and the outbox woken once, after the commit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import col, select

from bot.errors import InvalidTransition, NotAllowed
from bot.outbox.interface import QueueOnly
from bot.runtime.clock import ManualClock
from bot.runtime.services import Services
from bot.runtime.slack_client import SlackIdentity
from bot.tickets.change import ChangeRunner
from bot.tickets.opening import Source, TicketRequest
from bot.tickets.permissions import Action
from bot.tickets.states import Status
from config.schema import WorkspaceConfig
from storage import directory, events
from storage.database import Database
from storage.models import Ticket, TicketEvent

MONDAY_10_SHANGHAI = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
WORKFLOW_MODULES = ("workflow", "change", "handoffs", "escalation", "pauses", "resolution")


class Woken(QueueOnly):
    """A queue-only outbox that counts how often a change said it committed messages."""

    def __init__(self, db: Database) -> None:
        super().__init__(db)
        self.times = 0

    def wake(self) -> None:
        self.times += 1


async def setup(db: Database, workspace: WorkspaceConfig) -> tuple[ChangeRunner, ManualClock, Woken, Ticket]:
    async with db.transaction() as session:
        await directory.sync_workspace(session, workspace)
    clock = ManualClock(MONDAY_10_SHANGHAI)
    tickets = Services.build(workspace, db, clock, SlackIdentity()).tickets
    result = await tickets.open_ticket(
        TicketRequest(
            text="Printer on fire",
            requester_id="U0ERIN",
            source=Source.MESSAGE,
            origin_channel="C0INTAKE",
            origin_ts="1",
        )
    )
    assert result.ticket is not None
    woken = Woken(db)
    return ChangeRunner(db, workspace, clock, woken, tickets.messages), clock, woken, result.ticket


async def events_of(db: Database, ticket: Ticket) -> list[TicketEvent]:
    async with db.transaction() as session:
        statement = select(TicketEvent).where(col(TicketEvent.ticket_id) == ticket.id).order_by(col(TicketEvent.id))
        return list((await session.exec(statement)).all())


async def test_every_event_of_a_change_says_who_and_when_and_the_outbox_wakes_after_the_commit(
    db: Database, workspace: WorkspaceConfig
) -> None:
    runner, clock, woken, ticket = await setup(db, workspace)
    clock.advance(timedelta(minutes=7))
    async with runner.change(ticket.key.lower(), "U0ALICE", Action.PAUSE, active=True) as change:
        await change.acknowledge_if_open()
        await change.add_event(action="paused", moves_to=Status.BLOCKED, note="vendor")
        await change.say("thread.blocked", note=" — vendor")
        assert woken.times == 0  # not before the commit
    assert woken.times == 1
    recorded = (await events_of(db, ticket))[1:]  # after "created"
    assert [(e.action, e.from_value, e.to_value) for e in recorded] == [
        ("acknowledged", "open", "acknowledged"),
        ("paused", "acknowledged", "blocked"),
    ]
    assert {(e.actor_id, e.at.replace(tzinfo=UTC)) for e in recorded} == {("U0ALICE", clock.now())}
    assert change.ticket.updated_at is not None and change.ticket.updated_at.replace(tzinfo=UTC) == clock.now()


async def test_a_refused_change_records_nothing_and_wakes_nobody(db: Database, workspace: WorkspaceConfig) -> None:
    runner, _, woken, ticket = await setup(db, workspace)
    with pytest.raises(NotAllowed):
        async with runner.change(ticket.key, "U0ERIN", Action.ACKNOWLEDGE):  # the requester may not
            pytest.fail("the verb's own steps never run")
    with pytest.raises(InvalidTransition):
        async with runner.change(ticket.key, "U0ALICE", Action.RESOLVE) as change:
            await change.add_event(action="commented", note="first")
            # open -> closed: not a move the state machine has
            await change.add_event(action="closed", moves_to=Status.CLOSED)
    assert [e.action for e in await events_of(db, ticket)] == ["created"]
    assert woken.times == 0


async def test_a_change_that_records_nothing_commits_nothing(db: Database, workspace: WorkspaceConfig) -> None:
    runner, _, woken, ticket = await setup(db, workspace)
    async with runner.change(ticket.key, "U0ERIN", None, event_id="Ev1", event_kind="message"):
        pass
    async with db.transaction() as session:
        assert not await events.was_processed(session, "Ev1")
    assert woken.times == 0


async def test_a_repeated_slack_event_is_not_checked_again_and_changes_nothing(
    db: Database, workspace: WorkspaceConfig
) -> None:
    runner, _, woken, ticket = await setup(db, workspace)
    async with runner.change(ticket.key, "U0ALICE", Action.ESCALATE, event_id="Ev2", event_kind="reaction_added") as c:
        assert not c.repeated
        await c.add_event(action="escalated")
    assert woken.times == 1
    # A retry of the same event by someone who may not do it now is still just a repeat, not a refusal.
    async with runner.change(ticket.key, "U0NOBODY", Action.ESCALATE, event_id="Ev2") as again:
        assert again.repeated
    assert woken.times == 1
    assert [e.action for e in await events_of(db, ticket)] == ["created", "escalated"]


@pytest.mark.parametrize("name", WORKFLOW_MODULES)
def test_workflow_modules_stay_small(name: str) -> None:
    """Issue 16: no module over ~400 lines without a stated reason; the workflow has none."""
    source = Path(__file__).parents[3] / "bot" / "tickets" / f"{name}.py"
    assert len(source.read_text().splitlines()) <= 400
