"""An edit made in Slack on one replica reaches the others within one tick: two bots on one PostgreSQL, the owners
changed through replica A's Admin form, the next ticket opened through replica B goes to the new owner."""

from __future__ import annotations

import asyncio

import pytest

from tests.support.admin import database_workspace, open_department, owner_of_next, submit
from tests.support.harness import running_replicas

pytestmark = pytest.mark.postgres


@pytest.fixture(params=["postgres"])  # replicas share a PostgreSQL; SQLite runs one bot
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


async def test_an_admins_edit_on_one_replica_routes_the_next_ticket_on_another(database_url: str) -> None:
    async with running_replicas(database_url, database_workspace()) as (first, second):
        assert await owner_of_next(second, "Customer wants a refund", "SUP-1") == "U0ALICE"
        form = await open_department(first, "U0ADMIN", "SUP")
        assert await submit(first, form, "U0ADMIN", {"owners": ["U0DAN"]}) == {}
        assert first.services.workspace.department("SUP").owners == ["U0DAN"]
        # Replica B has not looked yet: until its tick it still runs what it had.
        assert second.services.workspace.department("SUP").owners == ["U0ALICE", "U0BOB"]
        assert second.bot.ticker is not None
        await second.bot.ticker.tick()
        assert second.services.workspace.department("SUP").owners == ["U0DAN"]
        assert await owner_of_next(second, "Another refund", "SUP-2") == "U0DAN"
        assert await owner_of_next(second, "A third refund", "SUP-3") == "U0DAN"


async def test_two_edits_at_once_on_two_replicas_both_stay(database_url: str) -> None:
    """The admin changes Engineering on one replica while Support's lead changes Support on the other: each edit
    starts from the newest configuration in turn, so the last one recorded holds both."""
    async with running_replicas(database_url, database_workspace()) as (first, second):
        engineering = await open_department(first, "U0ADMIN", "ENG")
        support = await open_department(second, "U0LEADSUP", "SUP")
        answers = await asyncio.gather(
            submit(first, engineering, "U0ADMIN", {"owners": ["U0DAN"]}),
            submit(second, support, "U0LEADSUP", {"owners": ["U0BOB"]}),
        )
        assert answers == [{}, {}]
        for replica in (first, second):
            assert replica.bot.ticker is not None
            await replica.bot.ticker.tick()
            workspace = replica.services.workspace
            assert (workspace.department("ENG").owners, workspace.department("SUP").owners) == (["U0DAN"], ["U0BOB"])
