"""Heartbeats and the outbox rows leased to a sender (SQLite and PostgreSQL): a dead or stopped sender's rows are
taken over before their lease runs out, a live one's are not, and only the holder renews or records a lease."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import select

from storage import heartbeats, outbox, outbox_leases
from storage.database import Database
from storage.models import Heartbeat

NOW = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
LEASE = timedelta(minutes=5)
DEAD_AFTER = timedelta(seconds=15)


def calls(text: str) -> list[outbox.Call]:
    return [outbox.Call("chat.postMessage", {"channel": "C0SUPPORT", "text": text}, "notice")]


async def beat(db: Database, process: str, at: datetime, part: str = heartbeats.SENDER) -> None:
    async with db.transaction() as session:
        await heartbeats.beat(session, process, part, at)


async def claim(db: Database, now: datetime, sender: str) -> list[outbox.OutboxRow]:
    async with db.transaction() as session:
        return await outbox_leases.claim_due(session, now, LEASE, 10, sender=sender, dead_before=now - DEAD_AFTER)


async def test_a_beat_keeps_its_start_and_moves_its_time(db: Database) -> None:
    await beat(db, "a-1", NOW)
    await beat(db, "a-1", NOW + timedelta(seconds=3))
    async with db.transaction() as session:
        [row] = (await session.exec(select(Heartbeat))).all()
    assert (row.process, row.part, row.started_at, row.beat_at, row.stopped_at) == (
        "a-1",
        "sender",
        NOW,
        NOW + timedelta(seconds=3),
        None,
    )


async def test_rows_of_a_sender_whose_heartbeat_stopped_are_taken_over_before_the_lease_runs_out(
    db: Database,
) -> None:
    await beat(db, "dead", NOW)
    await beat(db, "alive", NOW)
    async with db.transaction() as session:
        [dead_row] = await outbox.enqueue_calls(session, calls("dead's"), NOW, NOW + LEASE, "dead")
        [alive_row] = await outbox.enqueue_calls(session, calls("alive's"), NOW, NOW + LEASE, "alive")
        [orphan] = await outbox.enqueue_calls(session, calls("nobody's"), NOW, NOW + LEASE)  # no holder named
    assert (dead_row.claimed_by, orphan.claimed_by) == ("dead", None)

    # 14 s: within the limit, nobody is taken over.
    await beat(db, "alive", NOW + timedelta(seconds=14))
    await beat(db, "other", NOW + timedelta(seconds=14))
    assert await claim(db, NOW + timedelta(seconds=14), "other") == []

    # 16 s after the dead sender's last beat: its row is the other's, marked as uncertain; the live one's stays.
    later = NOW + timedelta(seconds=16)
    await beat(db, "alive", later)
    taken = await claim(db, later, "other")
    assert [(r.id, r.claimed_by, r.claimed_until, r.attempts, r.last_error) for r in taken] == [
        (dead_row.id, "other", later + LEASE, 2, outbox.SENDER_STOPPED)
    ]
    # A row leased without a holder waits for its lease, as before heartbeats existed.
    assert await claim(db, later, "other") == []
    assert [r.id for r in await claim(db, NOW + LEASE + timedelta(seconds=1), "other")] == [alive_row.id, orphan.id]


async def test_a_sender_never_takes_over_its_own_rows_however_old_its_heartbeat(db: Database) -> None:
    await beat(db, "me", NOW)
    async with db.transaction() as session:
        await outbox.enqueue_calls(session, calls("mine"), NOW, NOW + LEASE, "me")
    assert await claim(db, NOW + timedelta(minutes=1), "me") == []


async def test_a_sender_that_stopped_on_purpose_has_its_rows_taken_over_at_once(db: Database) -> None:
    await beat(db, "leaving", NOW)
    await beat(db, "staying", NOW)
    async with db.transaction() as session:
        [row] = await outbox.enqueue_calls(session, calls("left behind"), NOW, NOW + LEASE, "leaving")
        await heartbeats.stop(session, "leaving", heartbeats.SENDER, NOW + timedelta(seconds=1))
    [taken] = await claim(db, NOW + timedelta(seconds=1), "staying")
    assert (taken.id, taken.claimed_by, taken.last_error) == (row.id, "staying", outbox.SENDER_STOPPED)


async def test_only_the_holder_renews_or_records_a_lease(db: Database) -> None:
    async with db.transaction() as session:
        [row] = await outbox.enqueue_calls(session, calls("held"), NOW, NOW + LEASE, "holder")
    later = NOW + 2 * LEASE
    async with db.transaction() as session:
        assert await outbox_leases.renew(session, [row.id], NOW + LEASE, later, "intruder") == set()
        assert await outbox_leases.held(session, [(row.id, NOW + LEASE)], "intruder") == set()
        assert await outbox_leases.held(session, [(row.id, NOW + LEASE)]) == set()  # nor a sender without a name
        assert await outbox_leases.held(session, [(row.id, NOW + LEASE)], "holder") == {row.id}
        assert await outbox_leases.renew(session, [row.id], NOW + LEASE, later, "holder") == {row.id}


async def test_live_counts_what_beat_recently_and_forget_drops_the_long_gone(db: Database) -> None:
    await beat(db, "a", NOW)
    await beat(db, "b", NOW - timedelta(minutes=1))
    await beat(db, "c", NOW)
    await beat(db, "a", NOW, heartbeats.TICKER)
    await beat(db, "gone", NOW - timedelta(days=3))
    async with db.transaction() as session:
        await heartbeats.stop(session, "c", heartbeats.SENDER, NOW)
        since = NOW - DEAD_AFTER
        counted = await heartbeats.live(session, {heartbeats.SENDER: since, heartbeats.TICKER: since})
        assert counted == {heartbeats.SENDER: 1, heartbeats.TICKER: 1}
        assert await heartbeats.forget_before(session, NOW - timedelta(days=2)) == 1
        names = {row.process for row in (await session.exec(select(Heartbeat))).all()}
    assert names == {"a", "b", "c"}
