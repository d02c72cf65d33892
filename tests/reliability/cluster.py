"""Real ``crossdesk run`` processes against one database and one fake Slack, a Slack-like load client, and the
audit that counts what was lost or sent twice. Shared by the replica and the fault suites."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import os
import re
import signal
import socket
import statistics
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import yaml
from sqlmodel import col, select

from bot.outbox.slack_calls import OUTBOX_EVENT_TYPE
from bot.sandbox import slack_requests
from bot.sandbox.fake_slack.server import SlackApiServer
from bot.sandbox.fake_slack.workspace import SlackWorkspace
from bot.sandbox.polling import NotYet, eventually
from bot.sandbox.scene import populate
from config.loader import EXAMPLE_PATH, load_workspace
from config.schema import WorkspaceConfig
from storage import jobs
from storage.database import Database
from storage.models import OutboxMessage, Ticket, TicketEvent
from tests.support.harness import BOT_TOKEN, EXTRA_PEOPLE

CROSSDESK = Path(sys.executable).with_name("crossdesk")
SLACK_TIMEOUT = 3.0  # Slack gives up on an answer after three seconds and retries the event
LATE = -1
TICKET_KEY = re.compile(r"\b[A-Z][A-Z0-9]*-\d+\b")
DIGEST_CHANNEL = "C0MGMT"
# Department channels the load reacts in (the bot reads them; they are not intake channels).
REACTION_CHANNELS = ("C0SUPPORT", "C0ENG", "C0SALES")
TOPICS = ("refund", "bug", "quote", "complaint", "crash", "invoice", "printer")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def write_fast_workspace(path: Path, *, lease_free: bool = True, repeat_every: str = "60s") -> WorkspaceConfig:
    """The example workspace with time squeezed into seconds: working time all day every day, SLAs of 3 s,
    reminders every ``repeat_every`` (the lead is told at the third), and a digest due at midnight UTC, caught up
    for a day (so at the first tick, once per day, on a database that :func:`running_since_yesterday` marks as
    started before that midnight)."""
    data: dict[str, Any] = yaml.safe_load(EXAMPLE_PATH.read_text(encoding="utf-8"))
    data["timezone"] = "UTC"
    data["working_hours"] = {
        "days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
        "start": "00:00",
        "end": "23:59",
    }
    data["holidays"] = []
    data["sla"] = {p: {"acknowledge": "3s", "resolve": "1h"} for p in ("urgent", "high", "normal", "low")}
    data["reminders"] = {"repeat_every": repeat_every, "escalate_after": 2}
    data["standups"] = []
    data["digest"] = {"channel": DIGEST_CHANNEL, "at": "00:00"}
    data["catch_up_within"] = "1d"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return load_workspace(path)


async def running_since_yesterday(db: Database) -> None:
    """Mark the database as first started a day ago, so today's midnight digest is due, not from before day one."""
    async with db.transaction() as session:
        await jobs.first_started(session, datetime.now(UTC) - timedelta(days=1))


# ----------------------------------------------------------------------------------------------- processes


@dataclass
class Replica:
    """One ``crossdesk run`` process in HTTP mode."""

    name: str
    port: int
    process: asyncio.subprocess.Process
    log_path: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def alive(self) -> bool:
        return self.process.returncode is None

    def kill(self) -> None:
        """SIGKILL: no shutdown, no last outbox pass, whatever was mid-send stays leased."""
        with contextlib.suppress(ProcessLookupError):
            self.process.send_signal(signal.SIGKILL)

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


