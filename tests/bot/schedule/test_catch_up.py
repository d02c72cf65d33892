"""When missed scheduled work still runs: after the database's first start, and at most the grace period late."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.runtime.clock import ManualClock
from bot.schedule.catch_up import CatchUp
from storage.database import Database

FIRST_START = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


async def test_work_runs_from_its_time_until_the_grace_period_ends(db: Database) -> None:
    catch_up = CatchUp(db, ManualClock(FIRST_START))
    assert await catch_up.first_started() == FIRST_START
    due = FIRST_START + timedelta(minutes=30)
    assert not await catch_up.may_run(due, due - timedelta(seconds=1), HOUR)
    assert await catch_up.may_run(due, due, HOUR)
    assert await catch_up.may_run(due, due + HOUR, HOUR)
    assert not await catch_up.may_run(due, due + HOUR + timedelta(seconds=1), HOUR)


async def test_work_planned_before_the_first_start_never_runs(db: Database) -> None:
    clock = ManualClock(FIRST_START)
    await CatchUp(db, clock).first_started()
    clock.advance(timedelta(days=2))
    restarted = CatchUp(db, clock)  # a later process reads the recorded moment, not its own start
    assert await restarted.first_started() == FIRST_START
    assert not await restarted.may_run(FIRST_START - timedelta(minutes=1), FIRST_START + timedelta(minutes=5), HOUR)
    assert await restarted.may_run(FIRST_START, FIRST_START + timedelta(minutes=5), HOUR)
