"""SQLite's fast path (statements on the loop's thread, prepared statements on the driver) and the plain path
(aiosqlite and SQLAlchemy, ``CROSSDESK_SQLITE_FAST_PATH=off``) write the same rows through the same repository
functions; the switch chooses between them."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.exc import IntegrityError

from config.customers import CustomerSeed
from config.loader import EXAMPLE_PATH, load_workspace
from config.settings import SQLITE_FAST_PATH, Settings
from storage import audit, directory, events, jobs, links, outbox, outbox_leases, ratings, reminders, standups
from storage import customers as customer_rows
from storage import tickets as ticket_rows
from storage._sqlite_inline import InlineConnection
from storage.audit import EventRecord
from storage.customers import NewCustomer
from storage.database import Database
from storage.migrate import upgrade
from storage.tickets import ReminderStep

NOW = datetime(2026, 11, 30, 2, 0, 0, 123456, tzinfo=UTC)
LEASE = timedelta(minutes=5)


async def driver_of(db: Database) -> object:
    """The driver connection under the engine: the inline one on the fast path, aiosqlite's off it."""
    async with db.engine.connect() as connection:
        return (await connection.get_raw_connection()).driver_connection


@pytest.mark.parametrize(
    ("value", "fast"), [(None, True), ("on", True), ("1", True), ("off", False), ("OFF", False), ("false", False)]
)
async def test_the_switch_chooses_the_driver(
    value: str | None, fast: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if value is None:
        monkeypatch.delenv(SQLITE_FAST_PATH, raising=False)
    else:
        monkeypatch.setenv(SQLITE_FAST_PATH, value)
    db = Database(f"sqlite:///{tmp_path / 'switch.db'}")
    try:
        assert db.sqlite_fast_path is fast
        assert isinstance(await driver_of(db), InlineConnection) is fast
        assert Settings(_env_file=None).sqlite_fast_path is fast  # type: ignore[call-arg]
    finally:
        await db.dispose()


def test_a_switch_that_is_neither_on_nor_off_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SQLITE_FAST_PATH, "fast")
    with pytest.raises(ValueError, match=f"{SQLITE_FAST_PATH} must be on or off"):
        Database(f"sqlite:///{tmp_path / 'switch.db'}")


