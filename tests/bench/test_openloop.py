"""The pure parts of the open loop (``bench/openloop.py``): the send schedule, percentiles that count what never
arrived, the sustained-rate decision and its search. No timings: the probes here are functions of the rate."""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import pytest

from bench import buckets, openloop, report
from bench.load import PhaseResult, Sample
from bench.openloop import lag_percentile, schedule, search, summarize_open, sustained
from bench.openreport import open_loop_checks


def test_the_schedule_is_evenly_spaced_and_fixed_by_rate_and_length_alone() -> None:
    times = schedule(200.0, 2.0)
    assert len(times) == 400
    assert times[0] == 0.0 and times[1] == pytest.approx(0.005) and times[-1] == pytest.approx(1.995)
    gaps = {round(b - a, 9) for a, b in itertools.pairwise(times)}
    assert gaps == {0.005}
    assert len(schedule(33.3, 3.0)) == 99  # 99.9 sends fit: the 100th would leave after the end
    assert schedule(0.0, 5.0) == [] and schedule(10.0, 0.0) == []


def test_a_percentile_counts_what_never_arrived_as_later_than_everything() -> None:
    lags = [0.1 * n for n in range(1, 100)]  # 0.1 … 9.9 s, 99 arrived
    assert lag_percentile(lags, 0, 0.5) == pytest.approx(5.0)
    assert lag_percentile(lags, 0, 0.98) == pytest.approx(9.8)
    assert lag_percentile(lags, 0, 0.99) == pytest.approx(9.9)
    assert lag_percentile(lags, 1, 0.99) == pytest.approx(9.9)  # 100 in all: rank 99 is the last that arrived
    assert lag_percentile(lags, 2, 0.99) == math.inf  # 101 in all: rank 100 is one that never came
    assert lag_percentile([], 3, 0.5) == math.inf
    assert lag_percentile([], 0, 0.5) is None


def test_sustained_means_the_p99_under_the_bound_with_missing_dms_counted_late() -> None:
    quick = [0.2] * 99
    assert sustained([*quick, 0.9], 0, bound=1.0)
    assert sustained([*quick, 5.0], 0, bound=1.0)  # one in a hundred may be late: that is the p99
    assert not sustained([*quick[:98], 1.5, 1.6], 0, bound=1.0)
    assert not sustained(quick[:98], 2, bound=1.0)  # two of a hundred never arrived
    assert not sustained([], 0, bound=1.0)  # nothing measured proves nothing


def test_the_search_finds_the_highest_sustained_rate_by_halving_the_open_interval() -> None:
    tried: list[float] = []

    def probe(rate: float) -> bool:
        tried.append(rate)
        return rate <= 610.0

    found = search(probe, low=250.0, high=1000.0, probes=5)
    assert tried == [250.0, 625.0, 437.5, 531.25, 578.125]
    assert found["rate"] == 578.1 and found["failed"] == 625.0
    assert [p["sustained"] for p in found["probes"]] == [True, False, True, True, True]


def test_the_search_goes_below_the_first_probe_when_that_already_fails() -> None:
    found = search(lambda rate: rate < 100.0, low=250.0, high=1000.0, probes=3)
    assert [p["rate"] for p in found["probes"]] == [250.0, 125.0, 62.5]
    assert found["rate"] == 62.5 and found["failed"] == 125.0
    assert search(lambda rate: False, low=250.0, high=1000.0, probes=2)["rate"] is None
    assert search(lambda rate: True, low=250.0, high=1000.0, probes=0) == {"rate": None, "failed": None, "probes": []}


def test_an_open_phase_is_measured_from_each_request_s_scheduled_time() -> None:
    result = PhaseResult(kind="message", seconds=2.0, late=[0.0, 0.001])
    result.samples = [
        Sample(started=10.0, seconds=0.05, status=200, token="bq000000001"),
        Sample(started=11.0, seconds=0.07, status=200, token="bq000000002"),
    ]
    figures = summarize_open(
        result,
        rate=1.0,
        card_at={"bq000000001": 10.3, "bq000000002": 11.2},
        dm_at={"bq000000001": 10.5},  # the second DM never came
    )
    assert figures["card_p50_ms"] == 200.0 and figures["card_p99_ms"] == 300.0
    assert figures["dm_p50_ms"] == 500.0 and figures["dm_p99_ms"] is None and figures["dm_missing"] == 1
    assert figures["ack_p99_ms"] == 70.0 and figures["answered_rps"] == 1.0 and figures["errors"] == 0