async def start_replica(
    name: str,
    *,
    database_url: str,
    slack_url: str,
    config_path: Path,
    workdir: Path,
    extra_env: dict[str, str] | None = None,
) -> Replica:
    port = free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SLACK_", "CROSSDESK_", "DATABASE_", "RELIABILITY_"))
    }
    env.update(
        {
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": slack_requests.SIGNING_SECRET,
            "SLACK_API_URL": slack_url,
            "DATABASE_URL": database_url,
            "CROSSDESK_CONFIG": str(config_path),
            "CROSSDESK_TICK_SECONDS": "1",
            "CROSSDESK_OUTBOX_LEASE_SECONDS": "10",
            "HOST": "127.0.0.1",
            "PORT": str(port),
            "LOG_LEVEL": "WARNING",
            **(extra_env or {}),
        }
    )
    log_path = workdir / f"{name}.log"
    log_file = log_path.open("wb")
    try:
        # The replica runs in its own directory, so a developer's .env or crossdesk.yaml never leaks in.
        process = await asyncio.create_subprocess_exec(
            str(CROSSDESK), "run", env=env, cwd=workdir, stdout=log_file, stderr=asyncio.subprocess.STDOUT
        )
    finally:
        log_file.close()
    return Replica(name, port, process, log_path)


async def wait_healthy(replica: Replica, timeout: float = 60.0) -> None:  # noqa: ASYNC109
    async with httpx.AsyncClient(timeout=2.0) as http:

        async def healthy() -> bool:
            if not replica.alive:
                raise AssertionError(f"{replica.name} exited with {replica.process.returncode}:\n{replica.log_tail()}")
            with contextlib.suppress(httpx.HTTPError):
                return (await http.get(f"{replica.url}/healthz")).status_code == 200
            return False

        await eventually(
            healthy,
            timeout=timeout,
            interval=0.2,
            failure=lambda: f"{replica.name} did not become healthy in {timeout}s:\n{replica.log_tail()}",
        )


async def stop_replicas(replicas: Sequence[Replica]) -> None:
    for replica in replicas:
        if replica.alive:
            with contextlib.suppress(ProcessLookupError):
                replica.process.terminate()
    for replica in replicas:
        try:
            await asyncio.wait_for(replica.process.wait(), 15)
        except TimeoutError:
            replica.kill()
            await replica.process.wait()


@contextlib.asynccontextmanager
async def fake_slack(config: WorkspaceConfig, port: int = 0) -> AsyncIterator[SlackApiServer]:
    server = SlackApiServer(SlackWorkspace(bot_token=BOT_TOKEN), port=port)
    populate(server.workspace, config, extra_people=EXTRA_PEOPLE)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


# ----------------------------------------------------------------------------------------------- load


@dataclass
class Delivery:
    """One request as Slack would make it, and how the bot answered (0: connection failed; ``LATE``: no answer
    within Slack's 3 seconds)."""

    kind: str
    marker: str
    status: int
    seconds: float
    replica: str
    retry_num: int = 0
    answer: str = ""

    @property
    def acknowledged(self) -> bool:
        """Done, as far as Slack and the person can tell: an event answered 2xx; a command answered with the
        key of the ticket it opened (a command that failed is answered 200 too, saying nothing was changed)."""
        if not 200 <= self.status < 300:
            return False
        return self.kind != "command" or TICKET_KEY.search(self.answer) is not None


