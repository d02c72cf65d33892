"""Reads of the work done for customers on both databases, and what the digest takes from them: complaints' time
to first response and time to resolve, measured apart."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.customers.complaints import complaint_report, report_of
from config.schema import WorkspaceConfig
from storage import audit, customer_work, directory
from storage import customers as customer_rows
from storage import tickets as ticket_rows
from storage.audit import EventRecord
from storage.customers import NewCustomer
from storage.database import Database
from storage.models import Ticket

NOW = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)


def a_ticket(number: int, department: str, *, complaint: bool, customer_id: int | None, at: datetime) -> Ticket:
    return ticket_rows.new_ticket(
        key=f"{department}-{number}",
        department_key=department,
        number=number,
        owner_id="U0ALICE",
        requester_id="U0ERIN",
        title=f"t{number}",
        text="t",
        priority="normal",
        status="open",
        source="message",
        is_complaint=complaint,
        customer_id=customer_id,
        created_at=at,
        updated_at=at,
    )


async def test_complaints_are_timed_to_first_response_and_to_resolution_apart(
    db: Database, workspace: WorkspaceConfig
) -> None:
    async with db.transaction() as session:
        await directory.sync_workspace(session, workspace)
        acme = await customer_rows.create(session, NewCustomer("ACME Corp"), "U0ADMIN", NOW)
        fast = a_ticket(1, "SUP", complaint=True, customer_id=acme.id, at=NOW)
        slow = a_ticket(2, "SUP", complaint=True, customer_id=acme.id, at=NOW)
        silent = a_ticket(1, "ENG", complaint=True, customer_id=None, at=NOW)
        plain = a_ticket(3, "SUP", complaint=False, customer_id=acme.id, at=NOW)
        old = a_ticket(4, "SUP", complaint=True, customer_id=acme.id, at=NOW - timedelta(days=40))
        await ticket_rows.add(session, [fast, slow, silent, plain, old])
        trail = [
            # answered in 10 minutes (the requester's own comment before does not count), resolved in 2 hours
            EventRecord(fast.id or 0, "U0ERIN", "commented", NOW + 2 * MINUTE, note="hello?"),
            EventRecord(fast.id or 0, "crossdesk", "reminded", NOW + 5 * MINUTE),
            EventRecord(fast.id or 0, "U0ALICE", "acknowledged", NOW + 10 * MINUTE),
            EventRecord(fast.id or 0, "U0ALICE", "resolved", NOW + 120 * MINUTE),
            EventRecord(fast.id or 0, "U0ERIN", "reopened", NOW + 130 * MINUTE),
            EventRecord(fast.id or 0, "U0ALICE", "resolved", NOW + 300 * MINUTE),  # the first resolution counts
            # answered after a day by a comment in its thread, not resolved yet
            EventRecord(slow.id or 0, "U0BOB", "commented", NOW + timedelta(days=1)),
        ]
        await audit.record(session, trail)
    async with db.read() as session:
        steps = await customer_work.complaint_steps(session, NOW - timedelta(days=1), NOW + timedelta(days=1))
        counts = await customer_work.complaint_counts(session, [acme.id or 0], NOW - timedelta(days=30))
        many = await customer_work.complaint_counts(session, [acme.id or 0], NOW - timedelta(days=60))
    assert [s.key for s in steps] == ["SUP-1", "SUP-2", "ENG-1"]
    first = steps[0]
    assert (first.first_response_at, first.first_resolved_at) == (NOW + 10 * MINUTE, NOW + 120 * MINUTE)
    assert counts == {acme.id: 2} and many == {acme.id: 3}
    report = report_of(steps)
    assert (report.overall.opened, report.overall.answered, report.overall.resolved) == (3, 2, 1)
    assert report.overall.first_response == (10 * MINUTE + timedelta(days=1)) / 2  # the median of two
    assert report.overall.resolution == 120 * MINUTE
    assert report.by_department["ENG"].first_response is None and report.by_department["ENG"].opened == 1
    assert report.by_department["SUP"].resolution == 120 * MINUTE
    same = await complaint_report(db, NOW - timedelta(days=1), NOW + timedelta(days=1))
    assert same == report