class _Target:
    """Stands in for a target process whose CPU time is set by the test."""

    def __init__(self) -> None:
        self.cpu = 0.0

    def cpu_seconds(self) -> float:
        return self.cpu


def test_the_target_s_cpu_is_counted_per_message_and_as_the_share_of_its_core_while_requests_came(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = iter([100.0, 110.0, 113.0])
    monkeypatch.setattr(openloop, "monotonic", lambda: next(clock))
    target, cpu = _Target(), openloop.CpuReadings()
    assert cpu.figures(1000) == {"cpu_ms_per_message": None, "cpu_busy_share": None}  # not read yet
    for seconds in (5.0, 13.0, 14.0):  # at the window's first send, its last answer, its last DM
        target.cpu = seconds
        cpu.read(target)  # type: ignore[arg-type]
    # 9 s of CPU for 2,000 messages; 8 s of it in the 10 s the requests took to be answered.
    assert cpu.figures(2000) == {"cpu_ms_per_message": 4.5, "cpu_busy_share": 0.8}
    assert cpu.figures(0) == {"cpu_ms_per_message": None, "cpu_busy_share": None}


def test_the_issue_22_targets_are_decided_on_ratios_within_the_run() -> None:
    open_loop = {
        "capacity_rps": 1000.0,
        "sustained": {"sqlite": {"rate": 640.0}, "postgres": {"rate": 300.0}},
        "rates": [
            {"share": 0.25, "work_floor": {"ack_p99_ms": 10.0}, "sqlite": {"ack_p99_ms": 19.0}},
            {
                "share": 0.5,
                "work_floor": {"ack_p99_ms": 20.0, "dm_p50_ms": 30.0, "dm_p99_ms": 100.0},
                "sqlite": {"ack_p99_ms": 41.0, "dm_p50_ms": 90.0, "dm_p99_ms": 500.0},
            },
        ],
    }
    closed = {"postgres.message.throughput_vs_work_floor": 0.7}
    checks = {name: (value, sense, limit) for name, value, sense, limit in open_loop_checks(open_loop, closed)}
    assert checks["SQLite sustained rate / work floor capacity (open loop)"] == (0.64, ">=", 0.6)
    assert checks["SQLite owner-DM p50 at 50 % / work floor's (open loop)"] == (3.0, "<=", 3.0)
    assert checks["SQLite owner-DM p99 at 50 % / work floor's (open loop)"] == (5.0, "<=", 5.0)
    assert checks["SQLite ack p99 / work floor's, worst open-loop rate"] == (2.05, "<=", 2.0)  # 1.9× at 25 %
    assert checks["PostgreSQL message throughput / work floor (closed loop)"] == (0.7, ">=", 0.6)
    # Decided as the other targets are: holds when within the limit, the limit included.
    decided = {c["target"]: c["holds"] for c in report.target_checks({"ratios": closed, "open_loop": open_loop})}
    assert decided["SQLite owner-DM p99 at 50 % / work floor's (open loop)"] is True
    assert decided["SQLite ack p99 / work floor's, worst open-loop rate"] is False


def test_profile_stacks_are_sorted_into_the_stages_of_a_new_ticket(tmp_path: Path) -> None:
    collapsed = tmp_path / "sqlite.collapsed"
    collapsed.write_text(
        "run (asyncio/events.py:80);TicketOpener._open_batch (bot/tickets/opening.py:156) 6\n"
        "send_group (bot/outbox/sender.py:250);SlackCalls.call (bot/outbox/slack_calls.py:99) 3\n"
        "greenlet_spawn (sqlalchemy/util/concurrency.py:209);commit (storage/_sqlite_inline.py:145) 1\n"
        "_run_once (asyncio/base_events.py:1900) 10\n",
        encoding="utf-8",
    )
    total, shares = buckets.shares(collapsed)
    assert total == 20
    assert shares == {
        buckets.OTHER: 0.5,
        "opening: batch written and committed": 0.3,
        "Slack calls (slack_sdk, aiohttp client)": 0.15,
        "database: statements, commits (caller lost)": 0.05,
    }
