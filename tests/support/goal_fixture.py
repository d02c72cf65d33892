"""Two weeks of work whose shared goals were worked out by hand (below), for the goals' tests, the scorecard, the
weekly review and ``crossdesk report``.

The workspace is the example file (Shanghai; Monday to Friday 09:00–18:00; a holiday on Thursday 1 October 2026;
normal: acknowledge 4h, resolve 3d = 27 working hours; high: 1h, 1d = 9h; consults: resolve 1d) with the eight goals
of :data:`GOALS`, all over 7 days. Every step is played through the real ticket, workflow and consult services on a
manual clock, so each timestamp and deadline is one the bot itself wrote; ratings are given by a rater of our own
through ``storage/ratings.py`` (asked when the ticket was resolved, answered an hour later). The scorecard is taken at
Monday 5 October 00:00: the window is the local week Monday 28 September to Sunday 4 October, the previous window the
week before.

All times Shanghai. "ack" / "res" is the deadline, and whether it was met and in which department it was decided.

=======  ===========================  ==========================================================================
key      opened                       what happened
=======  ===========================  ==========================================================================
SUP-1    Mon 21 Sep 10:00, normal     ack 15:00: late (due 14:00), decided in the previous week; resolved Tue
                                      22 Sep 10:00 (due Thu 24): met; rated 4
ENG-1    Fri 25 Sep 17:00, high       ack 17:30: met (previous week); blocked Mon 28 Sep 10:00, before its resolve
                                      deadline (Mon 17:00), and still blocked: not judged, not overdue, open
SALES-1  Mon 28 Sep 09:00, complaint  ack 09:30 met; resolved 15:00 met: 6h of work; rated 3
SUP-2    Mon 28 Sep 10:00, complaint  ack 11:00 met; asks ENG (ENG-3) at 12:00; waiting Tue 10:00 to Wed 10:00 (9
                                      working hours); resolved Fri 2 Oct 16:00. Due Fri 10:00 (over the holiday),
                                      pushed to Mon 5 Oct 10:00 by the pause: met. 33h − 9h = 24h = 2d 6h; rated 5
ENG-2    Mon 28 Sep 10:00             ack 16:00: late (due 14:00); asks SALES (SALES-4) Wed 10:00; resolved Fri 2
                                      Oct 11:00: late (due Fri 10:00); rated 4
ENG-3    Mon 28 Sep 12:00, consult    answered Tue 11:00 (due Tue 12:00): met, in ENG
SALES-2  Tue 29 Sep 09:00, high       ack 09:10 met; waiting Tue 17:00 (1h before its deadline, Tue 18:00), resolved
                                      while waiting Fri 2 Oct 12:00: the hour left runs to Fri 13:00: met
SUP-3    Tue 29 Sep 10:00             ack 10:30 in SUP; handed to ENG (Carol) 11:00; resolved Wed 15:00 in ENG,
                                      rated 2 (ENG's); reopened Thu 1 Oct 10:00 (the holiday): new ack due Fri
                                      13:00, ack 14:00: late, in ENG (the reopen replaces the first cycle); resolve
                                      due Tue 6 Oct: not yet judged; open
SALES-3  Wed 30 Sep 10:00             never acknowledged (due Wed 14:00): late, open and overdue
SALES-4  Wed 30 Sep 10:00, consult    answered Fri 2 Oct 11:00 (due Fri 10:00 — Thu without the holiday): late
SUP-4    Wed 30 Sep 16:00, complaint  ack 16:30 met (due Fri 11:00); resolved Fri 2 Oct 10:00 met: Wed 2h + Fri 1h
=======  ===========================  ==========================================================================

So, this week (previous week in brackets; SUP, ENG, SALES, company):

* acknowledged on time: 2/2, 0/2, 2/3, 4/7 (0/1, 1/1, —, 1/2)
* resolved on time: 2/2, 0/1, 2/2, 4/5 (1/1, —, —, 1/1)
* consults on time: —, 1/1, 0/1, 1/2
* satisfaction: 5.0, 3.0 (2 and 4), 3.0, 3.5 (4.0, —, —, 4.0)
* complaint median: median(2d 6h, 3h) = 1d 4h30m (13.5 working hours), —, 6h, 6h (median of three)
* bounce rate: SUP handled SUP-2, 3, 4 and passed SUP-3 on: 1/3; ENG 0/2 (ENG-2, SUP-3); SALES 0/3; company 1/7
  (previous week: 0/1, 0/1, —, 0/2)
* open at the end: 0, 2 (ENG-1, SUP-3), 1, 3 (previous: 0, 1, 0, 1); overdue: 0, 0, 1, 1 (previous: all 0)
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.runtime.clock import ManualClock
from bot.runtime.services import Services
from bot.runtime.slack_client import SlackIdentity
from bot.tickets.consults import Question
from bot.tickets.opening import Source, TicketRequest
from bot.tickets.states import Status
from config.goals import Goal, format_target
from config.loader import EXAMPLE_PATH
from config.schema import WorkspaceConfig
from storage import directory, ratings
from storage import tickets as ticket_rows
from storage.database import Database

SHANGHAI = ZoneInfo("Asia/Shanghai")
ADMIN = "U0ADMIN"
RATER = "U0RATER"


def at(month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A moment of 2026 in Shanghai time, as UTC (how the bot stores it)."""
    return datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI).astimezone(UTC)


