"""Open loop: messages leave at a fixed rate whatever the answers, as Slack sends events (issue 22).

The closed loop of ``bench.run`` (20 workers, each waiting for its answer) slows down with the server, so a server
that falls behind is offered less work and never shows its backlog. Here every send time is fixed before the phase
starts (``schedule``), requests go out at those times on their own, and every latency — the acknowledgement, the
card reaching the Slack stand-in, the owner's DM reaching it — is measured from the *scheduled* time, not from when
the request actually left: a load generator that falls behind would otherwise hide the wait (coordinated omission).

Rates are shares (25 %, 50 %, 75 %) of the work floor's closed-loop message capacity measured in the same run. Each
phase gets a fresh stand-in and a fresh target, the work floor and the bots taking turns at each rate. Then the
highest rate each bot *sustains* — the owner-DM p99 under ``dm_bound`` (1 s) over a window of ``probe_seconds``
(30 s) — is searched by bisection between 0 and the floor's capacity, starting at the lowest share (``search``).
"""

from __future__ import annotations

import asyncio
import math
import sys
import tempfile
from collections.abc import Callable
from contextlib import ExitStack, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import httpx

from bench import targets
from bench.load import PhaseResult, Request, Requests, Sample
from bench.run import LoadSettings, profiled
from bench.standin import monotonic
from bench.targets import Process
from bot.sandbox import slack_requests
from bot.sandbox.polling import NotYet, eventually

SHARES = (0.25, 0.5, 0.75)


@dataclass(frozen=True)
class OpenSettings:
    shares: tuple[float, ...] = SHARES
    warmup: float = 3.0
    seconds: float = 20.0  # measured seconds of each rate of the table
    probe_seconds: float = 30.0  # measured seconds of each probe of the sustained-rate search
    probes: int = 5  # probes of the search: 25 %, then halving the interval (5 probes: within 5 % of capacity)
    dm_bound: float = 1.0  # sustained: the owner-DM p99 under this
    dm_patience: float = 60.0  # how long after a phase of the table its DMs are waited for (a backlog drains)


# ------------------------------------------------------------------ the pure parts (tests/bench/test_openloop.py)


def schedule(rate: float, seconds: float) -> list[float]:
    """Send times, in seconds from the start, of a phase of ``seconds`` at ``rate`` requests per second: evenly
    spaced, fixed before anything is sent."""
    if rate <= 0 or seconds <= 0:
        return []
    return [index / rate for index in range(math.floor(seconds * rate + 1e-9))]


def lag_percentile(lags: list[float], missing: int, fraction: float) -> float | None:
    """Nearest-rank percentile of ``lags`` where ``missing`` more never arrived (counted as later than any that
    did); ``math.inf`` when the percentile falls among those, ``None`` when there is nothing at all."""
    total = len(lags) + missing
    if total == 0:
        return None
    rank = max(0, math.ceil(fraction * total) - 1)
    ordered = sorted(lags)
    return ordered[rank] if rank < len(ordered) else math.inf


def sustained(lags: list[float], missing: int, bound: float) -> bool:
    """Whether a probe kept the owner-DM lag bounded: its p99, the missing DMs counted as late, under ``bound``."""
    p99 = lag_percentile(lags, missing, 0.99)
    return p99 is not None and p99 < bound


def search(probe: Callable[[float], bool], low: float, high: float, probes: int) -> dict[str, Any]:
    """The highest rate in (0, ``high``) that ``probe`` says is sustained: first ``low``, then the middle of the
    interval still open, ``probes`` times in all. ``rate`` is the highest that held (``None``: none did); the
    answer lies in [``rate``, ``failed``) (``failed`` ``None``: nothing failed below ``high``)."""
    passed: float | None = None
    failed: float | None = None
    floor, ceiling = 0.0, high
    tried: list[dict[str, Any]] = []
    rate = low
    for _ in range(max(0, probes)):
        held = probe(rate)
        tried.append({"rate": round(rate, 1), "sustained": held})
        if held:
            passed, floor = rate, rate
        else:
            failed, ceiling = rate, rate
        rate = (floor + ceiling) / 2
    return {
        "rate": None if passed is None else round(passed, 1),
        "failed": None if failed is None else round(failed, 1),
        "probes": tried,
    }


def _ms(value: float | None) -> float | None:
    if value is None or math.isinf(value):
        return None
    return round(value * 1000, 1)


