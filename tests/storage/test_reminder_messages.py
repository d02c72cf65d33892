"""The reminder DM each person last got (SQLite and PostgreSQL): the newest one is kept, whichever is recorded last,
and two senders recording one person's reminders at once both commit (PostgreSQL, where replicas do that)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from bot.sandbox.polling import eventually
from storage import reminders
from storage.database import Database

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
LOCK_WAITS = "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()"


async def remember(db: Database, ts: str, at: datetime, user: str = "U0ALICE") -> None:
    async with db.transaction() as session:
        await reminders.remember(session, user, "D0ALICE", ts, at)


async def last_ts(db: Database, user: str = "U0ALICE") -> str | None:
    async with db.read() as session:
        found = await reminders.last_reminders(session, [user])
    return found[user].ts if user in found else None


async def test_the_newest_reminder_is_kept_whichever_is_recorded_last(db: Database) -> None:
    await remember(db, "100.000001", NOW)
    assert await last_ts(db) == "100.000001"
    await remember(db, "200.000001", NOW + timedelta(seconds=1))
    assert await last_ts(db) == "200.000001"
    # A sender recording an older reminder late (it was slower to write its outcome) does not bring it back.
    await remember(db, "150.000001", NOW + timedelta(milliseconds=500))
    assert await last_ts(db) == "200.000001"
    await remember(db, "300.000001", NOW + timedelta(seconds=2), user="U0BOB")
    assert (await last_ts(db), await last_ts(db, "U0BOB")) == ("200.000001", "300.000001")


@pytest.mark.postgres
@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
async def test_two_senders_remembering_one_person_at_once_both_commit(db: Database) -> None:
    """The first transaction has written the person's row and not committed when the second writes its own: the
    second waits for the first, then keeps the newer — neither fails on the key (a failure would lose every other
    outcome of its transaction)."""
    first_written = asyncio.Event()
    release_first = asyncio.Event()

    async def first() -> None:
        async with db.transaction() as session:
            await reminders.remember(session, "U0ALICE", "D0ALICE", "100.000001", NOW)
            first_written.set()
            await release_first.wait()

    async def second() -> None:
        await first_written.wait()
        async with db.transaction() as session:
            await reminders.remember(session, "U0ALICE", "D0ALICE", "200.000001", NOW + timedelta(seconds=1))

    async def second_waits_for_the_first() -> bool:
        async with db.read() as session:
            waiting = await session.exec(text(LOCK_WAITS))
            return bool(waiting.scalar())

    tasks = [asyncio.create_task(first()), asyncio.create_task(second())]
    await first_written.wait()
    await eventually(second_waits_for_the_first, timeout=10, failure="the second transaction never waited")
    release_first.set()
    await asyncio.gather(*tasks)
    assert await last_ts(db) == "200.000001"
