"""The open loop's targets (issue 22, point 2) and its section of ``docs/benchmarks.md``; ``bench.report`` calls
both."""

from __future__ import annotations

from typing import Any

# Issue 22, point 2: ratios within one run, SQLite, one core.
SUSTAINED_SHARE = 0.6  # the highest rate with the owner-DM p99 under 1 s, over the work floor's capacity
DM_P50_FACTOR_AT_HALF = 3.0
DM_P99_FACTOR_AT_HALF = 5.0
ACK_P99_FACTOR_OPEN = 2.0  # at every open-loop rate: batching must not cost light load its latency
POSTGRES_THROUGHPUT_SHARE = 0.6  # closed loop, messages
NAMES = {"sqlite": "SQLite", "postgres": "PostgreSQL"}


def _ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 3) if a is not None and b else None


def open_loop_checks(open_loop: dict[str, Any] | None, ratios: dict[str, Any]) -> list[tuple[str, Any, str, float]]:
    """(target, measured, sense, limit) for each target of issue 22 that this run measured."""
    checks: list[tuple[str, Any, str, float]] = []
    closed = ratios.get("postgres.message.throughput_vs_work_floor")
    if closed is not None:
        checks.append(
            ("PostgreSQL message throughput / work floor (closed loop)", closed, ">=", POSTGRES_THROUGHPUT_SHARE)
        )
    if not open_loop:
        return checks
    capacity = open_loop.get("capacity_rps")
    rates = open_loop.get("rates") or []
    half = next((row for row in rates if row.get("share") == 0.5), None)
    for bot in ("sqlite",):
        if not any(row.get(bot) for row in rates):
            continue
        name = NAMES[bot]
        sustained = ((open_loop.get("sustained") or {}).get(bot) or {}).get("rate")
        checks.append(
            (
                f"{name} sustained rate / work floor capacity (open loop)",
                _ratio(sustained, capacity),
                ">=",
                SUSTAINED_SHARE,
            )
        )
        if half is not None:
            floor, mine = half.get("work_floor") or {}, half.get(bot) or {}
            for figure, limit in (("dm_p50_ms", DM_P50_FACTOR_AT_HALF), ("dm_p99_ms", DM_P99_FACTOR_AT_HALF)):
                label = figure.removeprefix("dm_").removesuffix("_ms")
                value = _ratio(mine.get(figure), floor.get(figure))
                checks.append((f"{name} owner-DM {label} at 50 % / work floor's (open loop)", value, "<=", limit))
        acks = [
            _ratio((row.get(bot) or {}).get("ack_p99_ms"), (row.get("work_floor") or {}).get("ack_p99_ms"))
            for row in rates
        ]
        worst = None if not acks or None in acks else max(a for a in acks if a is not None)
        checks.append((f"{name} ack p99 / work floor's, worst open-loop rate", worst, "<=", ACK_P99_FACTOR_OPEN))
    return checks


def _cell(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.1f}" if abs(value) >= 10 else f"{value:.2f}"
    return str(value)


def _late(figures: dict[str, Any], name: str, percentile: str) -> str:
    """A latency cell; a percentile that falls among messages that never arrived reads as lost."""
    value = figures.get(f"{name}_{percentile}_ms")
    if value is None and figures.get(f"{name}_missing"):
        return f"> wait ({figures[f'{name}_missing']} never came)"
    return _cell(value)


def render_open_loop(open_loop: dict[str, Any] | None) -> list[str]:
    """The open-loop section: the table by rate and target, then each bot's sustained rate."""
    if not open_loop:
        return []
    s = open_loop["settings"]
    lines = [
        "",
        "## Open loop: what the owner feels (issue 22)",
        "",
        "Messages leave at a fixed rate whatever the answers (`bench/openloop.py`), as Slack sends events: every send",
        "time is fixed before the phase, and every latency is taken from the *scheduled* time (no coordinated",
        "omission). Rates are shares of the work floor's closed-loop capacity in this run, "
        f"**{_cell(open_loop['capacity_rps'])} msgs/s**;",
        f"each phase ({s['warmup']} s warm-up + {s['seconds']} s) has a fresh stand-in and target, the floor and the",
        "bots taking turns at each rate. *Card* and *owner DM*: from the scheduled send to the card, or the DM,",
        "reaching the Slack stand-in.",
        "DM p99 by halves of the window shows a backlog that grows; *sends late*: how far behind its schedule the load",
        "generator sent (it counts in every latency, the floor's and the bot's alike). *CPU per msg*: the target's",
        "CPU time (all its threads) from the window's first send until its cards and DMs went out, per message;",
        "*core busy*: its CPU time over the wall time until the window's last answer — near 1, its one core is full",
        "and every request queues, whatever the latencies show yet.",
        "",
        "| rate | target | answered/s | ack p50 | ack p99 | card p50 | card p99 | owner DM p50 | owner DM p99 "
        "| DM p99 1st / 2nd half | errors | sends late p99 | CPU per msg (ms) | core busy |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in open_loop.get("rates") or []:
        for target, f in row.items():
            if not isinstance(f, dict):
                continue
            halves = f"{_cell(f.get('dm_p99_first_half_ms'))} / {_cell(f.get('dm_p99_second_half_ms'))}"
            lines.append(
                f"| {_cell(row['rate_rps'])}/s ({row['share']:.0%}) | {target} | {_cell(f.get('answered_rps'))} | "
                f"{_cell(f.get('ack_p50_ms'))} | {_cell(f.get('ack_p99_ms'))} | {_late(f, 'card', 'p50')} | "
                f"{_late(f, 'card', 'p99')} | {_late(f, 'dm', 'p50')} | {_late(f, 'dm', 'p99')} | {halves} | "
                f"{_cell(f.get('errors'))} | {_cell(f.get('generator_late_p99_ms'))} | "
                f"{_cell(f.get('cpu_ms_per_message'))} | {_cell(f.get('cpu_busy_share'))} |"
            )
    lines += [
        "",
        f"Sustained rate: the highest rate whose owner-DM p99 stays under {s['dm_bound']} s over a "
        f"{s['probe_seconds']} s window,",
        f"searched by bisection ({s['probes']} probes, the first at {min(s['shares']):.0%} of capacity, each on a "
        "fresh bot):",
        "",
        "| bot | sustained msgs/s | share of the floor's capacity | first rate that failed | probes (msgs/s: held?) |",
        "|---|---|---|---|---|",
    ]
    for bot, found in (open_loop.get("sustained") or {}).items():
        probes = ", ".join(f"{p['rate']}: {'yes' if p['sustained'] else 'no'}" for p in found.get("probes") or [])
        lines.append(
            f"| {bot} | {_cell(found.get('rate'))} | {_cell(found.get('share_of_capacity'))} | "
            f"{_cell(found.get('failed'))} | {probes or '—'} |"
        )
    return lines