def summarize_open(
    result: PhaseResult, rate: float, card_at: dict[str, float], dm_at: dict[str, float]
) -> dict[str, Any]:
    """Figures of one open-loop phase; card and DM latencies from each request's scheduled time. A DM or card
    that never arrived makes a percentile that falls among them ``None``, with the count beside it."""
    samples = result.samples
    answered = [s for s in samples if s.status == 200]
    acks = [s.seconds for s in samples]
    tokens = [s.token for s in answered if s.token]
    figures: dict[str, Any] = {
        "rate_rps": round(rate, 1),
        "sent": len(samples),
        "answered_rps": round(len(answered) / result.seconds, 1) if result.seconds else 0.0,
        "errors": len(samples) - len(answered),
        "ack_p50_ms": _ms(lag_percentile(acks, 0, 0.50)),
        "ack_p99_ms": _ms(lag_percentile(acks, 0, 0.99)),
    }
    by_start = {s.token: s.started for s in answered if s.token}
    for name, arrived in (("card", card_at), ("dm", dm_at)):
        lags = [arrived[token] - by_start[token] for token in tokens if token in arrived]
        missing = len(tokens) - len(lags)
        figures[f"{name}_p50_ms"] = _ms(lag_percentile(lags, missing, 0.50))
        figures[f"{name}_p99_ms"] = _ms(lag_percentile(lags, missing, 0.99))
        figures[f"{name}_missing"] = missing
    # A backlog that grows shows as DMs later in the second half of the window than in the first.
    half = sorted(answered, key=lambda s: s.started)
    middle = len(half) // 2
    for label, part in (("first_half", half[:middle]), ("second_half", half[middle:])):
        lags = [dm_at[s.token] - s.started for s in part if s.token in dm_at]
        figures[f"dm_p99_{label}_ms"] = _ms(lag_percentile(lags, len(part) - len(lags), 0.99))
    figures["generator_late_p99_ms"] = _ms(lag_percentile(result.late, 0, 0.99)) if result.late else 0.0
    return figures


@dataclass
class CpuReadings:
    """The target's CPU time (user + system, every thread) when the measured window opens, when its last request
    is answered and when its messages have gone out, each beside the clock: what one message costs the target's
    core, and how busy that core was while the requests came. A target whose core is busy nearly all the time is
    past what it can take without a queue, whatever its latencies show yet (``bench/PROFILE.md``, eleventh round)."""

    readings: list[tuple[float, float]] = field(default_factory=list)  # (monotonic time, CPU seconds)

    def read(self, server: Process) -> None:
        self.readings.append((monotonic(), server.cpu_seconds()))

    def figures(self, messages: int) -> dict[str, float | None]:
        if len(self.readings) < 3 or messages <= 0:
            return {"cpu_ms_per_message": None, "cpu_busy_share": None}
        (opened, cpu_opened), (answered, cpu_answered), (_, cpu_sent) = self.readings[:3]
        busy = round((cpu_answered - cpu_opened) / (answered - opened), 2) if answered > opened else None
        return {"cpu_ms_per_message": round((cpu_sent - cpu_opened) / messages * 1000, 2), "cpu_busy_share": busy}


# ------------------------------------------------------------------ driving a target


async def run_open_phase(
    client: aiohttp.ClientSession,
    make: Callable[[], Request],
    *,
    rate: float,
    warmup: float,
    seconds: float,
    measuring: Callable[[], None] | None = None,
) -> PhaseResult:
    """Send at ``rate`` for ``warmup + seconds``, each request at its scheduled time whether or not earlier ones
    were answered; only requests scheduled after the warm-up count, their latency taken from the schedule.
    ``measuring`` is called once, as the first request that counts leaves (the target's CPU is read there)."""
    times = schedule(rate, warmup + seconds)
    requests = [make() for _ in times]  # built before the clock starts: building must not delay a send
    result = PhaseResult(kind="message", seconds=seconds)
    start = monotonic() + 0.05
    measure_from = start + warmup
    in_flight: set[asyncio.Task[None]] = set()

    async def send(request: Request, scheduled: float) -> None:
        headers = {"Content-Type": request.content_type, **slack_requests.sign(request.body)}
        try:
            async with client.post("/slack/events", data=request.body, headers=headers) as response:
                await response.read()
                status = response.status
        except (aiohttp.ClientError, TimeoutError):
            status = 0
        finished = monotonic()
        if scheduled >= measure_from:
            result.samples.append(Sample(scheduled, finished - scheduled, status, request.token))
            result.failures += status == 0

    for offset, request in zip(times, requests, strict=True):
        scheduled = start + offset
        delay = scheduled - monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        if scheduled >= measure_from:
            if measuring is not None and not result.late:
                measuring()
            result.late.append(max(0.0, monotonic() - scheduled))
        task = asyncio.create_task(send(request, scheduled))
        in_flight.add(task)
        task.add_done_callback(in_flight.discard)
    if in_flight:
        await asyncio.wait(set(in_flight))
    return result


async def _arrivals(standin: httpx.AsyncClient, tokens: set[str], patience: float) -> tuple[dict[str, float], ...]:
    stats: dict[str, Any] = {"dm_at": {}, "card_at": {}}

    async def all_arrived() -> bool:
        nonlocal stats
        response = await standin.get("/bench/stats")
        response.raise_for_status()
        stats = response.json()
        return bool(tokens <= stats["dm_at"].keys())

    with suppress(NotYet):  # out of patience: what arrived is the answer, the rest count as late
        await eventually(all_arrived, timeout=patience, interval=0.5)
    return stats["card_at"], stats["dm_at"]


