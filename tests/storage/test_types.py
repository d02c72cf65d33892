"""``UTCDateTime``: aware UTC values in, the same aware UTC values out, on both backends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import text
from sqlmodel import select

from storage.database import Database
from storage.models import ReminderMessage

MOMENTS = [
    datetime(2026, 11, 30, 2, 0, tzinfo=UTC),
    datetime(2026, 11, 30, 2, 0, 0, 123456, tzinfo=UTC),
    datetime(2026, 11, 30, 10, 0, 0, 1, tzinfo=timezone(timedelta(hours=8))),  # stored as 02:00:00.000001 UTC
]


@pytest.mark.parametrize("moment", MOMENTS)
async def test_a_moment_reads_back_as_the_same_aware_utc_moment(db: Database, moment: datetime) -> None:
    async with db.transaction() as session:
        session.add(ReminderMessage(user_id="U0ALICE", channel="D0ALICE", ts="1.0", sent_at=moment))
    async with db.transaction() as session:
        row = (await session.exec(select(ReminderMessage))).one()
    assert row.sent_at == moment
    assert row.sent_at.tzinfo is UTC


async def test_a_naive_moment_is_refused_and_nothing_is_stored(db: Database) -> None:
    with pytest.raises(Exception, match="naive datetime"):
        async with db.transaction() as session:
            session.add(ReminderMessage(user_id="U0ALICE", channel="D0ALICE", ts="1.0", sent_at=datetime(2026, 11, 30)))
    async with db.transaction() as session:
        assert (await session.exec(select(ReminderMessage))).all() == []


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
@pytest.mark.parametrize(
    ("stored", "expected"),
    [
        ("2026-11-30 02:00:00.000000", datetime(2026, 11, 30, 2, 0, tzinfo=UTC)),  # as this type writes it
        ("2026-11-30 02:00:00", datetime(2026, 11, 30, 2, 0, tzinfo=UTC)),  # without microseconds
        # Text naming its zone (never written by this type, e.g. a hand-made row) is read in that zone.
        ("2026-11-30 10:00:00+08:00", datetime(2026, 11, 30, 2, 0, tzinfo=UTC)),
    ],
)
async def test_sqlite_text_of_any_iso_shape_reads_as_utc(db: Database, stored: str, expected: datetime) -> None:
    async with db.engine.begin() as connection:
        await connection.execute(
            text("INSERT INTO reminder_messages (user_id, channel, ts, sent_at) VALUES ('U0A', 'D0A', '1.0', :at)"),
            {"at": stored},
        )
    async with db.transaction() as session:
        row = (await session.exec(select(ReminderMessage))).one()
    assert row.sent_at == expected
    assert row.sent_at.tzinfo is UTC