@dataclass
class LoadClient:
    """Plays Slack: signs each request, spreads them round robin over the replicas, and — like Slack —
    delivers an event again (``X-Slack-Retry-Num``) to a *different* replica when it was not acknowledged,
    and sometimes even when it was (Slack retries what it thinks timed out)."""

    replicas: list[Replica]
    fake: SlackWorkspace
    duplicate_every: int = 5
    deliveries: list[Delivery] = field(default_factory=list)
    # Events no replica acknowledged after Slack's immediate retries: Slack delivers them again later.
    undelivered: dict[tuple[str, str], str] = field(default_factory=dict)
    _turn: itertools.count[int] = field(default_factory=itertools.count)
    _serial: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def __post_init__(self) -> None:
        # Slack opens as many connections as it needs; so does this client. Under httpx's default limit (100), requests
        # queue for a connection whenever replicas are slow, and httpcore's pool, matching every queued request
        # against every connection, took the whole CPU at 60 events/s: the load client, not the bot, was measured.
        limits = httpx.Limits(max_connections=2000, max_keepalive_connections=32)
        self.http = httpx.AsyncClient(timeout=SLACK_TIMEOUT, limits=limits)

    async def close(self) -> None:
        await self.http.aclose()

    def _targets(self) -> list[Replica]:
        start = next(self._turn)
        ordered = self.replicas[start % len(self.replicas) :] + self.replicas[: start % len(self.replicas)]
        return [r for r in ordered if r.alive] or ordered

    async def _post(
        self, replica: Replica, kind: str, marker: str, body: str, content_type: str, retry: int
    ) -> Delivery:
        headers = {"Content-Type": content_type, **slack_requests.sign(body)}
        if retry:
            headers.update({"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"})
        started = time.perf_counter()
        answer = ""
        try:
            response = await self.http.post(f"{replica.url}/slack/events", content=body.encode(), headers=headers)
            status, answer = response.status_code, response.text[:2000]
        except httpx.TimeoutException:
            status = LATE  # Slack gives up and delivers it again; the suites count these and require none
        except httpx.TransportError:
            status = 0  # the replica is gone (killed): Slack sees a failed delivery
        delivery = Delivery(kind, marker, status, time.perf_counter() - started, replica.name, retry, answer)
        self.deliveries.append(delivery)
        return delivery

    async def event(self, kind: str, marker: str, payload: dict[str, Any], *, duplicate: bool) -> None:
        """An Events API delivery with Slack's retries (up to three) on other replicas."""
        body = json.dumps(payload)
        targets = self._targets()
        first = await self._post(targets[0], kind, marker, body, "application/json", 0)
        retry = 0
        if first.acknowledged and duplicate and len(targets) > 1:
            retry += 1
            await self._post(targets[1], kind, marker, body, "application/json", retry)
        delivered = first.acknowledged
        while not delivered and retry < 3:
            retry += 1
            delivered = (
                await self._post(targets[retry % len(targets)], kind, marker, body, "application/json", retry)
            ).acknowledged
        if not delivered:
            self.undelivered[(kind, marker)] = body

    async def redeliver(self) -> int:
        """Slack's later retries (it backs off for minutes): deliver every unacknowledged event once more."""
        pending, self.undelivered = self.undelivered, {}
        for (kind, marker), body in pending.items():
            delivery = await self._post(self._targets()[0], kind, marker, body, "application/json", 3)
            if not delivery.acknowledged:
                self.undelivered[(kind, marker)] = body
        return len(pending)

    async def command(self, marker: str, text: str, user: str = "U0ERIN", *, kind: str = "command") -> Delivery:
        """A slash command: Slack does not retry these; a failed one is an error the person sees."""
        body = slack_requests.slash_command_body(text=text, user=user, channel="C0INTAKE")
        return await self._post(self._targets()[0], kind, marker, body, "application/x-www-form-urlencoded", 0)

    async def one(self, index: int) -> None:
        """The ``index``-th event of the mix: intake messages, /ticket commands and :ticket: reactions."""
        marker = f"load-{index:06d}"
        topic = TOPICS[index % len(TOPICS)]
        duplicate = self.duplicate_every > 0 and index % self.duplicate_every == 0
        kind = ("message", "message", "command", "reaction")[index % 4]
        if kind == "message":
            text = f"customer {topic} problem {marker}"
            message = self.fake.post_user_message("C0INTAKE", "U0ERIN", text)
            payload = slack_requests.message_event(channel="C0INTAKE", user="U0ERIN", text=text, ts=message.ts)
            await self.event(kind, message.ts, payload, duplicate=duplicate)
        elif kind == "command":
            await self.command(marker, f"normal {topic} request {marker}")
        else:
            channel = REACTION_CHANNELS[index % len(REACTION_CHANNELS)]
            text = f"please look at this {topic} {marker}"
            message = self.fake.post_user_message(channel, "U0ERIN", text)
            payload = slack_requests.reaction_added_event(
                channel=channel, ts=message.ts, user="U0ALICE", reaction="ticket", item_user="U0ERIN"
            )
            await self.event(kind, message.ts, payload, duplicate=duplicate)

    async def run(self, rate: float, seconds: float, *, on_progress: Any = None) -> float:
        """Send ``rate`` events a second for ``seconds``; returns the rate actually held."""
        total = max(1, int(rate * seconds))
        loop = asyncio.get_running_loop()
        started = loop.time()
        tasks: list[asyncio.Task[None]] = []
        for index in range(total):
            delay = started + index / rate - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(self.one(index)))
            if on_progress is not None:
                on_progress(index, total)
        sent_in = loop.time() - started
        await asyncio.gather(*tasks)
        return total / max(sent_in, 1e-6)

    def acknowledged(self, kind: str) -> set[str]:
        return {d.marker for d in self.deliveries if d.kind == kind and d.acknowledged}

    def late(self) -> list[Delivery]:
        return [d for d in self.deliveries if d.status == LATE]

    def ack_figures(self) -> tuple[float, float, float]:
        """(median, 99th percentile, max) seconds to an answer over every delivery that got one."""
        times = sorted(d.seconds for d in self.deliveries if d.status > 0)
        if not times:
            return 0.0, 0.0, 0.0
        p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
        return statistics.median(times), p99, times[-1]


