"""The sandbox's controls for user groups and statuses: editing a group's members on the page changes the fake
Slack and tells the bot with ``subteam_members_changed``; setting your status tells it with ``user_status_changed``;
either changes who gets the next Operations ticket. The sandbox's example has a department whose owners include a
user group."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from sqlmodel import col, select

from bot.sandbox.example import ONCALL, sandbox_example
from bot.sandbox.runner import Sandbox
from config.schema import WorkspaceConfig
from storage.models import Ticket
from tests.sandbox.support import REQUESTER, Page, running_sandbox

FRANK, ONCALL1, ONCALL2 = "U0FRANK", "U0ONCALL1", "U0ONCALL2"
README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_readme_names_the_step() -> None:
    text = " ".join(README.read_text(encoding="utf-8").split())
    step = re.search(r"\*\*User groups and away\.\*\* (.*?)\d+\. \*\*", text)
    assert step is not None, "the README's sandbox path has no user group step"
    assert all(words in step.group(1) for words in ("*Groups & status*", "`@oncall`", "Frank", "“server down”"))


@pytest.fixture
async def sandbox(tmp_path: Path, workspace: WorkspaceConfig) -> AsyncIterator[Sandbox]:
    async with running_sandbox(sandbox_example(workspace), tmp_path / ".sandbox") as running:
        yield running


async def ops_owners(sandbox: Sandbox) -> list[str]:
    assert sandbox.bot is not None and sandbox.bot.services is not None
    async with sandbox.bot.services.db.read() as session:
        statement = select(Ticket).where(col(Ticket.department_key) == "OPS").order_by(col(Ticket.id))
        return [ticket.owner_id for ticket in (await session.exec(statement)).all()]


async def owners_of_new_tickets(sandbox: Sandbox, page: Page, count: int) -> list[str]:
    """Open ``count`` Operations tickets with ``/ticket`` in #intake; returns who owns each."""
    before = len(await ops_owners(sandbox))
    for _ in range(count):
        response = await page.do("message", REQUESTER, channel="C0INTAKE", text="server down")
        assert response.status_code == 200, response.text
    return (await ops_owners(sandbox))[before:]


async def test_the_page_edits_a_group_and_a_status_and_the_bot_follows(sandbox: Sandbox) -> None:
    async with httpx.AsyncClient(base_url=sandbox.url, timeout=20) as http:
        page = Page(http)
        state = await page.state(REQUESTER)
        [group] = state["groups"]
        assert group["id"] == ONCALL and group["handle"] == "oncall" and group["members"] == [ONCALL1, ONCALL2]
        assert ":palm_tree:" in state["status_emoji"] and state["labels"]["open"] == "Groups & status"
        assert await owners_of_new_tickets(sandbox, page, 3) == [FRANK, ONCALL1, ONCALL2]

        edited = await page.do("group", REQUESTER, group=ONCALL, members=[ONCALL2, "U0ERIN"])
        assert edited.status_code == 200, edited.text
        assert sandbox.workspace.user_groups[ONCALL].users == [ONCALL2, "U0ERIN"]
        assert (await page.state(REQUESTER))["groups"][0]["members"] == [ONCALL2, "U0ERIN"]
        assert await owners_of_new_tickets(sandbox, page, 3) == [FRANK, ONCALL2, "U0ERIN"]

        away = await page.do("status", FRANK, emoji=":palm_tree:", text="Back Monday", minutes=60)
        assert away.status_code == 200, away.text
        assert (await page.state(FRANK))["statuses"][FRANK]["emoji"] == ":palm_tree:"
        assert await owners_of_new_tickets(sandbox, page, 2) == [ONCALL2, "U0ERIN"]

        moved = await page.do("clock", REQUESTER, minutes=61)  # the status ran out
        assert moved.status_code == 200
        assert (await owners_of_new_tickets(sandbox, page, 1)) == [FRANK]

        refused = await page.do("group", REQUESTER, group=ONCALL, members=[])
        assert refused.status_code == 422 and "at least one member" in refused.json()["error"]
        bad = await page.do("status", FRANK, emoji=":not_offered:", text="")
        assert bad.status_code == 422 and sandbox.workspace.users[FRANK].status_emoji == ":palm_tree:"


async def test_a_restarted_sandbox_keeps_the_groups_members_and_statuses(
    tmp_path: Path, workspace: WorkspaceConfig
) -> None:
    config, data_dir = sandbox_example(workspace), tmp_path / ".sandbox"
    async with running_sandbox(config, data_dir) as first, httpx.AsyncClient(base_url=first.url) as http:
        assert (await Page(http).do("group", REQUESTER, group=ONCALL, members=[ONCALL2])).status_code == 200
        assert (await Page(http).do("status", FRANK, emoji=":airplane:", text="", minutes=0)).status_code == 200
    async with running_sandbox(config, data_dir) as again:
        assert again.workspace.user_groups[ONCALL].users == [ONCALL2]
        assert again.workspace.users[FRANK].status_emoji == ":airplane:"
