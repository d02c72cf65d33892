"""User groups as owners and leads (issue 20, point 3): a department whose owners include a Slack user group rotates
through its members, follows ``subteam_members_changed`` and the hourly read, and keeps the last members known when
Slack does not answer; a lead given as a user group acts and is told as each of its members. Through signed requests
into the real app and its real Web API client talking to the fake Slack."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlmodel import col, select

from bot.sandbox import slack_requests
from config.schema import WorkspaceConfig
from storage.membership_models import UserGroup
from tests.support.harness import Harness, running_bot, running_replicas

NIGHT = "S0NIGHT"  # the fake workspace starts it with U0NIGHT1 and U0NIGHT2 (bot/sandbox/scene.py)
ENG_LEADS = "S0ENGLEADS"  # U0ENGLEADS1, U0ENGLEADS2


def with_groups(workspace: WorkspaceConfig, **changes: Any) -> WorkspaceConfig:
    """The example file with Support's owners ``U0ALICE`` and the night shift's group, and Engineering's lead a
    group of two."""
    data = workspace.model_dump()
    for department in data["departments"]:
        if department["key"] == "SUP":
            department["owners"] = ["U0ALICE", NIGHT]
        if department["key"] == "ENG":
            department["lead"] = ENG_LEADS
    return WorkspaceConfig.model_validate({**data, **changes})


@pytest.fixture
async def bot(database_url: str, workspace: WorkspaceConfig) -> Any:
    async with running_bot(database_url, with_groups(workspace)) as harness:
        yield harness


def answer(response: httpx.Response) -> str:
    assert response.status_code == 200, response.text
    return str(response.json()["text"])


async def open_tickets(bot: Harness, count: int) -> list[str]:
    """Open ``count`` Support tickets; returns their owners."""
    before = len(await bot.tickets())
    for number in range(count):
        answer(await bot.command(f"refund request {before + number}", "U0ERIN"))
    return [t.owner_id for t in (await bot.tickets())[before:]]


async def tick(bot: Harness) -> None:
    assert bot.bot.ticker is not None
    await bot.bot.ticker.tick()
    await bot.drain()


async def test_the_round_robin_follows_the_groups_members_as_slack_changes_them(bot: Harness) -> None:
    # Read at start: the group was never read before.
    assert sorted(c.args["usergroup"] for c in bot.fake.calls_to("usergroups.users.list")) == [ENG_LEADS, NIGHT]
    assert await open_tickets(bot, 3) == ["U0ALICE", "U0NIGHT1", "U0NIGHT2"]

    added, removed = bot.fake.set_group_members(NIGHT, ["U0NIGHT2", "U0ERIN"])
    response = await bot.event(
        slack_requests.subteam_members_changed_event(subteam=NIGHT, added=added, removed=removed)
    )
    assert response.status_code == 200
    assert await open_tickets(bot, 3) == ["U0ALICE", "U0NIGHT2", "U0ERIN"]  # U0NIGHT1 left the group
    async with bot.services.db.read() as session:
        group = (await session.exec(select(UserGroup).where(col(UserGroup.group_id) == NIGHT))).one()
    assert group.changed_by == "slack:subteam_members_changed" and group.changed_at == bot.clock.now()

    # A group the file does not name is none of the bot's business.
    other = slack_requests.subteam_members_changed_event(subteam="S0OTHER", added=["U0BOB"], removed=[])
    assert (await bot.event(other)).status_code == 200
    async with bot.services.db.read() as session:
        assert (await session.exec(select(UserGroup).where(col(UserGroup.group_id) == "S0OTHER"))).first() is None


async def test_the_hourly_read_finds_changes_no_event_told(bot: Harness) -> None:
    at_start = len(bot.fake.calls_to("usergroups.users.list"))  # both groups, never read before
    await tick(bot)  # the first tick of the hour reads every group
    assert len(bot.fake.calls_to("usergroups.users.list")) == at_start + 2
    bot.fake.set_group_members(NIGHT, ["U0NIGHT1", "U0NIGHT2", "U0ERIN"])  # no event reaches the bot
    await tick(bot)
    assert len(bot.fake.calls_to("usergroups.users.list")) == at_start + 2  # once an hour, not once a tick
    assert "U0ERIN" not in await open_tickets(bot, 3)

    bot.clock.advance(timedelta(hours=1))
    await tick(bot)
    assert len(bot.fake.calls_to("usergroups.users.list")) == at_start + 4
    assert await open_tickets(bot, 4) == ["U0ALICE", "U0NIGHT1", "U0NIGHT2", "U0ERIN"]


async def test_slack_failing_to_answer_keeps_the_last_members(bot: Harness, caplog: pytest.LogCaptureFixture) -> None:
    bot.fake.set_group_members(NIGHT, ["U0ERIN"])
    bot.fake.fail_next("usergroups.users.list", status=503, times=5)
    bot.clock.advance(timedelta(hours=1))
    with caplog.at_level(logging.WARNING, logger="bot.people.slack_reads"):
        await tick(bot)
    assert any("keeping its last known members" in r.getMessage() for r in caplog.records)
    assert await open_tickets(bot, 3) == ["U0ALICE", "U0NIGHT1", "U0NIGHT2"]  # as read at start
    assert (await bot.http.get("/healthz")).status_code == 200


async def test_a_lead_given_as_a_group_acts_and_is_told_as_each_member(bot: Harness) -> None:
    answer(await bot.command("crash on login", "U0ERIN"))  # ENG-1, Carol's
    await bot.drain()
    answer(await bot.command("escalate ENG-1 customers are blocked", "U0ERIN"))
    await bot.drain()
    for lead in ("U0ENGLEADS1", "U0ENGLEADS2"):
        [told] = bot.fake.messages_in(bot.fake.dm_channel_for(lead))
        assert "ENG-1" in told.text
    refused = answer(await bot.command("close ENG-1 fixed it", "U0NIGHT1"))
    assert "is resolved" not in refused
    assert "*ENG-1* is resolved" in answer(await bot.command("close ENG-1 fixed it", "U0ENGLEADS2"))


async def test_another_replica_follows_the_change_within_a_tick(database_url: str, workspace: WorkspaceConfig) -> None:
    async with running_replicas(database_url, with_groups(workspace)) as (first, second):
        added, removed = first.fake.set_group_members(NIGHT, ["U0ERIN"])
        event = slack_requests.subteam_members_changed_event(subteam=NIGHT, added=added, removed=removed)
        assert (await first.event(event)).status_code == 200  # Slack delivers it to one replica
        assert second.services.workspace.owners_of(second.services.workspace.triage) == [
            "U0ALICE",
            "U0NIGHT1",
            "U0NIGHT2",
        ]  # not yet: the second replica reads the groups again on its tick
        assert second.bot.ticker is not None
        await second.bot.ticker.tick()
        assert await open_tickets(second, 2) == ["U0ALICE", "U0ERIN"]
