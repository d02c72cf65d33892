"""Reads under load: do the digest, App Home and ``/metrics`` delay ticket writes? (``python -m bench --readers``)

The SQLite bot gets the message phase of ``make bench`` (new tickets from intake messages, ``concurrency`` workers),
on a database seeded with a history (``bench.scale.seed``: most tickets closed, a working set active), so the reads
have something to read. Each round runs the phase twice on a fresh copy of that database, a fresh stand-in and a
fresh bot: once alone, once while another client keeps loading what people look at — ``/digest`` (the digest's
report, ten queries over the history), App Home for the busiest owner (``app_home_opened``: their queue, then its
``views.publish`` queued) and ``GET /metrics`` (the outbox backlog), one after the other, from ``reader_loops`` loops.
Rounds alternate the two, so the VM's drift falls on both alike; the medians are compared.

Figures: new tickets per second and the ack p50/p99 of the messages, with and without the readers; the readers'
own answers (count, p50, p99 per kind). It runs against whatever tree it is imported from, which is how the code
before and after a change is compared: copy this file into the other tree and run ``python -m bench.readers``
there (bench/PROFILE.md, "Reads apart").
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import statistics
import sys
import tempfile
from collections import defaultdict
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
from sqlalchemy import update
from sqlmodel import col

from bench import scale, targets
from bench.load import PhaseResult, Requests, run_phase
from bench.run import percentile, summarize
from bench.standin import monotonic
from bot.sandbox import slack_requests
from config.loader import EXAMPLE_PATH, load_workspace
from storage import directory
from storage.database import Database
from storage.migrate import upgrade
from storage.models import Ticket

BUSY_OWNER = scale.BUSY_USER  # owns a share of the seeded working set: the heaviest App Home
DIGEST_USER = scale.ADMIN
READ_KINDS = ("digest", "app_home", "metrics")


@dataclass(frozen=True)
class ReadersSettings:
    concurrency: int = 20  # message workers, as make bench
    warmup: float = 1.0
    seconds: float = 8.0
    rounds: int = 3  # each round: the phase alone, then with readers (order alternates between rounds)
    reader_loops: int = 2  # loops of digest → App Home → metrics, each waiting for its answer before the next
    seeded: int = 10_000  # tickets of history in the database the bot starts on


async def _seed(path: Path, size: int) -> None:
    """The seeded database every phase starts from: migrated, the workspace's departments, ``size`` tickets. The
    seeded work that would fall due (reminders, auto-close) is settled, so no tick writes during a phase."""
    workspace = load_workspace(EXAMPLE_PATH)
    db = Database(f"sqlite:///{path}")
    try:
        await upgrade(db)
        async with db.transaction() as session:
            await directory.sync_workspace(session, workspace)
        await scale.seed(db, workspace, size)
        async with db.engine.begin() as connection:
            await connection.execute(update(Ticket).values(next_reminder_at=None))
            await connection.execute(
                update(Ticket)
                .where(col(Ticket.status) == "resolved")
                .values(status="closed", closed_at=Ticket.resolved_at)
            )
    finally:
        await db.dispose()


def _signed(body: str) -> dict[str, str]:
    return slack_requests.sign(body)


async def _read_loop(client: aiohttp.ClientSession, until: float, latencies: dict[str, list[float]]) -> None:
    """Load the digest, App Home and the metrics, one after the other, until ``until`` (monotonic)."""
    while monotonic() < until:
        for kind in READ_KINDS:
            if kind == "digest":
                body = slack_requests.slash_command_body(text="", user=DIGEST_USER, command="/digest")
                form = {"Content-Type": "application/x-www-form-urlencoded", **_signed(body)}
                request = client.post("/slack/events", data=body.encode(), headers=form)
            elif kind == "app_home":
                body = json.dumps(slack_requests.app_home_opened_event(user=BUSY_OWNER))
                event = {"Content-Type": "application/json", **_signed(body)}
                request = client.post("/slack/events", data=body.encode(), headers=event)
            else:
                request = client.get("/metrics")
            started = monotonic()
            async with request as response:
                await response.read()
                ok = response.status == 200
            if ok:
                latencies[kind].append(monotonic() - started)
            else:
                latencies[f"{kind}_errors"].append(0.0)


async def _drive(server: targets.Process, settings: ReadersSettings, with_readers: bool) -> dict[str, Any]:
    connector = aiohttp.TCPConnector(limit=settings.concurrency)
    latencies: dict[str, list[float]] = defaultdict(list)
    async with (
        aiohttp.ClientSession(server.url, connector=connector, timeout=aiohttp.ClientTimeout(total=30)) as writers,
        aiohttp.ClientSession(server.url, timeout=aiohttp.ClientTimeout(total=30)) as readers,
    ):
        until = monotonic() + settings.warmup + settings.seconds
        loops = [_read_loop(readers, until, latencies) for _ in range(settings.reader_loops)] if with_readers else []
        phase = run_phase(
            writers,
            Requests().message,
            concurrency=settings.concurrency,
            warmup=settings.warmup,
            seconds=settings.seconds,
        )
        result, *_ = await asyncio.gather(phase, *loops)
        assert isinstance(result, PhaseResult)
    figures = summarize(result, None)
    messages = {key: figures[key] for key in ("throughput_rps", "ack_p50_ms", "ack_p99_ms", "errors")}
    reads: dict[str, Any] = {}
    for kind in READ_KINDS if with_readers else ():
        answered = latencies.get(kind, [])
        reads[kind] = {
            "answered": len(answered),
            "errors": len(latencies.get(f"{kind}_errors", [])),
            "p50_ms": _ms(percentile(answered, 0.50)),
            "p99_ms": _ms(percentile(answered, 0.99)),
        }
    return {"messages": messages, "reads": reads}


def _ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds * 1000, 1)


def _phase(seeded: Path, settings: ReadersSettings, with_readers: bool) -> dict[str, Any]:
    """One message phase on a fresh copy of the seeded database, a fresh stand-in and a fresh bot."""
    with ExitStack() as stack:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="crossdesk-readers-")))
        database = workdir / "crossdesk.db"
        shutil.copyfile(seeded, database)
        standin = targets.start_standin()
        stack.callback(standin.stop)
        server = targets.start_bot(f"sqlite:///{database}", f"{standin.url}/api/", workdir)
        stack.callback(server.stop)
        return asyncio.run(_drive(server, settings, with_readers))


def run_readers(settings: ReadersSettings) -> dict[str, Any]:
    """Every round's two phases, and the medians with and without readers."""
    targets.pin_self()
    rounds: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="crossdesk-readers-seed-") as directory_name:
        seeded = Path(directory_name) / "seeded.db"
        asyncio.run(_seed(seeded, settings.seeded))
        for number in range(settings.rounds):
            order = (False, True) if number % 2 == 0 else (True, False)
            phases = {}
            for with_readers in order:
                label = "with_readers" if with_readers else "alone"
                print(f"bench: readers round {number + 1}, {label} …", file=sys.stderr, flush=True)
                phases[label] = _phase(seeded, settings, with_readers)
            rounds.append(phases)
    median: dict[str, Any] = {}
    for label in ("alone", "with_readers"):
        median[label] = {
            key: _median([r[label]["messages"][key] for r in rounds])
            for key in ("throughput_rps", "ack_p50_ms", "ack_p99_ms")
        }
    median["reads"] = {
        kind: {
            key: _median([r["with_readers"]["reads"][kind][key] for r in rounds])
            for key in ("answered", "p50_ms", "p99_ms")
        }
        for kind in READ_KINDS
    }
    alone, loaded = median["alone"], median["with_readers"]
    median["throughput_with_vs_alone"] = _ratio(loaded["throughput_rps"], alone["throughput_rps"])
    median["ack_p99_with_vs_alone"] = _ratio(loaded["ack_p99_ms"], alone["ack_p99_ms"])
    return {"settings": settings.__dict__, "rounds": rounds, "median": median}


def _median(values: list[Any]) -> float | None:
    present = [value for value in values if value is not None]
    return round(statistics.median(present), 2) if present else None


def _ratio(value: float | None, base: float | None) -> float | None:
    return round(value / base, 3) if value is not None and base else None


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bench.readers", description=__doc__.split("\n\n")[0])
    defaults = ReadersSettings()
    p.add_argument("--concurrency", type=int, default=defaults.concurrency, help="message workers (default 20)")
    p.add_argument("--warmup", type=float, default=defaults.warmup, help="warm-up seconds per phase")
    p.add_argument("--seconds", type=float, default=defaults.seconds, help="measured seconds per phase")
    p.add_argument("--rounds", type=int, default=defaults.rounds, help="rounds of alone + with readers")
    p.add_argument("--reader-loops", type=int, default=defaults.reader_loops, help="reader loops (default 2)")
    p.add_argument("--seeded", type=int, default=defaults.seeded, help="tickets of history (default 10,000)")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    settings = ReadersSettings(
        concurrency=args.concurrency,
        warmup=args.warmup,
        seconds=args.seconds,
        rounds=args.rounds,
        reader_loops=args.reader_loops,
        seeded=args.seeded,
    )
    print(json.dumps(run_readers(settings), indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
