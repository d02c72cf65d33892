"""A week of consults and bounces whose hand-off map was worked out by hand (below), for the map's tests.

The workspace is the example file: Shanghai, Monday to Friday 09:00–18:00, a holiday on Thursday 1 October 2026,
``sla.consult`` resolve 1d (one working day: 9 working hours), urgent resolve 4h. The window is the digest's week
ending Sunday 4 October: the local days Monday 28 September to Sunday 4 October.

Rows are written with storage's own functions, as the bot writes them: a consult is a ticket of kind ``consult``
whose parent carries the ``consult_asked`` event (from the asking department, to the one asked, its note the
consult's key); an answer is the consult's ``answered`` event; pauses are ``paused`` / ``resumed``; a hand-off to
another department is a ``department_changed`` event.

Times to answer, in working hours (all times Shanghai):

======  ==========  ========================  ======================================  =====  =======
key     pair        asked                     what happened                           took   on time
======  ==========  ========================  ======================================  =====  =======
ENG-1   SUP → ENG   Fri 25 Sep 10:00 (before  answered Mon 28 Sep 12:00: Fri 10–18 8h,  11h    no (9h)
                    the window)               the weekend 0, Mon 9–12 3h
ENG-2   SUP → ENG   Mon 28 Sep 10:00          paused 11:00–15:00 (4h), answered Tue     5h     yes
                                              10:00: Mon 8h + Tue 1h − 4h
ENG-3   SUP → ENG   Wed 30 Sep 16:00          answered Fri 2 Oct 14:00: Wed 2h, the     7h     yes
                                              holiday 0, Fri 5h (16h without it: late)
ENG-4   SUP → ENG   Thu 1 Oct 10:00           answered Mon 5 Oct, after the window
SALES-1 ENG → SALES Tue 29 Sep 17:00          paused Tue 17:30 to Wed 09:30 (1h of      3h     yes
                                              working time), answered Wed 12:00: 4h − 1h
SALES-2 ENG → SALES Fri 2 Oct 10:00, urgent   paused 15:00 and answered 16:00 while     5h     no (4h)
        (4h)                                  still paused: 10–15
======  ==========  ========================  ======================================  =====  =======

The ticket the ENG → SALES consults were about (ENG-9) moved to Support afterwards (an ENG → SUP bounce): they still
count for Engineering, which asked. Bounces in the window: SUP → ENG twice, ENG → SUP once; one SALES → SUP before
it.

So the map of the window: SUP → ENG asked 3 (ENG-2, 3, 4), answered 3 (ENG-1, 2, 3), median 7h, 2 of 3 on time,
2 bounces; ENG → SALES asked 2, answered 2, median 4h, 1 of 2 on time; ENG → SUP 1 bounce. Totals: asked 5,
answered 5, median 5h (3, 5, 5, 7, 11), 3 of 5 on time, 3 bounces. Slowest: SUP → ENG.
Since the beginning (``/metrics``): asked SUP → ENG 4, ENG → SALES 2; answered 4 and 2; bounces SUP → ENG 2,
ENG → SUP 1, SALES → SUP 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from config.schema import WorkspaceConfig
from storage import audit, directory
from storage import tickets as ticket_rows
from storage.audit import EventRecord
from storage.database import Database
from storage.models import Ticket

SHANGHAI = ZoneInfo("Asia/Shanghai")
WINDOW_START = datetime(2026, 9, 28, tzinfo=SHANGHAI).astimezone(UTC)
WINDOW_END = datetime(2026, 10, 5, tzinfo=SHANGHAI).astimezone(UTC)
NOW = datetime(2026, 10, 4, 18, 30, tzinfo=SHANGHAI).astimezone(UTC)  # Sunday evening: the window's last day


def at(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    """A moment of 2026 in Shanghai time, as UTC (how the bot stores it)."""
    return datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI).astimezone(UTC)


@dataclass(frozen=True)
class Expected:
    asked: int
    answered: int
    within_sla: int
    median_hours: float | None
    bounces: int


EXPECTED_PAIRS: dict[tuple[str, str], Expected] = {
    ("SUP", "ENG"): Expected(asked=3, answered=3, within_sla=2, median_hours=7.0, bounces=2),
    ("ENG", "SUP"): Expected(asked=0, answered=0, within_sla=0, median_hours=None, bounces=1),
    ("ENG", "SALES"): Expected(asked=2, answered=2, within_sla=1, median_hours=4.0, bounces=0),
}
EXPECTED_TOTALS = Expected(asked=5, answered=5, within_sla=3, median_hours=5.0, bounces=3)
EXPECTED_HOURS = {"ENG-1": 11.0, "ENG-2": 5.0, "ENG-3": 7.0, "SALES-1": 3.0, "SALES-2": 5.0}
ALL_TIME_ASKED = {("SUP", "ENG"): 4, ("ENG", "SALES"): 2}
ALL_TIME_ANSWERED = {("SUP", "ENG"): 4, ("ENG", "SALES"): 2}
ALL_TIME_BOUNCES = {("SUP", "ENG"): 2, ("ENG", "SUP"): 1, ("SALES", "SUP"): 1}


def _ticket(key: str, department: str, owner: str, created: datetime, **more: object) -> Ticket:
    return ticket_rows.new_ticket(
        key=key,
        department_key=department,
        number=int(key.rsplit("-", 1)[1]),
        owner_id=owner,
        requester_id="U0ERIN",
        title=f"{key} for the hand-off map",
        text=f"{key} for the hand-off map",
        priority=str(more.pop("priority", "normal")),
        status=str(more.pop("status", "acknowledged")),
        source="command",
        created_at=created,
        updated_at=created,
        **more,
    )


async def seed(db: Database, workspace: WorkspaceConfig) -> None:
    """Write the week above (departments from ``workspace``, which must be the example's)."""
    async with db.transaction() as session:
        await directory.sync_workspace(session, workspace)
        await directory.set_member_profile(session, "U0CAROL", "Asia/Shanghai", "Carol")  # her own zone, the same
        refund = _ticket("SUP-1", "SUP", "U0ALICE", at(9, 25, 9))
        crash = _ticket("ENG-9", "SUP", "U0BOB", at(9, 28, 9))  # asked Sales twice, then moved to Support
        moved = _ticket("SALES-9", "ENG", "U0CAROL", at(9, 26, 9))  # Sales → Support → Engineering
        billing = _ticket("SUP-4", "ENG", "U0DAN", at(9, 30, 9))  # Support → Engineering
        await ticket_rows.add(session, [refund, crash, moved, billing])
        consults = [
            _ticket("ENG-1", "ENG", "U0CAROL", at(9, 25, 10), kind="consult", parent_id=refund.id, status="resolved"),
            _ticket("ENG-2", "ENG", "U0CAROL", at(9, 28, 10), kind="consult", parent_id=refund.id, status="resolved"),
            _ticket("ENG-3", "ENG", "U0DAN", at(9, 30, 16), kind="consult", parent_id=refund.id, status="resolved"),
            _ticket("ENG-4", "ENG", "U0DAN", at(10, 1, 10), kind="consult", parent_id=refund.id, status="resolved"),
            _ticket("SALES-1", "SALES", "U0ERIN", at(9, 29, 17), kind="consult", parent_id=crash.id, status="resolved"),
            _ticket(
                "SALES-2",
                "SALES",
                "U0ERIN",
                at(10, 2, 10),
                kind="consult",
                parent_id=crash.id,
                status="resolved",
                priority="urgent",
            ),
        ]
        await ticket_rows.add(session, consults)
        ids = {ticket.key: ticket.id or 0 for ticket in consults}

        def asked(parent: Ticket, consult: str, asking: str, answering: str) -> EventRecord:
            created = next(c.created_at for c in consults if c.key == consult)
            return EventRecord(parent.id or 0, "U0ALICE", "consult_asked", created, asking, answering, consult)

        def happened(consult: str, action: str, moment: datetime) -> EventRecord:
            return EventRecord(ids[consult], "U0CAROL", action, moment)

        def bounce(ticket: Ticket, moment: datetime, left: str, arrived: str) -> EventRecord:
            return EventRecord(ticket.id or 0, "U0LEADSUP", "department_changed", moment, left, arrived)

        await audit.record(
            session,
            [
                asked(refund, "ENG-1", "SUP", "ENG"),
                happened("ENG-1", "answered", at(9, 28, 12)),
                asked(refund, "ENG-2", "SUP", "ENG"),
                happened("ENG-2", "paused", at(9, 28, 11)),
                happened("ENG-2", "resumed", at(9, 28, 15)),
                happened("ENG-2", "answered", at(9, 29, 10)),
                asked(refund, "ENG-3", "SUP", "ENG"),
                happened("ENG-3", "answered", at(10, 2, 14)),
                asked(refund, "ENG-4", "SUP", "ENG"),
                asked(crash, "SALES-1", "ENG", "SALES"),
                happened("SALES-1", "paused", at(9, 29, 17, 30)),
                happened("SALES-1", "resumed", at(9, 30, 9, 30)),
                happened("SALES-1", "answered", at(9, 30, 12)),
                asked(crash, "SALES-2", "ENG", "SALES"),
                happened("SALES-2", "paused", at(10, 2, 15)),
                happened("SALES-2", "answered", at(10, 2, 16)),
                # Bounces: one before the window, three in it (the crash left Engineering after its consults).
                bounce(moved, at(9, 26, 11), "SALES", "SUP"),
                bounce(moved, at(9, 29, 9, 30), "SUP", "ENG"),
                bounce(billing, at(10, 1, 9), "SUP", "ENG"),
                bounce(crash, at(10, 3, 10), "ENG", "SUP"),
                # An answer after the window: ENG-4 counts as asked this week, not as answered.
                happened("ENG-4", "answered", at(10, 5, 10)),
            ],
        )


def hours(span: timedelta | None) -> float | None:
    return None if span is None else span.total_seconds() / 3600
