"""The outbox's set-based statements on a real database (SQLite and PostgreSQL): queue, claim, renew, record."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import col, select

from storage import outbox, outbox_leases
from storage.database import Database
from storage.models import OutboxMessage

NOW = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
LEASE = timedelta(minutes=5)


def card_and_followers() -> list[outbox.Call]:
    card = outbox.Call("chat.postMessage", {"channel": "C0INTAKE", "text": "card"}, "card")
    dm = outbox.Call("chat.postMessage", {"channel": "U0ALICE", "text": "dm"}, "notice", after=card)
    notice = outbox.Call("chat.postMessage", {"channel": "C0SUPPORT", "text": "notice"}, "notice", after=card)
    return [card, dm, notice]


async def rows(db: Database) -> list[OutboxMessage]:
    async with db.transaction() as session:
        return list((await session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id)))).all())


async def test_queued_calls_wait_for_the_call_they_follow_and_are_claimed_with_it(db: Database) -> None:
    async with db.transaction() as session:
        written = await outbox.enqueue_calls(session, card_and_followers(), NOW)
    card, dm, notice = written
    assert (dm.depends_on_id, notice.depends_on_id) == (card.id, card.id)
    assert [r.status for r in written] == ["pending"] * 3
    async with db.transaction() as session:
        claimed = await outbox_leases.claim_due(session, NOW, LEASE, 10)
    assert [r.id for r in claimed] == [card.id, dm.id, notice.id]  # the followers come in the same pass
    assert {(r.status, r.attempts, r.claimed_until) for r in claimed} == {("sending", 1, NOW + LEASE)}
    assert {(r.status, r.attempts) for r in await rows(db)} == {("sending", 1)}
    async with db.transaction() as session:
        assert await outbox_leases.claim_due(session, NOW, LEASE, 10) == []  # leased: nobody else takes them


async def test_rows_written_leased_are_not_claimed_until_the_lease_runs_out(db: Database) -> None:
    async with db.transaction() as session:
        written = await outbox.enqueue_calls(session, card_and_followers(), NOW, leased_until=NOW + LEASE)
    assert {(r.status, r.attempts, r.claimed_until) for r in written} == {("sending", 1, NOW + LEASE)}
    async with db.transaction() as session:
        assert await outbox_leases.claim_due(session, NOW + LEASE - timedelta(seconds=1), LEASE, 10) == []
    async with db.transaction() as session:
        taken = await outbox_leases.claim_due(session, NOW + LEASE + timedelta(seconds=1), LEASE, 10)
    assert [r.id for r in taken] == [r.id for r in written]
    assert {(r.attempts, r.last_error) for r in taken} == {(2, outbox.LEASE_RAN_OUT)}  # outcome unknown: look first


async def test_a_lease_is_renewed_and_recorded_only_while_it_is_still_held(db: Database) -> None:
    async with db.transaction() as session:
        card, dm, notice = await outbox.enqueue_calls(session, card_and_followers(), NOW, leased_until=NOW + LEASE)
    later = NOW + 2 * LEASE
    async with db.transaction() as session:
        assert await outbox_leases.renew(session, [dm.id, notice.id], NOW + LEASE, later) == {dm.id, notice.id}
        assert await outbox_leases.renew(session, [card.id], NOW, later) == set()  # not the lease it holds
    async with db.transaction() as session:
        held = await outbox_leases.held(session, [(card.id, NOW + LEASE), (dm.id, NOW + LEASE), (notice.id, later)])
        assert held == {card.id, notice.id}
        await outbox.record(
            session,
            NOW,
            [outbox.Sent(card.id, "C0INTAKE", "1.2")],
            [outbox.Retry(notice.id, NOW + timedelta(seconds=30), "waiting for outbox 1", release=True)],
            [outbox.Failed(dm.id, "Slack refused chat.postMessage: channel_not_found")],
        )
    after = {r.id: r for r in await rows(db)}
    assert (after[card.id].status, after[card.id].result_ts, after[card.id].claimed_until) == ("sent", "1.2", None)
    assert (after[dm.id].status, after[dm.id].last_error) == (
        "failed",
        "Slack refused chat.postMessage: channel_not_found",
    )
    released = after[notice.id]
    assert (released.status, released.attempts, released.next_attempt_at) == (
        "pending",
        0,  # never attempted: the attempt is given back
        NOW + timedelta(seconds=30),
    )
