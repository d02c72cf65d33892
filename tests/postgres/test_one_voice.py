"""Two replicas on one PostgreSQL ticking at the same moment speak to each person once per tick: one stand-up nudge
naming every stand-up still open, one reminder DM listing all of a person's overdue tickets, one DM to the lead
with what was escalated — never one from each replica."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.runtime.clock import ManualClock
from config.loader import EXAMPLE_PATH, load_workspace
from config.schema import WorkspaceConfig
from tests.support.harness import Harness, running_replicas

pytestmark = pytest.mark.postgres

MONDAY_0900 = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai
REMINDER_MARKS = (":alarm_clock:", ":rotating_light:")  # an owner's reminder; an escalation to the lead


@pytest.fixture(params=["postgres"])  # replicas share a PostgreSQL; SQLite runs one bot
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def two_standups(tmp_path: Path) -> WorkspaceConfig:
    """The example workspace with Alice in Engineering too, and Engineering's stand-up at Support's time."""
    data: dict[str, Any] = yaml.safe_load(EXAMPLE_PATH.read_text(encoding="utf-8"))
    [engineering] = [d for d in data["departments"] if d["key"] == "ENG"]
    engineering["owners"].append("U0ALICE")
    [support_standup] = data["standups"]
    data["standups"].append({**support_standup, "department": "ENG"})
    path = tmp_path / "crossdesk.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return load_workspace(path)


async def tick_together(replicas: list[Harness], at: datetime) -> dict[str, list[str]]:
    """Every replica ticks at ``at`` at once; returns the texts of the DMs each person got from that tick."""
    first = replicas[0]
    first.clock.set(at)
    for bot in replicas:  # each heartbeat task would beat within seconds; a test moving the clock beats at once
        await bot.sender.heartbeat.beat()
    fake = first.fake
    before = len(fake.calls)
    await asyncio.gather(*(bot.bot.ticker.tick() for bot in replicas if bot.bot.ticker is not None))
    for bot in replicas:
        await bot.drain()
    got: dict[str, list[str]] = defaultdict(list)
    for call in fake.calls[before:]:
        channel = str(call.args.get("channel", ""))
        if call.method == "chat.postMessage" and call.ok and channel.startswith("U"):
            got[channel].append(str(call.args.get("text", "")))
    return got


async def test_replicas_ticking_together_nudge_remind_and_escalate_each_person_once_a_tick(
    database_url: str, two_standups: WorkspaceConfig
) -> None:
    async with running_replicas(database_url, two_standups, 2, clock=ManualClock(MONDAY_0900)) as replicas:
        first, second = replicas
        for n, bot in enumerate([first, second, first, second]):
            _, response = await bot.intake_message(f"refund please, order {n}")
            assert response.status_code == 200
        for bot in replicas:
            await bot.drain()
            # One ticket a pass: replicas splitting a pass would each take one, and speak to the same people.
            bot.services.reminders.batch = 1
        owned: dict[str, set[str]] = defaultdict(set)
        for ticket in await first.tickets():
            owned[ticket.owner_id].add(ticket.key)
        assert {owner: len(keys) for owner, keys in owned.items()} == {"U0ALICE": 2, "U0BOB": 2}

        await tick_together(replicas, MONDAY_0900 + timedelta(minutes=30))  # 09:30: both stand-ups ask
        nudged = await tick_together(replicas, MONDAY_0900 + timedelta(hours=1))  # 10:00: halfway, nobody answered
        nudges = {person: [t for t in texts if t.startswith(":bell:")] for person, texts in nudged.items()}
        support, engineering = two_standups.department("SUP"), two_standups.department("ENG")
        assert support is not None and engineering is not None
        members = set(support.members) | set(engineering.members)
        assert {person: len(texts) for person, texts in nudges.items() if texts} == dict.fromkeys(members, 1)
        [alices] = nudges["U0ALICE"]
        assert "2 of your stand-ups are still open" in alices
        assert f"*{support.name}*" in alices and f"*{engineering.name}*" in alices

        # From 13:00 (four working hours after 09:00) the tickets are overdue; both replicas tick every 15 s.
        escalated: set[str] = set()
        for hour in (13, 14, 15):
            for step in range(4):
                at = MONDAY_0900 + timedelta(hours=hour - 9, seconds=15 * step)
                dms = await tick_together(replicas, at)
                reminders = {p: [t for t in texts if t.startswith(REMINDER_MARKS)] for p, texts in dms.items()}
                assert all(len(texts) <= 1 for texts in reminders.values()), (at, reminders)
                for owner, keys in owned.items():
                    for text in reminders.get(owner, []):
                        assert all(f"*{key}*" in text for key in keys), text  # all their overdue tickets
                for text in reminders.get("U0LEADSUP", []):
                    escalated |= {key for key in owned["U0ALICE"] | owned["U0BOB"] if f"*{key}*" in text}
        assert escalated == owned["U0ALICE"] | owned["U0BOB"]  # the lead heard of every ticket, once a tick at most
