"""Scale: what runs on every tick (and the reads people trigger most) against 10k and 100k seeded tickets.

Tickets are bulk-inserted with a realistic shape: a larger table is a longer history at the same pace (100 new
tickets a day), so most are closed; a few hundred were resolved within the auto-close window; a bounded working
set is active (a desk's queue does not grow with its history); a few hundred are overdue, and exactly 100 have a
reminder due now. Then the real services are timed, median of several runs:

* ``tick_100_due``: one ticker pass (reminders, auto-close, digest, stand-ups), 100 reminders due;
* ``outbox_claim``: the outbox sender's claim of due rows (it polls every second);
* ``list_overdue``: ``/ticket list overdue`` for an admin;
* ``digest``: the digest's queries (``DigestService.report``);
* ``app_home``: App Home for the busiest owner, queries and rendering;
* ``goals``: every shared goal (the example file's six, plus open and overdue work) for every department and the
  company, this window and the one before: the scorecard's numbers (``GoalSource.scorecard``).
"""

from __future__ import annotations

import asyncio
import random
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Table, delete, func, insert, select, update
from sqlmodel import col

from bot.runtime.clock import ManualClock
from bot.runtime.services import Services
from bot.runtime.slack_client import SlackIdentity
from bot.schedule.goal_source import GoalSource
from bot.schedule.jobs import scheduled_jobs
from bot.surfaces.home import home_view
from bot.tickets.service import ListScope
from config.goals import Goal
from config.loader import EXAMPLE_PATH, load_workspace
from config.schema import WorkspaceConfig
from storage import directory, outbox_leases
from storage.database import Database
from storage.migrate import upgrade
from storage.models import Department, OutboxMessage, Rating, Ticket, TicketEvent, table_of

# Monday 30 Nov 2026, 10:00 in Shanghai: working hours, after the stand-up questions, before the digest.
NOW = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
DUE = 100
ACTIVE = 2_000  # the working set: open, acknowledged, waiting, blocked
PER_DAY = 100  # a larger table is a longer history at the same pace, not a busier week
OVERDUE_REMINDED = 200  # overdue, already reminded, next reminder later
QUERIES = ("tick_100_due", "outbox_claim", "list_overdue", "digest", "app_home", "goals")
BUSY_USER = "U0ALICE"
ADMIN = "U0ADMIN"


def size_label(size: int) -> str:
    return f"{size // 1000}k" if size % 1000 == 0 else str(size)