END = at(10, 5)  # Monday 5 October 00:00: the window is the week before
START = END - timedelta(days=7)

GOALS = [
    Goal(name="Acknowledge on time", metric="ack_within_sla", target="90%", window="7d"),  # type: ignore[arg-type]
    Goal(name="Resolve on time", metric="resolve_within_sla", target="80%", window="7d"),  # type: ignore[arg-type]
    Goal(name="Customers satisfied", metric="csat", target=3.6, window="7d"),  # type: ignore[arg-type]
    Goal(name="Consults on time", metric="consult_within_sla", target="90%", window="7d"),  # type: ignore[arg-type]
    Goal(name="Complaints closed fast", metric="complaint_resolve_median", target="1d4h", window="7d"),  # type: ignore[arg-type]
    Goal(name="Few bounces", metric="bounce_rate", target="20%", window="7d"),  # type: ignore[arg-type]
    Goal(name="Little open work", metric="open", target=1, window="7d"),  # type: ignore[arg-type]
    Goal(name="Nothing overdue", metric="overdue", target=0, window="7d"),  # type: ignore[arg-type]
]

# (value, previous value) per metric and row ("*" is the company); None: nothing to judge.
DAY = 86400.0
EXPECTED: dict[str, dict[str, tuple[float | None, float | None]]] = {
    "ack_within_sla": {"SUP": (1.0, 0.0), "ENG": (0.0, 1.0), "SALES": (2 / 3, None), "*": (4 / 7, 0.5)},
    "resolve_within_sla": {"SUP": (1.0, 1.0), "ENG": (0.0, None), "SALES": (1.0, None), "*": (0.8, 1.0)},
    "csat": {"SUP": (5.0, 4.0), "ENG": (3.0, None), "SALES": (3.0, None), "*": (3.5, 4.0)},
    "consult_within_sla": {"SUP": (None, None), "ENG": (1.0, None), "SALES": (0.0, None), "*": (0.5, None)},
    "complaint_resolve_median": {
        "SUP": (DAY + 3600 * 4.5, None),  # the median of 24 and 3 working hours: 13.5 = one 9-hour day and 4.5h
        "ENG": (None, None),
        "SALES": (6 * 3600.0, None),
        "*": (6 * 3600.0, None),
    },
    "bounce_rate": {"SUP": (1 / 3, 0.0), "ENG": (0.0, 0.0), "SALES": (0.0, None), "*": (1 / 7, 0.0)},
    "open": {"SUP": (0.0, 0.0), "ENG": (2.0, 1.0), "SALES": (1.0, 0.0), "*": (3.0, 1.0)},
    "overdue": {"SUP": (0.0, 0.0), "ENG": (0.0, 0.0), "SALES": (1.0, 0.0), "*": (1.0, 0.0)},
}
# The verdicts of this week, per metric: SUP, ENG, SALES, company.
EXPECTED_VERDICTS: dict[str, tuple[str, str, str, str]] = {
    "ack_within_sla": ("met", "missed", "missed", "missed"),
    "resolve_within_sla": ("met", "missed", "met", "met"),
    "csat": ("met", "missed", "missed", "near"),
    "consult_within_sla": ("none", "met", "missed", "missed"),
    "complaint_resolve_median": ("near", "none", "met", "met"),
    "bounce_rate": ("missed", "met", "met", "met"),
    "open": ("met", "near", "met", "missed"),
    "overdue": ("met", "met", "near", "near"),
}


