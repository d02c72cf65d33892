"""Linked work on a real database, without Slack: two people acting on the same pair at once, the duplicate
arrows never closing a cycle, consults kept out of duplicates, and what the export and ``/ticket show`` read."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from sqlmodel import col, func, select

from bot.errors import BadRequest, CrossdeskError, InvalidTransition
from bot.runtime.clock import ManualClock
from bot.runtime.services import Services
from bot.runtime.slack_client import SlackIdentity
from bot.runtime.ticket_export import LINKED_WORK_FIELDS
from bot.tickets.links import Duplicated, Linked
from bot.tickets.opening import Source, TicketRequest
from bot.tickets.relations import EXPORT_FIELDS, export_columns, relations_of
from bot.tickets.service import TicketService
from bot.tickets.states import Status, check_move
from bot.tickets.workflow import WorkflowService
from config.schema import WorkspaceConfig
from storage import directory
from storage.database import Database
from storage.models import Ticket, TicketFollower, TicketLink

MONDAY_10_SHANGHAI = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)


@pytest.fixture
async def services(db: Database, workspace: WorkspaceConfig) -> AsyncIterator[tuple[TicketService, WorkflowService]]:
    async with db.transaction() as session:
        await directory.sync_workspace(session, workspace)
    clock = ManualClock(MONDAY_10_SHANGHAI)
    built = Services.build(workspace, db, clock, SlackIdentity())
    yield built.tickets, built.workflow


async def open_tickets(tickets: TicketService, *requesters: str) -> list[str]:
    """A refund per requester, all in Support: SUP-1 (Alice), SUP-2 (Bob), SUP-3 (Alice), …"""
    keys = []
    for number, requester in enumerate(requesters, start=1):
        request = TicketRequest(text=f"Refund for order {number}", requester_id=requester, source=Source.COMMAND)
        result = await tickets.open_ticket(request)
        assert result.ticket is not None
        keys.append(result.ticket.key)
    return keys


async def count(db: Database, model: type[TicketLink] | type[TicketFollower]) -> int:
    async with db.transaction() as session:
        return int((await session.exec(select(func.count()).select_from(model))).one())


async def by_key(db: Database, key: str) -> Ticket:
    async with db.transaction() as session:
        ticket = (await session.exec(select(Ticket).where(col(Ticket.key) == key))).one()
    return ticket


async def test_linking_one_pair_from_both_ends_at_once_links_it_once(
    services: tuple[TicketService, WorkflowService], db: Database
) -> None:
    tickets, workflow = services
    await open_tickets(tickets, "U0ERIN", "U0ERIN")
    for _ in range(3):  # each round on a fresh pair of the same two tickets would be refused: unlink by hand
        results = await asyncio.gather(
            workflow.link("SUP-1", "SUP-2", "U0ALICE"), workflow.link("SUP-2", "SUP-1", "U0BOB"), return_exceptions=True
        )
        linked = [r for r in results if isinstance(r, Linked)]
        refused = [r for r in results if isinstance(r, CrossdeskError)]
        assert len(linked) == 1 and len(refused) == 1, results
        assert refused[0].message_key == "links.error.already_linked"
        assert await count(db, TicketLink) == 1
        async with db.transaction() as session:
            for link in (await session.exec(select(TicketLink))).all():
                assert link.ticket_id < link.other_id  # stored once, lower id first
                await session.delete(link)


async def test_two_tickets_closed_into_each_other_at_once_make_no_cycle(
    services: tuple[TicketService, WorkflowService], db: Database
) -> None:
    tickets, workflow = services
    await open_tickets(tickets, "U0ERIN", "U0STRANGER")
    results = await asyncio.gather(
        workflow.duplicate("SUP-1", "SUP-2", "U0ALICE"),
        workflow.duplicate("SUP-2", "SUP-1", "U0BOB"),
        return_exceptions=True,
    )
    done = [r for r in results if isinstance(r, Duplicated)]
    refused = [r for r in results if isinstance(r, CrossdeskError)]
    assert len(done) == 1 and len(refused) == 1, results
    assert refused[0].message_key == "links.error.reversed"
    first, second = await by_key(db, "SUP-1"), await by_key(db, "SUP-2")
    assert [first.duplicate_of_id, second.duplicate_of_id].count(None) == 1
    assert {first.status, second.status} == {"open", "closed"}


async def test_a_consult_is_never_closed_as_a_duplicate_nor_taken_in(
    services: tuple[TicketService, WorkflowService], db: Database
) -> None:
    tickets, workflow = services
    await open_tickets(tickets, "U0ERIN", "U0ERIN")
    async with db.transaction() as session:
        consult = (await session.exec(select(Ticket).where(col(Ticket.key) == "SUP-2"))).one()
        consult.kind = "consult"
        session.add(consult)
    for key, other in (("SUP-1", "SUP-2"), ("SUP-2", "SUP-1")):
        with pytest.raises(BadRequest) as caught:
            await workflow.duplicate(key, other, "U0ADMIN")
        assert caught.value.message_key == "links.error.consult" and caught.value.params["key"] == "SUP-2"
    assert isinstance(await workflow.link("SUP-2", "SUP-1", "U0ADMIN"), Linked)  # related, though


async def test_what_show_and_the_export_read_of_linked_work(
    services: tuple[TicketService, WorkflowService], db: Database
) -> None:
    tickets, workflow = services
    await open_tickets(tickets, "U0ERIN", "U0STRANGER", "U0LEADSALES", "U0ERIN")
    await workflow.link("SUP-1", "SUP-4", "U0ALICE")
    await workflow.duplicate("SUP-2", "SUP-1", "U0BOB")
    await workflow.duplicate("SUP-3", "SUP-1", "U0ALICE")

    shown = await tickets.show("SUP-1", "U0STRANGER")
    assert [t.key for t in shown.relations.related] == ["SUP-4"]
    assert [t.key for t in shown.relations.duplicates] == ["SUP-2", "SUP-3"]
    assert [(f.user_id, f.via_private) for f in shown.relations.followers] == [
        ("U0LEADSALES", False),
        ("U0STRANGER", False),
    ]
    assert (await tickets.show("SUP-2", "U0STRANGER")).relations.duplicate_of is not None

    async with db.transaction() as session:
        everything = list((await session.exec(select(Ticket).order_by(col(Ticket.id)))).all())
        exported = await export_columns(session, everything)
        relations = await relations_of(session, everything)
    assert EXPORT_FIELDS == LINKED_WORK_FIELDS  # the export's columns are the ones filled in
    assert [exported[t.id or 0] for t in everything] == [
        {"duplicate_of": "", "related": "SUP-4", "followers": "U0LEADSALES U0STRANGER"},  # one moment: by id
        {"duplicate_of": "SUP-1", "related": "", "followers": ""},
        {"duplicate_of": "SUP-1", "related": "", "followers": ""},
        {"duplicate_of": "", "related": "SUP-1", "followers": ""},
    ]
    assert set(relations) == {t.id for t in everything}  # each has some linked work


def test_only_unresolved_work_closes_from_an_active_status() -> None:
    for status in (Status.OPEN, Status.ACKNOWLEDGED, Status.WAITING, Status.BLOCKED):
        with pytest.raises(InvalidTransition):
            check_move(status, Status.CLOSED, key="SUP-1")
        assert check_move(status, Status.CLOSED, key="SUP-1", declined=True) == Status.CLOSED
    with pytest.raises(InvalidTransition):
        check_move(Status.CLOSED, Status.CLOSED, key="SUP-1", declined=True)
    with pytest.raises(InvalidTransition):
        check_move(Status.OPEN, Status.RESOLVED, key="SUP-1", declined=True)
