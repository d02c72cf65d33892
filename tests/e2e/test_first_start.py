"""Day one and restarts: scheduled work whose time passed before the database's first start never runs, a
stand-up summary goes out only for a stand-up whose questions went out, and after an outage missed work is
caught up only within ``catch_up_within`` (1 h by default) of its time."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, time
from typing import Any

import pytest

from bot.runtime.clock import ManualClock
from bot.sandbox.fake_slack.server import SlackApiServer
from bot.sandbox.fake_slack.workspace import SlackWorkspace
from bot.sandbox.scene import populate
from bot.surfaces.ids import ActionId
from config.loader import EXAMPLE_PATH, load_workspace
from config.schema import Digest, WorkspaceConfig
from tests.support.goal_fixture import without_goals
from tests.support.harness import BOT_TOKEN, EXTRA_PEOPLE, Harness, running_bot


@pytest.fixture
def workspace() -> WorkspaceConfig:
    """Without shared goals and their Monday review, so the channel holds the digest alone."""
    return without_goals(load_workspace(EXAMPLE_PATH))


MONDAY, TUESDAY = 30, 1  # 30 Nov and 1 Dec 2026, working days; stand-up questions 09:30, summary 10:30


def shanghai(day: int, hour: int, minute: int = 0) -> datetime:
    month = 11 if day == MONDAY else 12
    return datetime(2026, month, day, hour - 8, minute, tzinfo=UTC)


@asynccontextmanager
async def fake_slack(workspace: WorkspaceConfig) -> AsyncIterator[SlackApiServer]:
    """One fake Slack that outlives a bot, so a restart is seen in the same channels."""
    server = SlackApiServer(SlackWorkspace(bot_token=BOT_TOKEN))
    populate(server.workspace, workspace, extra_people=EXTRA_PEOPLE)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


async def tick_at(bot: Harness, moment: datetime) -> None:
    bot.clock.set(moment)
    assert bot.bot.ticker is not None
    await bot.bot.ticker.tick()
    await bot.drain()


def bot_posts(bot: Harness, channel: str) -> list[Any]:
    return [m for m in bot.fake.messages_in(channel) if m.user == bot.fake.bot_user_id]


def summaries(bot: Harness) -> list[Any]:
    return [m for m in bot_posts(bot, "C0SUPPORT") if "stand-up" in m.text]


def questions_to(bot: Harness, user: str) -> list[Any]:
    asked = bot.fake.messages_in(bot.fake.dm_channel_for(user))
    return [m for m in asked if ActionId.STANDUP_ANSWER.value in json.dumps(m.blocks or [])]


def with_morning_digest(workspace: WorkspaceConfig) -> WorkspaceConfig:
    """The digest at 10:00, so a start at 11:00 is past the questions, the digest and the summary."""
    return workspace.model_copy(update={"digest": Digest(channel="C0MGMT", at=time(10, 0))})


async def test_a_first_start_after_the_days_times_posts_nothing_and_the_next_day_is_normal(
    database_url: str, workspace: WorkspaceConfig
) -> None:
    workspace = with_morning_digest(workspace)
    async with running_bot(database_url, workspace, clock=ManualClock(shanghai(MONDAY, 11))) as bot:
        await tick_at(bot, shanghai(MONDAY, 11))
        await tick_at(bot, shanghai(MONDAY, 11, 1))
        await tick_at(bot, shanghai(MONDAY, 17, 0))
        assert bot_posts(bot, "C0SUPPORT") == []
        assert bot_posts(bot, "C0MGMT") == []
        assert all(questions_to(bot, user) == [] for user in ("U0ALICE", "U0BOB", "U0LEADSUP"))

        # Tuesday runs as any working day: questions, the digest, the summary.
        await tick_at(bot, shanghai(TUESDAY, 9, 30))
        assert all(len(questions_to(bot, user)) == 1 for user in ("U0ALICE", "U0BOB", "U0LEADSUP"))
        await tick_at(bot, shanghai(TUESDAY, 10, 0))
        assert len([m for m in bot_posts(bot, "C0MGMT") if not m.files]) == 1
        await tick_at(bot, shanghai(TUESDAY, 10, 30))
        [summary] = summaries(bot)
        assert "2026-12-01" in summary.text
        assert "Did not answer: <@U0ALICE>, <@U0BOB>, <@U0LEADSUP>" in json.dumps(summary.blocks)


async def test_an_outage_within_the_grace_period_is_caught_up(database_url: str, workspace: WorkspaceConfig) -> None:
    async with fake_slack(workspace) as slack:
        async with running_bot(database_url, workspace, slack=slack, clock=ManualClock(shanghai(MONDAY, 9))) as bot:
            await tick_at(bot, shanghai(MONDAY, 9, 30))
            assert len(questions_to(bot, "U0ALICE")) == 1
        # Down from 09:40 to 11:20: the summary (10:30) is 50 minutes late, inside the default hour.
        restart = ManualClock(shanghai(MONDAY, 11, 20))
        async with running_bot(database_url, workspace, slack=slack, clock=restart) as bot:
            await tick_at(bot, shanghai(MONDAY, 11, 20))
            [summary] = summaries(bot)
            assert "Did not answer: <@U0ALICE>, <@U0BOB>, <@U0LEADSUP>" in json.dumps(summary.blocks)
        # Down again over 18:00; back at 18:45: the digest is posted once.
        restart = ManualClock(shanghai(MONDAY, 18, 45))
        async with running_bot(database_url, workspace, slack=slack, clock=restart) as bot:
            await tick_at(bot, shanghai(MONDAY, 18, 45))
            await tick_at(bot, shanghai(MONDAY, 18, 50))
            assert len([m for m in bot_posts(bot, "C0MGMT") if not m.files]) == 1
            assert len(summaries(bot)) == 1


async def test_an_outage_beyond_the_grace_period_is_not_caught_up(
    database_url: str, workspace: WorkspaceConfig
) -> None:
    async with fake_slack(workspace) as slack:
        async with running_bot(database_url, workspace, slack=slack, clock=ManualClock(shanghai(MONDAY, 9))) as bot:
            await tick_at(bot, shanghai(MONDAY, 9, 30))
        # Down from 09:40 to 11:45: the summary would be 75 minutes late; the digest would be 2 hours late.
        restart = ManualClock(shanghai(MONDAY, 11, 45))
        async with running_bot(database_url, workspace, slack=slack, clock=restart) as bot:
            await tick_at(bot, shanghai(MONDAY, 11, 45))
            assert summaries(bot) == []
        restart = ManualClock(shanghai(MONDAY, 20))
        async with running_bot(database_url, workspace, slack=slack, clock=restart) as bot:
            await tick_at(bot, shanghai(MONDAY, 20))
            assert bot_posts(bot, "C0MGMT") == []
            # The next day is on time again.
            await tick_at(bot, shanghai(TUESDAY, 9, 30))
            await tick_at(bot, shanghai(TUESDAY, 10, 30))
            [summary] = summaries(bot)
            assert "2026-12-01" in summary.text


async def test_a_summary_lists_only_the_members_who_were_asked(database_url: str, workspace: WorkspaceConfig) -> None:
    async with fake_slack(workspace) as slack:
        # Bob works from Tokyo: his 09:30 is 08:30 in Shanghai, before the bot first started at 09:00.
        slack.workspace.add_user("U0BOB", "bob", tz="Asia/Tokyo")
        async with running_bot(database_url, workspace, slack=slack, clock=ManualClock(shanghai(MONDAY, 9))) as bot:
            await tick_at(bot, shanghai(MONDAY, 9))  # learns Bob's time zone
            await tick_at(bot, shanghai(MONDAY, 9, 30))
            assert questions_to(bot, "U0BOB") == []
            assert len(questions_to(bot, "U0ALICE")) == 1
            await tick_at(bot, shanghai(MONDAY, 10, 30))
            [summary] = summaries(bot)
            shown = json.dumps(summary.blocks)
            assert "Did not answer: <@U0ALICE>, <@U0LEADSUP>" in shown
            assert "U0BOB" not in shown
