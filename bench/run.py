"""One benchmark run: each target in turn, with a fresh stand-in, the same load and the same phases.

Targets: ``ack_floor``, ``work_floor``, ``sqlite`` (the bot on a fresh SQLite file) and ``postgres`` (on a
throwaway database, when ``TEST_POSTGRES_URL`` is set). Phases, in this order: ``message``, ``reaction``,
``command``, ``click`` — the clicks acknowledge the tickets the first three opened.
"""

from __future__ import annotations

import asyncio
import math
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import aiohttp
import httpx
from sqlalchemy import func, select

from bench import targets
from bench.load import KINDS, NEW_TICKET_KINDS, PhaseResult, Requests, run_phase
from bench.targets import Process
from bot.sandbox.polling import NotYet, eventually
from storage.database import Database
from storage.models import Ticket

FLOORS = ("ack_floor", "work_floor")
FIGURES = ("throughput_rps", "ack_p50_ms", "ack_p95_ms", "ack_p99_ms", "e2e_p50_ms", "e2e_p99_ms")


@dataclass(frozen=True)
class LoadSettings:
    concurrency: int = 20
    warmup: float = 3.0
    seconds: float = 20.0
    dm_timeout: float = 60.0  # how long to wait after a phase for the DMs it caused
    profile_dir: Path | None = None  # sample the SQLite bot and the work floor with py-spy, samples kept here
    kinds: tuple[str, ...] = KINDS  # the phases to run, in this order