@dataclass
class Played:
    services: Services
    clock: ManualClock
    workspace: WorkspaceConfig


def goal_workspace(workspace: WorkspaceConfig) -> WorkspaceConfig:
    return workspace.model_copy(update={"goals": GOALS})


async def play(db: Database, workspace: WorkspaceConfig) -> Played:
    """Play the two weeks of the module's table; the clock ends at :data:`END`."""
    workspace = goal_workspace(workspace)
    async with db.transaction() as session:
        await directory.sync_workspace(session, workspace)
    clock = ManualClock(at(9, 21, 9))
    services = Services.build(workspace, db, clock, SlackIdentity(url="https://crossdesk.slack.com/"))
    tickets, flow = services.tickets, services.workflow

    async def open_at(moment: datetime, key: str, text: str, department: str, **extra: object) -> None:
        clock.set(moment)
        request = TicketRequest(text=text, requester_id=ADMIN, source=Source.COMMAND, department_key=department)
        request = replace(request, **extra)  # type: ignore[arg-type]
        result = await tickets.open_ticket(request)
        assert result.ticket is not None and result.ticket.key == key, (key, result.ticket)

    async def ask(moment: datetime, parent: str, department: str, key: str) -> None:
        clock.set(moment)
        asked = await flow.ask(Question(parent, department, "Can you check this for us?", ADMIN))
        assert asked.consult.key == key

    async def rate(key: str, score: int, asked: datetime, answered: datetime) -> None:
        async with db.transaction() as session:
            found = await ticket_rows.by_key(session, key)
            assert found is not None and found.id is not None
            assert await ratings.ask(session, found.id, RATER, asked)
            assert await ratings.record_score(session, found.id, RATER, score, answered, None)

    def step(moment: datetime) -> ManualClock:
        clock.set(moment)
        return clock

    # The previous week.
    await open_at(at(9, 21, 10), "SUP-1", "Refund for an old order", "SUP")
    step(at(9, 21, 15))
    await flow.acknowledge("SUP-1", ADMIN)
    step(at(9, 22, 10))
    await flow.resolve("SUP-1", ADMIN, "refunded")
    await rate("SUP-1", 4, at(9, 22, 10), at(9, 22, 12))
    await open_at(at(9, 25, 17), "ENG-1", "Login page shows an error", "ENG", priority="high")
    step(at(9, 25, 17, 30))
    await flow.acknowledge("ENG-1", ADMIN)
    # The week measured.
    await open_at(at(9, 28, 9), "SALES-1", "Charged twice on the invoice", "SALES", is_complaint=True)
    step(at(9, 28, 9, 30))
    await flow.acknowledge("SALES-1", ADMIN)
    await open_at(at(9, 28, 10), "SUP-2", "Refund never arrived", "SUP", is_complaint=True)
    await open_at(at(9, 28, 10), "ENG-2", "Export crashes", "ENG")
    await flow.pause("ENG-1", ADMIN, Status.BLOCKED, "waiting for the vendor")
    step(at(9, 28, 11))
    await flow.acknowledge("SUP-2", ADMIN)
    await ask(at(9, 28, 12), "SUP-2", "ENG", "ENG-3")
    step(at(9, 28, 15))
    await flow.resolve("SALES-1", ADMIN, "credited")
    await rate("SALES-1", 3, at(9, 28, 15), at(9, 28, 16))
    step(at(9, 28, 16))
    await flow.acknowledge("ENG-2", ADMIN)
    await open_at(at(9, 29, 9), "SALES-2", "Copy of the contract", "SALES", priority="high")
    step(at(9, 29, 9, 10))
    await flow.acknowledge("SALES-2", ADMIN)
    await open_at(at(9, 29, 10), "SUP-3", "Refund to the wrong card", "SUP")
    await flow.pause("SUP-2", ADMIN, Status.WAITING, "which account?")
    step(at(9, 29, 10, 30))
    await flow.acknowledge("SUP-3", ADMIN)
    step(at(9, 29, 11))
    await flow.answer("ENG-3", ADMIN, "Yes, it is a known issue")
    await flow.request_handoff("SUP-3", ADMIN, "U0CAROL", "ENG", "a payment bug")
    await flow.accept_handoff("SUP-3", "U0CAROL")
    step(at(9, 29, 17))
    await flow.pause("SALES-2", ADMIN, Status.WAITING, "which contract?")
    await open_at(at(9, 30, 10), "SALES-3", "Quote for ten more seats", "SALES")
    await ask(at(9, 30, 10), "ENG-2", "SALES", "SALES-4")
    await flow.resume("SUP-2", ADMIN)
    step(at(9, 30, 15))
    await flow.resolve("SUP-3", ADMIN, "fixed")
    await rate("SUP-3", 2, at(9, 30, 15), at(9, 30, 16))
    await open_at(at(9, 30, 16), "SUP-4", "Refund smaller than promised", "SUP", is_complaint=True)
    step(at(9, 30, 16, 30))
    await flow.acknowledge("SUP-4", ADMIN)
    step(at(10, 1, 10))  # the holiday
    await flow.reopen("SUP-3", ADMIN, "still charged")
    step(at(10, 2, 10))
    await flow.resolve("SUP-4", ADMIN, "topped up")
    step(at(10, 2, 11))
    await flow.answer("SALES-4", ADMIN, "Yes, the contract allows it")
    await flow.resolve("ENG-2", ADMIN, "fixed")
    await rate("ENG-2", 4, at(10, 2, 11), at(10, 2, 12))
    step(at(10, 2, 12))
    await flow.resolve("SALES-2", ADMIN, "sent")
    step(at(10, 2, 14))
    await flow.acknowledge("SUP-3", ADMIN)
    step(at(10, 2, 16))
    await flow.resolve("SUP-2", ADMIN, "refunded")
    await rate("SUP-2", 5, at(10, 2, 16), at(10, 2, 17))
    step(END)
    return Played(services, clock, workspace)


def without_goals(workspace: WorkspaceConfig) -> WorkspaceConfig:
    """The workspace with no shared goals and no weekly review: the daily digest as it was before goals (the example
    file sets both, and its Monday review would post beside a Monday digest)."""
    digest = workspace.digest.model_copy(update={"weekly": None}) if workspace.digest else None
    return workspace.model_copy(update={"goals": [], "digest": digest})


def goal_workspace_file(path: Path) -> Path:
    """The example file with the fortnight's goals instead of its own, written at ``path`` (for the CLI)."""
    text = EXAMPLE_PATH.read_text(encoding="utf-8")
    start = text.index("\ngoals:\n") + 1
    end = text.index("\n\n", start)
    lines = ["goals:"] + [
        f"  - {{name: {goal.name}, metric: {goal.metric}, target: {format_target(goal)}, window: 7d}}" for goal in GOALS
    ]
    path.write_text(text[:start] + "\n".join(lines) + text[end:], encoding="utf-8")
    return path
