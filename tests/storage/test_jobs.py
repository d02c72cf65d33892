"""A periodic job's (job, period) row is claimed by exactly one caller, even when many race for it."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from storage.database import Database
from storage.jobs import claim_period, finish

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