async def write_everything(db: Database) -> None:
    """Every repository function that writes, with values of every kind (datetimes with microseconds, JSON with
    non-ASCII text, booleans, NULLs): what the bot writes, in the order it writes it."""
    workspace = load_workspace(EXAMPLE_PATH)
    async with db.transaction() as session:
        await directory.sync_workspace(session, workspace)
    async with db.transaction() as session:
        number, turn = await directory.take_numbers_and_turn(session, "SUP", 2)
        await directory.set_next_turn(session, "SUP", turn + 2)
        new = [
            ticket_rows.new_ticket(
                key=f"SUP-{number + offset}",
                department_key="SUP",
                number=number + offset,
                owner_id=owner,
                requester_id="U0ERIN",
                title=f"退款 {offset}",
                text=f"refund please — order {offset}",
                priority="high",
                status="open",
                source="message",
                origin_channel="C0INTAKE",
                origin_ts=f"1700000000.00000{offset}",
                thread_channel="C0INTAKE",
                thread_ts=f"1700000000.00000{offset}",
                is_complaint=offset == 1,
                created_at=NOW,
                updated_at=NOW,
                ack_due_at=NOW + timedelta(hours=1),
                resolve_due_at=NOW + timedelta(days=1),
                next_reminder_at=NOW + timedelta(hours=1),
                sla_started_at=NOW,
            )
            for offset, owner in enumerate(["U0ALICE", "U0BOB"])
        ]
        await ticket_rows.add(session, new)
        first, second = (ticket.id for ticket in new)
        assert first is not None and second is not None
        await audit.record(
            session,
            [
                EventRecord(t.id or 0, actor_id="U0ERIN", action="created", at=NOW, to_value=t.owner_id, note="message")
                for t in new
            ],
        )
        await events.mark_processed(session, [("Ev01", "message"), ("Ev02", "reaction_added")], NOW)
        card = outbox.Call("chat.postMessage", {"channel": "C0INTAKE", "text": "card ✓", "blocks": []}, "card", first)
        dm = outbox.Call("chat.postMessage", {"channel": "U0ALICE", "text": "新工单"}, "notice", first, after=card)
        queued = await outbox.enqueue_calls(session, [card, dm], NOW, NOW + LEASE)
        later = outbox.Call("chat.update", {"text": "updated"}, "card_update", first, after=queued[0].id)
        await outbox.enqueue_calls(session, [later], NOW)
    async with db.transaction() as session:
        held = await outbox_leases.held(session, [(row.id, NOW + LEASE) for row in queued])
        assert held == {row.id for row in queued}
        sent = [outbox.Sent(queued[0].id, "C0INTAKE", "1700000001.000100")]
        retry = [outbox.Retry(queued[1].id, NOW + timedelta(seconds=30), "ratelimited", release=True)]
        await outbox.record(session, NOW, sent, retry, [])
        await ticket_rows.place_cards(session, {first: ("C0INTAKE", "1700000001.000100")})
    async with db.transaction() as session:
        claimed = await outbox_leases.claim_due(session, NOW + timedelta(minutes=1), LEASE, 10)
        assert claimed
        lease = NOW + timedelta(minutes=1) + LEASE
        await outbox_leases.renew(session, [row.id for row in claimed], lease, lease + LEASE)
        await outbox.record(session, NOW, [], [], [outbox.Failed(claimed[0].id, "channel_not_found")])
    async with db.transaction() as session:
        ticket = await ticket_rows.by_key(session, "SUP-1", for_update=True)
        assert ticket is not None
        ticket.status, ticket.acknowledged_at, ticket.updated_at = "acknowledged", NOW, NOW
        ticket_rows.save(session, ticket)
        await ticket_rows.set_reminder_steps(session, [ReminderStep(second, 1, NOW + timedelta(hours=2), 1)])
        await audit.record(
            session, [EventRecord(second, actor_id="crossdesk", action="reminded", at=NOW, to_value="1")]
        )
    async with db.transaction() as session:
        assert await standups.insert_entry(session, "SUP", "U0ALICE", "2026-11-30", asked_at=NOW)
        entry = await standups.entry(session, "SUP", "U0ALICE", "2026-11-30", for_update=True)
        assert entry is not None and entry.id is not None
        entry.answers, entry.answered_at = ["shipped it", "更多", ""], NOW
        standups.save(session, entry)
        assert await standups.insert_entry(session, "SUP", "U0BOB", "2026-11-30", asked_at=NOW)
        bob = await standups.entry(session, "SUP", "U0BOB", "2026-11-30")
        assert bob is not None and bob.id is not None
        assert await standups.claim_nudge(session, bob.id, NOW)
        assert await jobs.claim_period(session, "digest", "2026-11-30", NOW)
        await jobs.finish(session, "digest", "2026-11-30", NOW + timedelta(seconds=3))
        await reminders.remember(session, "U0ALICE", "D0ALICE", "1700000002.000200", NOW)
        requests = [(events.request_key(stamp, "ab" * 32), "block_actions") for stamp in (1_700_000_000, 1_700_000_600)]
        assert len(await events.claim_requests(session, requests, NOW)) == 2
        await events.forget_request(session, requests[1][0])
        await events.forget_requests_before(session, 1_600_000_000)  # none that old: nothing goes
        await directory.set_away(session, "U0BOB", True)
        await directory.set_member_profile(session, "U0ALICE", "Asia/Shanghai", "Alice")
    async with db.transaction() as session:  # linked work: a related pair, followers, one of them undone
        assert not await links.is_linked(session, second, first)
        links.add_link(session, second, first, "U0ALICE", NOW)
        assert await links.add_follower(session, first, "U0ERIN", second, NOW)
        assert not await links.add_follower(session, first, "U0ERIN", second, NOW + LEASE)  # already following
        assert await links.add_follower(session, second, "U0BOB", first, NOW + timedelta(microseconds=1))
        assert await links.add_follower(session, first, "U0DAN", None, NOW + timedelta(seconds=1))
    async with db.transaction() as session:
        assert await links.is_linked(session, first, second)
        assert await links.stop_following_via(session, first) == [(second, "U0BOB")]
    async with db.transaction() as session:  # customers: made one by one, by an import, from the file; changed
        acme = NewCustomer("ACME Corp", ("acme", "艾克米"), "retention", "U0ERIN", "CRM-1")
        made = await customer_rows.create(session, acme, "U0ADMIN", NOW)
        await customer_rows.add_many(session, [NewCustomer("大地物流", ("大地",), "win-back")], "import", NOW)
        await customer_rows.seed(session, [CustomerSeed(name="Globex", aliases=["globex inc"])], NOW)
        await customer_rows.change(session, made, "stage", "growth", "U0BOB", NOW)
        await customer_rows.change(session, made, "aliases", ["acme"], "U0BOB", NOW)
        await customer_rows.set_at_risk(session, made, True, "crossdesk", NOW)
    async with db.transaction() as session:
        assert await ratings.ask(session, first, "U0ERIN", NOW)
        assert await ratings.add_comment(session, first, "U0ERIN", "慢，但谢谢")
        assert await ratings.record_score(session, first, "U0ERIN", 4, NOW, ("D0ERIN", "1700000003.000300"))