# ----------------------------------------------------------------------------------------------- the audit


@dataclass
class Audit:
    """What the database asked to send against what the fake Slack received."""

    rows: int = 0
    posts: int = 0
    unsent: int = 0
    failed: int = 0
    lost: int = 0
    duplicated: int = 0
    problems: list[str] = field(default_factory=list)


def outbox_id_of(call_args: dict[str, Any]) -> int | None:
    metadata = call_args.get("metadata")
    if isinstance(metadata, str):
        metadata = json.loads(metadata)
    if not isinstance(metadata, dict) or metadata.get("event_type") != OUTBOX_EVENT_TYPE:
        return None
    value = (metadata.get("event_payload") or {}).get("outbox_id")
    return int(value) if value is not None else None


async def audit_outbox(db: Database, fake: SlackWorkspace, queued_before: datetime | None = None) -> Audit:
    """Every outbox row must have reached Slack exactly once: a post is matched to its row by its metadata,
    so a post made twice (by two replicas, or again after a crash) is counted, even if it was later deleted.
    ``queued_before``: only rows queued before then (the replicas' tickers go on queuing reminders, which may be on
    their way while the audit reads)."""
    async with db.transaction() as session:
        statement = select(OutboxMessage)
        if queued_before is not None:
            statement = statement.where(col(OutboxMessage.created_at) < queued_before)
        rows = list((await session.exec(statement)).all())
    # A post answered with an error after Slack made it (an injected half-done 500) is a post all the same.
    posts = Counter(
        outbox_id_of(call.args)
        for call in fake.calls_to("chat.postMessage")
        if (call.ok or call.done_anyway is not None) and outbox_id_of(call.args)
    )
    audit = Audit(rows=len(rows))
    for row in rows:
        if row.status in ("pending", "sending"):
            audit.unsent += 1
            audit.lost += 1
            audit.problems.append(f"outbox {row.id} ({row.method}) still {row.status}: {row.last_error}")
            continue
        if row.status == "failed":
            audit.failed += 1
            audit.lost += 1
            audit.problems.append(f"outbox {row.id} ({row.method}) failed: {row.last_error}")
            continue
        if row.method != "chat.postMessage":
            continue
        audit.posts += 1
        copies = posts.get(row.id, 0)
        if copies == 0:
            audit.lost += 1
            audit.problems.append(f"outbox {row.id} is marked sent but Slack never received it")
        elif copies > 1:
            audit.duplicated += copies - 1
            audit.problems.append(f"outbox {row.id} was posted {copies} times")
    return audit


def first_posts(fake: SlackWorkspace) -> dict[int, float]:
    """When Slack first showed each outbox row's post (its message ts, on the fake's clock), by outbox id."""
    shown: dict[int, float] = {}
    for call in fake.calls_to("chat.postMessage"):
        made = call.response if call.ok else call.done_anyway
        row_id = outbox_id_of(call.args) if made is not None else None
        ts = made.get("ts") if made is not None else None
        if row_id is not None and ts and row_id not in shown:
            shown[row_id] = float(ts)
    return shown


