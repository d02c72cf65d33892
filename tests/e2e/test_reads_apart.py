"""Reads apart from writes in the running bot: ``/metrics``, ``/healthz``, lists, ``/ticket show``, App Home, the
digest's report and the checks before a form are answered while a write holds the writer's turn (on SQLite this
process's one writer; on PostgreSQL the ticket's row, locked)."""

from __future__ import annotations

import asyncio

from bot.tickets.permissions import Action
from bot.tickets.service import ListScope
from storage import tickets as ticket_rows
from tests.support.harness import Harness

# Only guards against a deadlock hanging the run: a read that waited for the held writer would wait forever.
DEADLOCK = 30.0


async def test_what_people_look_at_is_answered_while_a_write_holds_the_writer(bot: Harness) -> None:
    _, opened = await bot.intake_message("The VPN drops every few minutes since this morning")
    assert opened.status_code == 200
    await bot.drain()
    services = bot.services
    owner = (await bot.ticket("SUP-1")).owner_id
    holding, looked = asyncio.Event(), asyncio.Event()

    async def hold_the_writer() -> None:
        async with services.db.transaction() as session:
            await ticket_rows.by_key(session, "SUP-1", for_update=True)
            holding.set()
            await looked.wait()

    writer = asyncio.create_task(hold_the_writer())
    await holding.wait()
    try:
        async with asyncio.timeout(DEADLOCK):
            metrics = await bot.http.get("/metrics")
            health = await bot.http.get("/healthz")
            listed = await services.tickets.list_tickets("U0ERIN", ListScope.MINE)
            shown = await services.tickets.show("SUP-1", "U0ERIN")
            home = await services.tickets.home_queue(owner)
            report = await services.digest.report(bot.clock.now())
            checked = await services.workflow.check("SUP-1", owner, Action.ACKNOWLEDGE)
    finally:
        looked.set()
        await writer
    assert metrics.status_code == 200 and "crossdesk_outbox_backlog" in metrics.text
    assert health.status_code == 200 and health.json()["database"] == "reachable"
    assert [ticket.key for ticket in listed] == ["SUP-1"]
    assert shown.ticket.key == "SUP-1" and shown.events
    assert [ticket.key for ticket in home.owned] == ["SUP-1"]
    assert report.department("SUP").opened == 1
    assert checked.key == "SUP-1"
