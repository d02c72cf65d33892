"""``make bench BENCH_QUICK=1`` end to end, made smaller still: every target runs and the results are complete.

No timings are asserted here (benchmarks are never timing assertions); only that the quick mode runs the real
processes and writes a results file and a document with every key, of the right type.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from bench import readers, report
from bench.load import KINDS
from bench.run import FIGURES

ROOT = Path(__file__).resolve().parents[2]


def test_quick_mode_writes_complete_results(tmp_path: Path) -> None:
    results_path, doc_path = tmp_path / "results.json", tmp_path / "benchmarks.md"
    command = [
        sys.executable,
        "-m",
        "bench",
        "--quick",
        *("--warmup", "0.2", "--seconds", "0.5", "--scale-sizes", "1000", "3000", "--scale-runs", "1", "--pairs", "1"),
        *("--probes", "1", "--probe-seconds", "0.5"),
        *("--results", str(results_path), "--doc", str(doc_path)),
    ]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600, env=dict(os.environ))
    assert done.returncode == 0, done.stderr[-3000:]

    results = json.loads(results_path.read_text(encoding="utf-8"))
    assert report.validate(results) == []
    measured = ["ack_floor", "work_floor", "sqlite"] + (["postgres"] if os.environ.get("TEST_POSTGRES_URL") else [])
    for target in measured:
        for kind in KINDS:
            figures = results[target][kind]
            assert set(FIGURES) <= figures.keys()
            assert figures["throughput_rps"] > 0, (target, kind)  # requests were answered, not only sent
            # The floors never fail; the bot may answer 503 ("not done in 2.5 s, retry") when CI starves it of CPU,
            # but any other answer (a 500, a 401, no answer at all) is a defect.
            allowed = set() if target in ("ack_floor", "work_floor") else {"503"}
            assert set(figures["error_statuses"]) <= allowed, (target, kind, figures)
    for kind in ("message", "reaction", "command"):
        # The work floor and the bot both sent the owner's DM for every new ticket (the e2e correlation works).
        assert results["work_floor"][kind]["e2e_missing"] == 0
        assert results["sqlite"][kind]["e2e_missing"] == 0
        assert results["sqlite"][kind]["e2e_p50_ms"] is not None
    assert results["ack_floor"]["message"]["e2e_p50_ms"] is None  # the ack floor sends nothing
    assert "sqlite.message.throughput_vs_work_floor" in results["ratios"]
    assert "sqlite.click.ack_p99_vs_ack_floor" in results["ratios"]
    assert set(results["scale"]) == {"tick_100_due", "outbox_claim", "list_overdue", "digest", "app_home", "goals"}
    assert set(results["scale"]["tick_100_due"]) == {"1k", "3k", "growth"}
    assert results["rss_mb"]["sqlite"] > 0
    # One interleaved pair of message phases; the ratio targets are decided on the pairs' medians.
    [pair] = results["paired"]["pairs"]
    assert pair["work_floor"]["throughput_rps"] > 0 and pair["sqlite"]["throughput_rps"] > 0
    assert results["paired"]["median"]["throughput_vs_work_floor"] == pair["throughput_vs_work_floor"]
    # The settled floor (its start-up heap frozen, as the bot's) is measured beside the bare one, not instead of it.
    assert pair["work_floor_settled"]["throughput_rps"] > 0
    assert results["paired"]["median"]["ack_p99_vs_settled_floor"] == pair["ack_p99_vs_settled_floor"]
    ratio_targets = [
        c for c in results["targets"] if c["target"].startswith("SQLite message ") and "/ work floor" in c["target"]
    ]
    assert len(ratio_targets) == 3 and all("median of interleaved pairs" in c["target"] for c in ratio_targets)
    assert all(cost["standin"] >= 0 for cost in results["processes"].values())
    # The open loop (issue 22): every share for the work floor and the bots, cards and DMs timed, one probe.
    open_loop = results["open_loop"]
    assert open_loop["capacity_rps"] == results["work_floor"]["message"]["throughput_rps"]
    assert [row["share"] for row in open_loop["rates"]] == [0.25, 0.5, 0.75]
    for row in open_loop["rates"]:
        for target in ["work_floor", *measured[2:]]:
            figures = row[target]
            assert figures["sent"] > 0 and figures["ack_p99_ms"] is not None, (target, row)
            assert figures["card_missing"] == 0 and figures["dm_missing"] == 0, (target, row)
    assert len(open_loop["sustained"]["sqlite"]["probes"]) == 1
    assert any("sustained rate" in check["target"] for check in results["targets"])

    doc = doc_path.read_text(encoding="utf-8")
    assert "make bench BENCH_QUICK=1" in doc
    assert "| sqlite | message |" in doc
    assert results["machine"]["cpu"] in doc
    assert "| 1 | " in doc  # the pair's row
    assert "settled floor msgs/s" in doc
    assert "## Open loop" in doc and "| sqlite | " in doc


def test_ratio_targets_use_the_pairs_median_when_there_are_pairs() -> None:
    results = {
        "ratios": {"sqlite.message.throughput_vs_work_floor": 0.4, "sqlite.message.ack_p99_vs_work_floor": 2.0},
        "paired": {
            "median": {"throughput_vs_work_floor": 0.55, "ack_p99_vs_work_floor": 1.4, "e2e_p50_vs_work_floor": 1.1}
        },
    }
    checks = {c["target"].split(" (")[0]: c for c in report.target_checks(results)}
    assert checks["SQLite message throughput / work floor"]["value"] == 0.55
    assert checks["SQLite message throughput / work floor"]["holds"] is True
    assert checks["SQLite message ack p99 / work floor"]["holds"] is True
    without_pairs = {c["target"]: c for c in report.target_checks({"ratios": results["ratios"]})}
    assert without_pairs["SQLite message throughput / work floor"]["value"] == 0.4
    assert without_pairs["SQLite message throughput / work floor"]["holds"] is False


def test_the_readers_scenario_measures_writes_alone_and_with_readers() -> None:
    """``python -m bench --readers``, one short round: both phases answered, and every kind of read too."""
    command = [
        sys.executable,
        "-m",
        "bench",
        "--readers",
        *("--rounds", "1", "--warmup", "0.2", "--seconds", "0.8", "--seeded", "600", "--reader-loops", "1"),
    ]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600, env=dict(os.environ))
    assert done.returncode == 0, done.stderr[-3000:]
    results = json.loads(done.stdout)
    [round_] = results["rounds"]
    for phase in ("alone", "with_readers"):
        messages = round_[phase]["messages"]
        assert messages["throughput_rps"] > 0 and messages["ack_p99_ms"] is not None, (phase, messages)
    assert round_["alone"]["reads"] == {}  # alone means alone
    for kind in readers.READ_KINDS:
        read = round_["with_readers"]["reads"][kind]
        assert read["answered"] > 0 and read["errors"] == 0, (kind, read)
    assert results["median"]["throughput_with_vs_alone"] is not None
    assert results["median"]["ack_p99_with_vs_alone"] is not None
