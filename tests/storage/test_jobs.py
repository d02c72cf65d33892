"""A periodic job's (job, period) row is claimed by exactly one caller, even when many race for it."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime, timedelta

from storage.database import Database
from storage.jobs import claim_period, finish, first_started, take_turn

NOW = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)


async def test_claim_once_per_period(db: Database) -> None:
    async with db.transaction() as session:
        assert await claim_period(session, "digest", "2026-11-30", NOW)
    async with db.transaction() as session:
        assert not await claim_period(session, "digest", "2026-11-30", NOW)
        assert await claim_period(session, "digest", "2026-12-01", NOW)
        assert await claim_period(session, "standup:SUP", "2026-11-30", NOW)
        await finish(session, "digest", "2026-11-30", NOW)


async def test_racing_claimers_on_separate_engines_get_one_winner(db: Database, database_url: str) -> None:
    engines = [Database(database_url) for _ in range(4)]

    async def claim(engine: Database) -> bool:
        async with engine.transaction() as session:
            return await claim_period(session, "digest", "2026-11-30", NOW)

    try:
        results = await asyncio.gather(*(claim(engine) for engine in engines for _ in range(3)))
    finally:
        for engine in engines:
            await engine.dispose()
    assert sorted(results) == [False] * 11 + [True]


async def test_the_first_start_is_recorded_once_and_read_back(db: Database) -> None:
    async with db.transaction() as session:
        assert await first_started(session, NOW) == NOW
    async with db.transaction() as session:
        assert await first_started(session, NOW + timedelta(days=1)) == NOW


async def test_a_database_used_before_the_record_existed_counts_from_its_oldest_run(db: Database) -> None:
    async with db.transaction() as session:
        await claim_period(session, "digest", "2026-11-20", NOW - timedelta(days=10))
        await claim_period(session, "digest", "2026-11-29", NOW - timedelta(days=1))
    async with db.transaction() as session:
        assert await first_started(session, NOW) == NOW - timedelta(days=10)


async def test_replicas_starting_together_agree_on_one_first_start(db: Database, database_url: str) -> None:
    engines = [Database(database_url) for _ in range(4)]

    async def start(engine: Database, offset: int) -> datetime:
        async with engine.transaction() as session:
            return await first_started(session, NOW + timedelta(seconds=offset))

    try:
        moments = await asyncio.gather(*(start(engine, n) for n, engine in enumerate(engines * 2)))
    finally:
        for engine in engines:
            await engine.dispose()
    assert len(set(moments)) == 1 and moments[0] - NOW < timedelta(seconds=8)


async def test_a_turn_is_taken_once_and_only_forward(db: Database, database_url: str) -> None:
    tick = NOW
    engines = [Database(database_url) for _ in range(4)]

    async def take(engine: Database, name: str, turn: datetime) -> bool:
        async with engine.transaction() as session:
            return await take_turn(session, "reminders", turn, name, NOW)

    try:
        racing = await asyncio.gather(*(take(engine, f"r{n}", tick) for n, engine in enumerate(engines)))
        assert sorted(racing) == [False, False, False, True]
        assert not await take(engines[0], "r0", tick)  # the same tick again
        assert not await take(engines[1], "r1", tick - timedelta(seconds=15))  # an earlier one: never back
        assert await take(engines[2], "r2", tick + timedelta(seconds=15))
        async with db.transaction() as session:
            assert await take_turn(session, "standup-nudges", tick, "r3", NOW)  # each job has its own turn
    finally:
        for engine in engines:
            await engine.dispose()


async def test_a_turn_taken_in_a_transaction_that_rolls_back_is_free_again(db: Database) -> None:
    class Boom(Exception):
        pass

    with contextlib.suppress(Boom):
        async with db.transaction() as session:
            assert await take_turn(session, "reminders", NOW, "crashing", NOW)
            raise Boom
    async with db.transaction() as session:
        assert await take_turn(session, "reminders", NOW, "next", NOW)
