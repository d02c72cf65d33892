"""The reliability page: one table per suite, the totals, and a failing exit when anything was lost or doubled."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.reliability import report


def test_each_suite_becomes_a_table_and_the_totals_add_up(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RELIABILITY_REPORT_DIR", str(tmp_path))
    report.write_report("faults", "Faults", [("Slack 429", "0 lost"), ("a | pipe", 3)], lost=0, duplicated=0)
    first = report.SuiteReport("replicas", "Replicas", about="Three replicas; *wait*: queued to shown in Slack.")
    first.add("load held", "20 events/s for 90 s")
    first.count(lost=1)
    first.write()

    page = report.render(tmp_path, now=datetime(2026, 11, 28, 12, 0, tzinfo=UTC))

    assert "| **1** | **0** |" in page  # the totals across suites
    assert "## Faults" in page and "## Replicas" in page
    assert "## Replicas\n\nThree replicas; *wait*: queued to shown in Slack.\n\n| what | figure |" in page
    assert "## Faults\n\n| what | figure |" in page  # no explanation given, none printed
    assert "| a \\| pipe | 3 |" in page  # a pipe in a cell does not break the table
    assert "2026-11-28 12:00 UTC" in page
    assert report.main([str(tmp_path), str(tmp_path / "out.md")]) == 1  # something was lost
    assert (tmp_path / "out.md").read_text(encoding="utf-8").startswith("# Reliability")


def test_nothing_is_written_without_a_report_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RELIABILITY_REPORT_DIR", raising=False)
    assert report.SuiteReport("x", "X").write() is None
    monkeypatch.setenv("RELIABILITY_SCALE", "FULL")
    assert report.scaled(short=1, full=2) == 2
    monkeypatch.setenv("RELIABILITY_SCALE", "bogus")
    assert report.scaled(short=1, full=2) == 1