async def held_by(db: Database, pid: int) -> set[int]:
    """The outbox rows the sender of process ``pid`` holds now and has not finished: what its death leaves behind
    (its process name, as in :func:`bot.runtime.heartbeat.process_name`, carries the pid)."""
    async with db.transaction() as session:
        statement = select(OutboxMessage.id).where(
            col(OutboxMessage.claimed_by).contains(f"-{pid}-"),
            col(OutboxMessage.status).in_(["pending", "sending"]),
        )
        return {row_id for row_id in (await session.exec(statement)).all() if row_id is not None}


def waits_from(fake: SlackWorkspace, rows: set[int], since: float) -> list[float]:
    """Seconds from ``since`` (a kill) until each of ``rows`` that is a post appeared in Slack."""
    shown = first_posts(fake)
    return sorted(max(0.0, shown[row_id] - since) for row_id in rows if row_id in shown)


async def message_waits(db: Database, fake: SlackWorkspace, since: float, until: float | None = None) -> list[float]:
    """Seconds each message (a post) waited between being queued and appearing in Slack, for the messages that
    appeared from ``since`` (a wall-clock time, like a kill's) to ``until``; queued before ``since`` too."""
    shown = first_posts(fake)
    async with db.transaction() as session:
        statement = select(OutboxMessage.id, OutboxMessage.created_at).where(
            col(OutboxMessage.method) == "chat.postMessage"
        )
        queued = {row_id: created.timestamp() for row_id, created in (await session.exec(statement)).all()}
    return sorted(
        max(0.0, at - queued[row_id])
        for row_id, at in shown.items()
        if row_id in queued and at >= since and (until is None or at <= until)
    )


async def reminder_dms_per_tick(db: Database, tick_seconds: float) -> Counter[tuple[str, int]]:
    """Reminder DMs (an owner's reminder, a lead's or the admins' escalation) queued per (person, tick)."""
    async with db.transaction() as session:
        statement = select(OutboxMessage.payload, OutboxMessage.created_at).where(
            col(OutboxMessage.purpose) == "reminder"
        )
        rows = (await session.exec(statement)).all()
    return Counter((str(payload.get("channel")), int(created.timestamp() // tick_seconds)) for payload, created in rows)


def percentile(values: Sequence[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


async def wait_drained(db: Database, timeout: float) -> float:  # noqa: ASYNC109
    """Wait until no outbox row is pending or being sent; returns how long that took."""
    started = time.monotonic()

    async def drained() -> bool:
        async with db.transaction() as session:
            statement = select(OutboxMessage.id).where(col(OutboxMessage.status).in_(["pending", "sending"]))
            return not (await session.exec(statement)).all()

    try:
        await eventually(drained, timeout=timeout, interval=0.5)
    except NotYet:
        return -1.0
    return time.monotonic() - started


async def tickets(db: Database) -> list[Ticket]:
    async with db.transaction() as session:
        return list((await session.exec(select(Ticket).order_by(col(Ticket.id)))).all())


async def reminder_steps(db: Database) -> Counter[tuple[int, str | None]]:
    """How often each (ticket, reminder step) was recorded: more than once would be a reminder done twice."""
    async with db.transaction() as session:
        statement = select(TicketEvent).where(col(TicketEvent.action) == "reminded")
        events = (await session.exec(statement)).all()
    return Counter((event.ticket_id, event.to_value) for event in events)


def ticket_markers(found: Sequence[Ticket]) -> tuple[Counter[str], Counter[str]]:
    """(tickets per origin message ts, tickets per command marker) — each must be at most one."""
    by_origin = Counter(t.origin_ts for t in found if t.origin_ts)
    by_marker: Counter[str] = Counter()
    for ticket in found:
        for word in ticket.title.split():
            if word.startswith("load-") or word.startswith("fault-"):
                by_marker[word] += 1
    return by_origin, by_marker
