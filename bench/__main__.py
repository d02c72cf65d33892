"""``python -m bench`` (what ``make bench`` runs): every target, the scale queries, the results and the doc."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import readers, report, scale, targets
from bench.load import KINDS
from bench.openloop import OpenSettings, run_open_loop
from bench.run import FLOORS, LoadSettings, run_pairs, run_target

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Mode:
    """How long and how big: the full run, or the quick one (under two minutes)."""

    name: str
    warmup: float
    seconds: float
    scale_sizes: tuple[int, int]
    scale_runs: int
    pairs: int  # interleaved work-floor/bot message phases the ratio targets are decided on (bench.run.run_pairs)
    open_loop: OpenSettings  # the open-loop table and the sustained-rate search (bench.openloop)


FULL = Mode("full", 3.0, 20.0, (10_000, 100_000), scale_runs=7, pairs=5, open_loop=OpenSettings())
QUICK = Mode(
    "quick",
    0.5,
    2.0,
    (1_000, 10_000),
    scale_runs=3,
    pairs=0,
    open_loop=OpenSettings(warmup=0.5, seconds=2.0, probe_seconds=3.0, probes=2, dm_patience=20.0),
)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    p.add_argument("--quick", action="store_true", help="short phases and few repetitions (under two minutes)")
    p.add_argument("--results", type=Path, default=ROOT / "bench" / "results.json", help="where results go")
    p.add_argument("--doc", type=Path, default=ROOT / "docs" / "benchmarks.md", help="the document to write")
    p.add_argument("--concurrency", type=int, default=20, help="requests in flight (default 20)")
    p.add_argument("--seconds", type=float, help="measured seconds per kind (overrides the mode)")
    p.add_argument("--warmup", type=float, help="warm-up seconds per kind (overrides the mode)")
    p.add_argument("--scale-sizes", type=int, nargs=2, metavar=("SMALL", "LARGE"), help="seeded tickets")
    p.add_argument("--scale-runs", type=int, help="repetitions per scale query (median)")
    p.add_argument("--pairs", type=int, help="interleaved floor/bot message pairs for the ratio targets (full: 5)")
    p.add_argument("--profile", type=Path, metavar="DIR", help="sample the bot and work floor with py-spy")
    p.add_argument("--render", action="store_true", help="only rewrite the document from the results file")
    p.add_argument(
        "--open",
        action="store_true",
        help="only the open-loop table and sustained-rate search: print the figures, write nothing",
    )
    p.add_argument("--capacity", type=float, help="with --open: the work floor's msgs/s (default: measure it first)")
    p.add_argument(
        "--shares", type=float, nargs="+", help="with --open: shares of the capacity (default 0.25 0.5 0.75)"
    )
    p.add_argument("--probes", type=int, help="probes of the sustained-rate search (full: 5, quick: 2; 0: none)")
    p.add_argument("--probe-seconds", type=float, help="measured seconds of each probe (full: 30)")
    p.add_argument("--bots", nargs="+", choices=("sqlite", "postgres"), help="with --open: the bots to measure")
    p.add_argument(
        "--only",
        nargs="+",
        choices=(*FLOORS, "sqlite", "postgres"),
        help="a partial run (e.g. --only work_floor sqlite --kinds message): print its figures, write nothing",
    )
    p.add_argument("--kinds", nargs="+", choices=KINDS, default=list(KINDS), help="phases to run (default all)")
    p.add_argument(
        "--readers",
        action="store_true",
        help="only the reads-under-load scenario (bench/readers.py; its options: python -m bench.readers --help)",
    )
    return p


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if "--readers" in argv:  # a scenario of its own, with its own options
        return readers.main([arg for arg in argv if arg != "--readers"])
    args = parser().parse_args(argv)
    if args.render:
        args.doc.write_text(report.render(json.loads(args.results.read_text(encoding="utf-8"))), encoding="utf-8")
        return 0
    mode = QUICK if args.quick else FULL
    load = LoadSettings(
        concurrency=args.concurrency,
        warmup=args.warmup if args.warmup is not None else mode.warmup,
        seconds=args.seconds if args.seconds is not None else mode.seconds,
        dm_timeout=20.0 if args.quick else 60.0,
        profile_dir=args.profile,
        kinds=tuple(args.kinds),
    )
    sizes = tuple(args.scale_sizes) if args.scale_sizes else mode.scale_sizes
    runs = args.scale_runs or mode.scale_runs
    postgres_url = os.environ.get("TEST_POSTGRES_URL", "")
    bots = ("sqlite", *(["postgres"] if postgres_url else []))
    overrides: dict[str, Any] = {
        "warmup": args.warmup,
        "seconds": args.seconds,
        "shares": tuple(args.shares) if args.shares else None,
        "probes": args.probes,
        "probe_seconds": args.probe_seconds,
    }
    open_settings = replace(mode.open_loop, **{name: value for name, value in overrides.items() if value is not None})
    targets.pin_self()
    started = time.monotonic()
    if args.open:
        capacity = args.capacity or _floor_capacity(load)
        chosen = tuple(args.bots or bots)
        print(json.dumps(run_open_loop(capacity, open_settings, chosen, postgres_url, args.profile), indent=1))
        return 0
    if args.only or load.kinds != KINDS:
        partial = {}
        for target in args.only or (*FLOORS, "sqlite", *(["postgres"] if postgres_url else [])):
            print(f"bench: {target} …", file=sys.stderr, flush=True)
            partial[target] = run_target(target, load, postgres_url)
        print(json.dumps(partial, indent=1))
        return 0

    results: dict[str, Any] = {name: None for name in (*FLOORS, "sqlite", "postgres")}
    results["rss_mb"] = {}
    results["processes"] = {}
    results["tickets"] = {}
    for target in (*FLOORS, "sqlite", *(["postgres"] if postgres_url else [])):
        print(f"bench: {target} …", file=sys.stderr, flush=True)
        measured = run_target(target, load, postgres_url)
        results[target] = measured["figures"]
        results["rss_mb"][target] = measured["rss_mb"]
        results["processes"][target] = measured["cpu_seconds"]
        if measured["tickets"] is not None:
            results["tickets"][target] = measured["tickets"]
    results["ratios"] = report.ratios(results)
    capacity = results["work_floor"]["message"]["throughput_rps"]
    results["open_loop"] = run_open_loop(capacity, open_settings, bots, postgres_url)
    pairs = args.pairs if args.pairs is not None else mode.pairs
    if pairs > 0:
        print(f"bench: {pairs} interleaved pairs of work floor and SQLite bot (messages) …", file=sys.stderr)
        results["paired"] = run_pairs(load, pairs)
    print(f"bench: scale ({sizes[0]} and {sizes[1]} tickets) …", file=sys.stderr, flush=True)
    results["scale"] = scale.run_scale((sizes[0], sizes[1]), runs)
    results["targets"] = report.target_checks(results)
    results["machine"] = report.machine(postgres_url)
    results["settings"] = {
        "quick": args.quick,
        "command": "make bench BENCH_QUICK=1" if args.quick else "make bench",
        "concurrency": load.concurrency,
        "warmup_seconds": load.warmup,
        "seconds": load.seconds,
        "scale_sizes": list(sizes),
        "scale_runs": runs,
        "pairs": pairs,
        "open_loop": {**open_settings.__dict__, "shares": list(open_settings.shares)},
        "pinned": targets.pinning(),
        "total_seconds": round(time.monotonic() - started, 1),
    }
    results["finished_at"] = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    problems = report.validate(results)
    report.write_results(results, args.results)
    args.doc.parent.mkdir(parents=True, exist_ok=True)
    args.doc.write_text(report.render(results), encoding="utf-8")
    print(f"bench: wrote {args.results} and {args.doc} in {results['settings']['total_seconds']} s", file=sys.stderr)
    for problem in problems:
        print(f"bench: results incomplete: {problem}", file=sys.stderr)
    return 1 if problems else 0


def _floor_capacity(load: LoadSettings) -> float:
    """The work floor's closed-loop messages per second (what the open loop's rates are shares of)."""
    print("bench: work floor capacity (closed loop, messages) …", file=sys.stderr, flush=True)
    measured = run_target("work_floor", replace(load, kinds=("message",), profile_dir=None))
    return float(measured["figures"]["message"]["throughput_rps"])


if __name__ == "__main__":
    raise SystemExit(main())