def _ticket_rows(size: int, workspace: WorkspaceConfig, rng: random.Random) -> list[dict[str, Any]]:
    departments = workspace.departments
    requesters = ["U0ERIN", "U0ALICE", "U0CAROL", *(f"U0REQ{i:03d}" for i in range(40))]
    active = min(ACTIVE, size // 5)
    cutoff = NOW - workspace.auto_close_after
    rows: list[dict[str, Any]] = []
    numbers = dict.fromkeys((d.key for d in departments), 0)
    for index in range(size):
        department = departments[index % len(departments)]
        numbers[department.key] += 1
        number = numbers[department.key]
        owner = department.owners[index % len(department.owners)]
        created = NOW - timedelta(minutes=rng.randint(10, 60 * 24 * max(1, size // PER_DAY)))
        row: dict[str, Any] = {
            "key": f"{department.key}-{number}",
            "department_key": department.key,
            "number": number,
            "owner_id": owner,
            "requester_id": rng.choice(requesters),
            "title": f"Seeded ticket {index}",
            "text": f"Seeded ticket {index}: the customer's problem, in a sentence or two.",
            "priority": rng.choice(("low", "normal", "normal", "normal", "high", "urgent")),
            "source": rng.choice(("message", "command", "reaction", "modal")),
            "origin_channel": "C0INTAKE",
            "origin_ts": f"{1_700_000_000 + index}.000100",
            "thread_channel": "C0INTAKE",
            "thread_ts": f"{1_700_000_000 + index}.000100",
            "card_channel": "C0INTAKE",
            "card_ts": f"{1_700_000_000 + index}.000200",
            "escalation_level": 0,
            "bounce_count": 0,
            "reminder_count": 0,
            "is_complaint": rng.random() < 0.1,
            "lifecycle_stage": rng.choice((None, "trial", "onboarding", "active", "renewal")),
            "customer_name": None,
            "created_at": created,
            "updated_at": created,
            "sla_started_at": created,
            "acknowledged_at": None,
            "resolved_at": None,
            "closed_at": None,
            "next_reminder_at": None,
            "ack_due_at": created + timedelta(hours=4),
            "resolve_due_at": created + timedelta(days=3),
        }
        position = size - 1 - index  # the newest tickets are the active ones
        if position < active:
            _make_active(row, position, rng)
        elif position < active + PER_DAY * 3:
            resolved = cutoff + timedelta(minutes=rng.randint(60, int((NOW - cutoff).total_seconds() // 60)))
            row.update(status="resolved", acknowledged_at=created + timedelta(hours=1), resolved_at=resolved)
            row.update(created_at=min(created, resolved - timedelta(hours=2)), updated_at=resolved)
        else:
            closed = created + timedelta(days=rng.randint(1, 10))
            row.update(status="closed", acknowledged_at=created + timedelta(hours=1))
            row.update(resolved_at=closed - timedelta(days=1), closed_at=closed, updated_at=closed)
        rows.append(row)
    return rows


def _make_active(row: dict[str, Any], position: int, rng: random.Random) -> None:
    """The working set: ``DUE`` reminders due now, some overdue and reminded, the rest on time."""
    created = NOW - timedelta(hours=rng.randint(1, 48))
    status = rng.choice(("open", "acknowledged", "acknowledged", "waiting", "blocked")) if position >= DUE else "open"
    row.update(status=status, created_at=created, updated_at=created, sla_started_at=created)
    if status != "open":
        row["acknowledged_at"] = created + timedelta(minutes=30)
    if position < DUE:
        row.update(ack_due_at=NOW - timedelta(minutes=5), next_reminder_at=NOW - timedelta(minutes=1))
    elif position < DUE + OVERDUE_REMINDED and status in ("open", "acknowledged"):
        row.update(ack_due_at=NOW - timedelta(hours=2), resolve_due_at=NOW - timedelta(hours=1))
        row.update(next_reminder_at=NOW + timedelta(minutes=rng.randint(5, 55)), reminder_count=1)
    else:
        row.update(ack_due_at=NOW + timedelta(hours=rng.randint(1, 8)), resolve_due_at=NOW + timedelta(days=2))
        if status in ("open", "acknowledged"):
            row["next_reminder_at"] = row["ack_due_at"] if status == "open" else row["resolve_due_at"]
        else:
            row["paused_at"] = created + timedelta(hours=1)


async def _insert(db: Database, table: Table, rows: list[dict[str, Any]], chunk: int = 5_000) -> None:
    for start in range(0, len(rows), chunk):
        async with db.engine.begin() as connection:
            await connection.execute(insert(table), rows[start : start + chunk])


async def seed(db: Database, workspace: WorkspaceConfig, size: int) -> None:
    """``size`` tickets with their events and sent outbox rows, in bulk."""
    rng = random.Random(size)
    await _insert(db, table_of(Ticket), _ticket_rows(size, workspace, rng))
    async with db.engine.connect() as connection:
        columns = ("id", "created_at", "status", "resolved_at")
        tickets = (await connection.execute(select(*(table_of(Ticket).c[name] for name in columns)))).all()
    events: list[dict[str, Any]] = []
    messages: list[dict[str, Any]] = []
    ratings: list[dict[str, Any]] = []
    moved: list[int] = []  # tickets handed to another department: their bounce_count says so, as the bot's would
    rating_rng = random.Random(size + 1)  # its own draws: the other seeded rows stay those of earlier runs
    for ticket_id, created, status, resolved in tickets:
        if resolved is not None and rating_rng.random() < 0.3:  # a third of the requesters asked answer
            answered = resolved + timedelta(hours=rating_rng.randint(1, 48))
            score = rating_rng.choice((2, 3, 4, 4, 5, 5))
            rating = {"ticket_id": ticket_id, "user_id": "U0ERIN", "score": score}
            ratings.append({**rating, "asked_at": resolved, "answered_at": answered})
        events.append(_event(ticket_id, "created", created))
        if status != "open":
            events.append(_event(ticket_id, "acknowledged", created + timedelta(hours=1)))
        if status in ("resolved", "closed"):
            events.append(_event(ticket_id, "resolved", created + timedelta(days=1)))
        if rng.random() < 0.05:
            moved.append(ticket_id)
            events.append(
                {**_event(ticket_id, "department_changed", created + timedelta(minutes=20)), "to_value": "ENG"}
            )
            events[-1]["from_value"] = "SUP"
        for purpose in ("card", "owner_dm"):
            messages.append(
                {
                    "ticket_id": ticket_id,
                    "purpose": purpose,
                    "method": "chat.postMessage",
                    "payload": {"channel": "C0INTAKE", "text": "seeded"},
                    "status": "sent",
                    "attempts": 1,
                    "created_at": created,
                    "next_attempt_at": created,
                    "sent_at": created,
                }
            )
    await _insert(db, table_of(TicketEvent), events)
    await _insert(db, table_of(OutboxMessage), messages)
    await _insert(db, table_of(Rating), ratings)
    async with db.engine.begin() as connection:
        # New tickets must get numbers past the seeded ones.
        await connection.execute(update(Department).values(last_number=size))
        await connection.execute(update(Ticket).where(col(Ticket.id).in_(moved)).values(bounce_count=1))


def _event(ticket_id: int, action: str, at: datetime) -> dict[str, Any]:
    return {
        "ticket_id": ticket_id,
        "actor_id": "U0ALICE",
        "action": action,
        "at": at,
        "from_value": None,
        "to_value": None,
    }


async def _median_ms(run: Callable[[], Awaitable[object]], reset: Callable[[], Awaitable[None]], runs: int) -> float:
    await run()  # warm: caches, first-time claims (stand-ups, digest periods)
    await reset()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        await run()
        times.append(time.perf_counter() - started)
        await reset()
    return round(statistics.median(times) * 1000, 2)


async def measure(database_url: str, size: int, runs: int) -> dict[str, float]:
    """Seed ``size`` tickets into a fresh database at ``database_url`` and time each query."""
    workspace = load_workspace(EXAMPLE_PATH)
    db = Database(database_url)
    try:
        await upgrade(db)
        async with db.transaction() as session:
            await directory.sync_workspace(session, workspace)
        await seed(db, workspace, size)
        services = Services.build(workspace, db, ManualClock(NOW), SlackIdentity(url="https://crossdesk.slack.com/"))
        jobs = scheduled_jobs(services)
        async with db.engine.connect() as connection:
            due_ids = [
                row[0]
                for row in await connection.execute(select(col(Ticket.id)).where(col(Ticket.next_reminder_at) <= NOW))
            ]
            last_event = (await connection.execute(select(func.max(TicketEvent.id)))).scalar() or 0
            last_message = (await connection.execute(select(func.max(OutboxMessage.id)))).scalar() or 0
        assert len(due_ids) == DUE, f"seeded {len(due_ids)} due reminders, not {DUE}"

        async def tick() -> None:
            for job in jobs.values():
                await job()

        async def restore() -> None:
            """Put the 100 due reminders back and drop what the tick queued, so every run does the same work."""
            async with db.engine.begin() as connection:
                await connection.execute(
                    update(Ticket)
                    .where(col(Ticket.id).in_(due_ids))
                    .values(next_reminder_at=NOW - timedelta(minutes=1), reminder_count=0, escalation_level=0)
                )
                await connection.execute(delete(TicketEvent).where(col(TicketEvent.id) > last_event))
                await connection.execute(delete(OutboxMessage).where(col(OutboxMessage.id) > last_message))

        async def nothing() -> None:
            return None

        async def claim() -> None:
            async with db.transaction() as session:
                await outbox_leases.claim_due(session, NOW, timedelta(minutes=5), 50)

        async def home() -> None:
            queue = await services.tickets.home_queue(BUSY_USER)
            home_view(queue, BUSY_USER, services.tickets.messages, NOW)

        every_goal = [
            *workspace.goals,
            Goal(name="Little open work", metric="open", target=50),
            Goal(name="Nothing overdue", metric="overdue", target=0),
        ]
        goals = GoalSource(db, workspace.model_copy(update={"goals": every_goal}), "en")

        return {
            "tick_100_due": await _median_ms(tick, restore, runs),
            "outbox_claim": await _median_ms(claim, nothing, runs),
            "list_overdue": await _median_ms(
                lambda: services.tickets.list_tickets(ADMIN, ListScope.OVERDUE), nothing, runs
            ),
            "digest": await _median_ms(lambda: services.digest.report(NOW), nothing, runs),
            "app_home": await _median_ms(home, nothing, runs),
            "goals": await _median_ms(lambda: goals.scorecard(NOW), nothing, runs),
        }
    finally:
        await db.dispose()


def run_scale(sizes: tuple[int, int], runs: int) -> dict[str, Any]:
    """Each query at both sizes (ms) and its growth factor (larger / smaller), on SQLite."""
    if min(sizes) < 5 * DUE:
        raise ValueError(f"scale sizes must be at least {5 * DUE} tickets, so {DUE} of them can be due")
    timings: dict[int, dict[str, float]] = {}
    for size in sizes:
        with tempfile.TemporaryDirectory(prefix="crossdesk-scale-") as directory_name:
            url = f"sqlite:///{Path(directory_name) / 'scale.db'}"
            timings[size] = asyncio.run(measure(url, size, runs))
    small, large = sizes
    result: dict[str, Any] = {}
    for query in QUERIES:
        a, b = timings[small][query], timings[large][query]
        result[query] = {size_label(small): a, size_label(large): b, "growth": round(b / a, 2) if a else None}
    return result