def stored_rows(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table as SQLite stores it (read with sqlite3, not through the types that wrote it)."""
    connection = sqlite3.connect(path)
    try:
        tables = [name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {table: connection.execute(f'SELECT * FROM "{table}" ORDER BY rowid').fetchall() for table in tables}
    finally:
        connection.close()


async def test_both_paths_write_the_same_rows(tmp_path: Path) -> None:
    stored = {}
    for fast in (True, False):
        path = tmp_path / f"{'fast' if fast else 'plain'}.db"
        db = Database(f"sqlite:///{path}", sqlite_fast_path=fast)
        try:
            assert isinstance(await driver_of(db), InlineConnection) is fast  # each path is the one it claims
            await upgrade(db)
            await write_everything(db)
        finally:
            await db.dispose()
        stored[fast] = stored_rows(path)
    written = {"tickets", "ticket_events", "outbox", "processed_events", "standup_entries", "job_runs", "members"}
    written |= {"ticket_links", "ticket_followers", "ratings", "customers", "customer_names", "customer_events"}
    assert all(stored[True][table] for table in written | {"departments", "reminder_messages"})
    assert stored[True] == stored[False]


async def test_a_duplicate_event_fails_the_transaction_on_both_paths(tmp_path: Path) -> None:
    """A Slack retry that raced past the door's check is refused by the key, as SQLAlchemy's own error."""
    for fast in (True, False):
        db = Database(f"sqlite:///{tmp_path / f'{fast}.db'}", sqlite_fast_path=fast)
        try:
            await upgrade(db)
            async with db.transaction() as session:
                await events.mark_processed(session, [("Ev01", "message")], NOW)
            with pytest.raises(IntegrityError):
                async with db.transaction() as session:
                    await events.mark_processed(session, [("Ev01", "message")], NOW)
        finally:
            await db.dispose()


async def test_a_change_to_a_ticket_from_another_session_is_refused(db: Database) -> None:
    """``save`` writes what was changed on a ticket loaded in its session; a copy from elsewhere would be lost."""
    copy = ticket_rows.new_ticket(key="SUP-9", status="open")
    async with db.transaction() as session:
        with pytest.raises(ValueError, match="SUP-9 was not loaded in this session"):
            ticket_rows.save(session, copy)


def test_a_new_ticket_with_a_field_the_table_lacks_is_refused() -> None:
    with pytest.raises(TypeError, match="no field colour"):
        ticket_rows.new_ticket(key="SUP-1", colour="red")
