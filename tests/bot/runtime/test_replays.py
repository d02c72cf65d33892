"""Replay keys of signed requests: one per request, shared through the database, forgotten once stale."""

from __future__ import annotations

import asyncio

from sqlmodel import col, select

from bot.runtime.clock import ManualClock
from bot.runtime.replays import SIGNATURE_WINDOW, RequestReplays
from storage.database import Database
from storage.events import mark_processed
from storage.models import ProcessedEvent
from tests.support.harness import START

NOW = 1_800_000_000


class WallClock:
    def __init__(self) -> None:
        self.now = float(NOW)

    def __call__(self) -> float:
        return self.now


async def _first_time(replays: RequestReplays, timestamp: int, body: str, kind: str = "command") -> bool:
    return await replays.first_time(replays.key(str(timestamp), body), kind)


async def _keys(db: Database) -> list[str]:
    async with db.transaction() as session:
        return list((await session.exec(select(ProcessedEvent.event_id).order_by(col(ProcessedEvent.event_id)))).all())


async def test_a_request_is_new_once_and_a_replay_racing_it_loses(db: Database) -> None:
    replays = RequestReplays(db, ManualClock(START), WallClock())
    body = "command=%2Fticket&text=urgent+hi"
    outcomes = await asyncio.gather(*(_first_time(replays, NOW, body) for _ in range(3)))
    assert sorted(outcomes) == [False, False, True]
    assert await _first_time(replays, NOW, body) is False
    assert await _first_time(replays, NOW + 1, body) is True  # a new timestamp: a new request
    assert await _first_time(replays, NOW, body + "x") is True  # another body


async def test_another_replica_sees_the_key(db: Database) -> None:
    one, two = RequestReplays(db, ManualClock(START), WallClock()), RequestReplays(db, ManualClock(START), WallClock())
    assert await _first_time(one, NOW, "payload=%7B%7D", "block_actions") is True
    assert await _first_time(two, NOW, "payload=%7B%7D", "block_actions") is False


async def test_stale_keys_are_forgotten_and_event_ids_kept(db: Database) -> None:
    wall = WallClock()
    replays = RequestReplays(db, ManualClock(START), wall)
    async with db.transaction() as session:
        await mark_processed(session, [("Ev0SLACKEVENT", "message")], START)
    await _first_time(replays, NOW, "old")
    wall.now += SIGNATURE_WINDOW + 120  # the old request's signature is long stale: it can never come again
    await _first_time(replays, int(wall.now), "new")
    keys = await _keys(db)
    assert keys[0] == "Ev0SLACKEVENT" and len(keys) == 2
    assert keys[1].startswith(f"rq{int(wall.now):010d}") and len(keys[1]) == 64


async def test_a_forgotten_key_leaves_nothing(db: Database) -> None:
    replays = RequestReplays(db, ManualClock(START), WallClock())
    key = replays.key(str(NOW), "refused")
    assert await replays.first_time(key, "command") is True
    await replays.forget(key)
    assert await _keys(db) == []