def percentile(values: list[float], fraction: float) -> float | None:
    """Nearest-rank percentile; ``None`` for no values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def _ms(value: float | None) -> float | None:
    return None if value is None else round(value * 1000, 2)


def summarize(result: PhaseResult, dm_at: dict[str, float] | None) -> dict[str, Any]:
    answered = [s for s in result.samples if s.status == 200]
    acks = [s.seconds for s in answered]
    figures: dict[str, Any] = {
        "throughput_rps": round(len(answered) / result.seconds, 1) if result.seconds else 0.0,
        "ack_p50_ms": _ms(percentile(acks, 0.50)),
        "ack_p95_ms": _ms(percentile(acks, 0.95)),
        "ack_p99_ms": _ms(percentile(acks, 0.99)),
        "e2e_p50_ms": None,
        "e2e_p99_ms": None,
        "requests": len(result.samples),
        "errors": len(result.samples) - len(answered),
        # Which answers were not 200 (0 = no answer): 503 is the bot's "not done in 2.5 s, retry" under overload.
        "error_statuses": dict(sorted(Counter(str(s.status) for s in result.samples if s.status != 200).items())),
    }
    if dm_at is not None:
        e2e = [dm_at[s.token] - s.started for s in answered if s.token in dm_at]
        figures["e2e_p50_ms"] = _ms(percentile(e2e, 0.50))
        figures["e2e_p99_ms"] = _ms(percentile(e2e, 0.99))
        figures["e2e_missing"] = sum(1 for s in answered if s.token is not None and s.token not in dm_at)
    return figures


async def _stats(standin: httpx.AsyncClient) -> dict[str, Any]:
    response = await standin.get("/bench/stats")
    response.raise_for_status()
    data: dict[str, Any] = response.json()
    return data


async def _wait_for_dms(standin: httpx.AsyncClient, tokens: set[str], patience: float) -> dict[str, float]:
    dm_at: dict[str, float] = {}

    async def all_arrived() -> bool:
        nonlocal dm_at
        dm_at = (await _stats(standin))["dm_at"]
        return tokens <= dm_at.keys()

    with suppress(NotYet):  # out of patience: what arrived is the answer (the rest count as lost)
        await eventually(all_arrived, timeout=patience, interval=0.5)
    return dm_at


async def _quiesce(standin: httpx.AsyncClient, patience: float) -> None:
    """Wait until the target stops calling Slack (its outbox caught up), so phases do not overlap."""
    last = -1

    async def quiet() -> bool:
        nonlocal last
        total = int(sum((await _stats(standin))["calls"].values()))
        unchanged, last = total == last, total
        return unchanged

    with suppress(NotYet):  # still busy after ``patience``: go on, as before
        await eventually(quiet, timeout=patience, interval=0.5)


async def drive(target: str, server: Process, standin: Process, load: LoadSettings) -> dict[str, Any]:
    """The four phases against one running target; figures by kind."""
    requests = Requests()
    figures: dict[str, Any] = {}
    opened = 0
    connector = aiohttp.TCPConnector(limit=load.concurrency)
    async with (
        aiohttp.ClientSession(server.url, connector=connector, timeout=aiohttp.ClientTimeout(total=30)) as client,
        httpx.AsyncClient(base_url=standin.url, timeout=30) as api,
    ):
        for kind in load.kinds:
            if kind == "reaction":
                # Enough messages that none is reacted to twice, judged from the message phase's pace.
                pace = max(figures.get("message", {}).get("throughput_rps", 0.0), 50.0)
                count = int(pace * 1.5 * (load.warmup + load.seconds)) + 100
                first = requests.skip_tokens(count)
                seeded = (
                    await api.post("/bench/seed", params={"count": count, "cards": 50, "first_token": first})
                ).json()
                requests.reactable = [tuple(m) for m in seeded["messages"]]
                requests.cards = [tuple(c) for c in seeded["cards"]]
            if kind == "click":
                # Tickets are numbered in the order they were opened; every bench text routes to SUP.
                requests.ticket_keys = [f"SUP-{n}" for n in range(1, opened + 1)]
            await api.post("/bench/reset")
            result = await run_phase(
                client, requests.maker(kind), concurrency=load.concurrency, warmup=load.warmup, seconds=load.seconds
            )
            result.kind = kind
            opened += result.opened if kind in NEW_TICKET_KINDS else 0
            dm_at = None
            if kind in NEW_TICKET_KINDS and target != "ack_floor":
                tokens = {s.token for s in result.samples if s.status == 200 and s.token}
                dm_at = await _wait_for_dms(api, tokens, load.dm_timeout)
            await _quiesce(api, load.dm_timeout)
            figures[kind] = summarize(result, dm_at)
    figures["_opened"] = opened
    return figures


@contextmanager
def _database(target: str, postgres_url: str) -> Iterator[str]:
    if target == "postgres":
        with targets.postgres_database(postgres_url) as url:
            yield url
        return
    with tempfile.TemporaryDirectory(prefix="crossdesk-bench-") as directory:
        yield f"sqlite:///{Path(directory) / 'crossdesk.db'}"


@contextmanager
def profiled(load: LoadSettings, target: str, server: Process) -> Iterator[None]:
    """With ``profile_dir``, py-spy samples the SQLite bot and the work floor while they are driven (collapsed
    stacks, one per line), so the two can be compared."""
    if load.profile_dir is None or target not in ("sqlite", "work_floor"):
        yield
        return
    load.profile_dir.mkdir(parents=True, exist_ok=True)
    py_spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    output = load.profile_dir / f"{target}.collapsed"
    command = [py_spy, "record", "--format", "raw", "--rate", "250", "--nonblocking", "--pid", str(server.pid)]
    profiler = subprocess.Popen([*command, "-o", str(output)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603
    try:
        yield
    finally:
        profiler.send_signal(signal.SIGINT)  # py-spy writes its samples when interrupted
        profiler.wait(timeout=30)


def run_target(target: str, load: LoadSettings, postgres_url: str = "", settled: bool = False) -> dict[str, Any]:
    """Start the stand-in and the target, drive the phases, stop both. Figures plus process costs.

    ``settled``: a floor with its start-up heap frozen as the bot freezes its own (``bot/runtime/heap.py``)."""
    before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.monotonic()
    with ExitStack() as stack:
        standin = targets.start_standin()
        stack.callback(standin.stop)
        if target in FLOORS:
            server = targets.start_floor(target.removesuffix("_floor"), f"{standin.url}/api/", settled)
            stack.callback(server.stop)
            targets.wait_healthy(server)
        else:
            url = stack.enter_context(_database(target, postgres_url))
            workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="crossdesk-bench-")))
            server = targets.start_bot(url, f"{standin.url}/api/", workdir)
            stack.callback(server.stop)
        with profiled(load, target, server):
            figures = asyncio.run(drive(target, server, standin, load))
        opened = figures.pop("_opened")
        committed = asyncio.run(_count_tickets(url)) if target not in FLOORS else None
        rss_now, rss_peak = server.memory_mb()
        standin_cpu = asyncio.run(_standin_cpu(standin))
        server_cpu = server.cpu_seconds()
    after = resource.getrusage(resource.RUSAGE_SELF)
    return {
        "figures": figures,
        # Every new-ticket request answered 200 must have its ticket in the database: committed before the ack.
        "tickets": None if committed is None else {"acknowledged_requests": opened, "in_database": committed},
        "rss_mb": round(max(rss_now, rss_peak), 1),
        "cpu_seconds": {
            "server": round(server_cpu, 2),
            "standin": round(standin_cpu, 2),
            "load_generator": round((after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime), 2),
            "wall": round(time.monotonic() - started, 2),
        },
    }


async def _count_tickets(database_url: str) -> int:
    db = Database(database_url)
    try:
        async with db.read() as session:
            return int((await session.execute(select(func.count()).select_from(Ticket))).scalar_one())
    finally:
        await db.dispose()


async def _standin_cpu(standin: Process) -> float:
    async with httpx.AsyncClient(base_url=standin.url, timeout=10) as api:
        return float((await _stats(api))["cpu_seconds"])


PAIRED_RATIOS = ("throughput_vs_work_floor", "ack_p99_vs_work_floor", "e2e_p50_vs_work_floor")
SETTLED_RATIOS = ("throughput_vs_settled_floor", "ack_p99_vs_settled_floor")
_PAIRED_FIGURES = ("throughput_rps", "ack_p99_ms", "e2e_p50_ms")


def run_pairs(load: LoadSettings, pairs: int) -> dict[str, Any]:
    """The work floor and the SQLite bot, message phase only, one after the other ``pairs`` times: the ratios of
    each pair and their medians.

    Why: the bench VM's speed drifts within minutes (a fixed loop took 1.1–1.7 s within one hour), and in the
    main run the floor's and the bot's message phases are minutes apart, so one drift could decide a target.
    Interleaved, each pair is measured under nearly the same conditions, and the median leaves out the odd pair.

    Each pair also measures the work floor *settled* — its start-up heap frozen as the bot freezes its own
    (``bot/runtime/heap.py``) — and reports the bot against it too: the targets are decided against the floor as issue 7
    defines it (a bare Bolt app), and the settled floor shows how much of the difference is that one setting.
    """
    message_only = replace(load, kinds=("message",), profile_dir=None)
    rounds: list[dict[str, Any]] = []
    for _ in range(pairs):
        floor = run_target("work_floor", message_only)["figures"]["message"]
        bot = run_target("sqlite", message_only)["figures"]["message"]
        settled = run_target("work_floor", message_only, settled=True)["figures"]["message"]
        rounds.append(
            {
                "work_floor": {key: floor[key] for key in _PAIRED_FIGURES},
                "sqlite": {key: bot[key] for key in _PAIRED_FIGURES},
                "work_floor_settled": {key: settled[key] for key in _PAIRED_FIGURES},
                "throughput_vs_work_floor": _share(bot["throughput_rps"], floor["throughput_rps"]),
                "ack_p99_vs_work_floor": _share(bot["ack_p99_ms"], floor["ack_p99_ms"]),
                "e2e_p50_vs_work_floor": _share(bot["e2e_p50_ms"], floor["e2e_p50_ms"]),
                "throughput_vs_settled_floor": _share(bot["throughput_rps"], settled["throughput_rps"]),
                "ack_p99_vs_settled_floor": _share(bot["ack_p99_ms"], settled["ack_p99_ms"]),
            }
        )
    medians: dict[str, float | None] = {}
    for name in (*PAIRED_RATIOS, *SETTLED_RATIOS):
        values = [r[name] for r in rounds if r[name] is not None]
        medians[name] = round(statistics.median(values), 3) if values else None
    return {"pairs": rounds, "median": medians}


def _share(bot: float | None, floor: float | None) -> float | None:
    return round(bot / floor, 3) if bot is not None and floor else None