async def _drive(server: Process, standin: Process, rate: float, warmup: float, seconds: float, patience: float) -> Any:
    # Enough connections that the client never holds a request back: a slow server must show as latency.
    connector = aiohttp.TCPConnector(limit=2000)
    async with (
        aiohttp.ClientSession(server.url, connector=connector, timeout=aiohttp.ClientTimeout(total=30)) as client,
        httpx.AsyncClient(base_url=standin.url, timeout=30) as api,
    ):
        await api.post("/bench/reset")
        cpu = CpuReadings()
        result = await run_open_phase(
            client, Requests().message, rate=rate, warmup=warmup, seconds=seconds, measuring=lambda: cpu.read(server)
        )
        cpu.read(server)  # the window's requests all answered
        tokens = {s.token for s in result.samples if s.status == 200 and s.token}
        card_at, dm_at = await _arrivals(api, tokens, patience)
        cpu.read(server)  # and their cards and DMs sent (or the wait for them over)
    return {**summarize_open(result, rate, card_at, dm_at), **cpu.figures(len(result.samples))}


def run_open(
    target: str,
    rate: float,
    warmup: float,
    seconds: float,
    patience: float,
    postgres_url: str = "",
    profile_dir: Path | None = None,
) -> Any:
    """One open-loop phase against a fresh stand-in and a fresh ``target``: ``work_floor``, ``sqlite``, ``postgres``."""
    with ExitStack() as stack:
        standin = targets.start_standin()
        stack.callback(standin.stop)
        if target == "work_floor":
            server = targets.start_floor("work", f"{standin.url}/api/")
            stack.callback(server.stop)
            targets.wait_healthy(server)
        else:
            if target == "postgres":
                url = stack.enter_context(targets.postgres_database(postgres_url))
            else:
                scratch = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="crossdesk-bench-")))
                url = f"sqlite:///{scratch / 'crossdesk.db'}"
            workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="crossdesk-bench-")))
            server = targets.start_bot(url, f"{standin.url}/api/", workdir)
            stack.callback(server.stop)
        # With ``profile_dir``, py-spy samples the SQLite bot and the work floor (``<dir>/<rate>/<target>.collapsed``).
        sampled = LoadSettings(profile_dir=None if profile_dir is None else profile_dir / f"{rate:.0f}")
        with profiled(sampled, target, server):
            return asyncio.run(_drive(server, standin, rate, warmup, seconds, patience))


def run_open_loop(
    capacity: float,
    settings: OpenSettings,
    bots: tuple[str, ...],
    postgres_url: str = "",
    profile_dir: Path | None = None,
) -> dict[str, Any]:
    """The table (every share of ``capacity`` for the work floor and each bot, taking turns) and each bot's
    sustained rate. ``capacity``: the work floor's closed-loop messages per second in this run."""
    rates: list[dict[str, Any]] = []
    for share in settings.shares:
        rate = capacity * share
        row: dict[str, Any] = {"share": share, "rate_rps": round(rate, 1)}
        for target in ("work_floor", *bots):
            print(f"bench: open loop, {target} at {rate:.0f}/s ({share:.0%}) …", file=sys.stderr, flush=True)
            row[target] = run_open(
                target, rate, settings.warmup, settings.seconds, settings.dm_patience, postgres_url, profile_dir
            )
        rates.append(row)
    search_results: dict[str, Any] = {}
    for bot in bots:

        def probe(rate: float, bot: str = bot) -> bool:
            print(f"bench: sustained-rate probe, {bot} at {rate:.0f}/s …", file=sys.stderr, flush=True)
            patience = settings.dm_bound + 2.0  # later than that a DM is over the bound anyway
            figures = run_open(bot, rate, settings.warmup, settings.probe_seconds, patience, postgres_url)
            p99 = figures["dm_p99_ms"]
            return p99 is not None and p99 < settings.dm_bound * 1000 and figures["errors"] == 0

        found = search(probe, capacity * min(settings.shares), capacity, settings.probes)
        found["share_of_capacity"] = None if found["rate"] is None else round(found["rate"] / capacity, 3)
        search_results[bot] = found
    return {
        "capacity_rps": round(capacity, 1),
        "settings": {**settings.__dict__, "shares": list(settings.shares)},
        "rates": rates,
        "sustained": search_results,
        "ratios": open_ratios(rates, bots),
    }


def open_ratios(rates: list[dict[str, Any]], bots: tuple[str, ...]) -> dict[str, Any]:
    """Per share and bot: ack p99, DM p50 and DM p99 over the work floor's at the same rate."""
    out: dict[str, Any] = {}
    for row in rates:
        floor = row.get("work_floor") or {}
        for bot in bots:
            mine = row.get(bot) or {}
            for figure in ("ack_p99_ms", "card_p50_ms", "dm_p50_ms", "dm_p99_ms"):
                a, b = mine.get(figure), floor.get(figure)
                key = f"{bot}.{round(row['share'] * 100)}.{figure.removesuffix('_ms')}_vs_work_floor"
                out[key] = round(a / b, 3) if a is not None and b else None
    return out
