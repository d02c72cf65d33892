"""The Makefile as an operator uses it: options reach the command, and a first `make check-config` says how to begin.

Each test runs the real Makefile from an empty directory (``make -f … -C tmp``), with ``BIN`` pointing at a
stand-in ``crossdesk`` and ``STAMP`` at a fresh file, so nothing is installed and nothing real is started.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from config.loader import EXAMPLE_PATH

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs make")


def make(tmp_path: Path, *arguments: str, crossdesk: str, env: dict[str, str] | None = None) -> str:
    """Run ``make`` in ``tmp_path`` with ``crossdesk`` (a shell script body) as the installed command."""
    work = tmp_path / "work"
    bin_dir = tmp_path / "bin"
    work.mkdir()
    bin_dir.mkdir()
    (work / "pyproject.toml").touch()
    stamp = tmp_path / "installed"
    stamp.touch()  # newer than pyproject.toml: the venv counts as installed
    os.utime(work / "pyproject.toml", (0, 0))
    script = bin_dir / "crossdesk"
    script.write_text(f"#!/bin/sh\n{crossdesk}\n")
    script.chmod(0o755)
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "CROSSDESK_", "MAKE"))}
    result = subprocess.run(
        ["make", "-s", "-f", str(ROOT / "Makefile"), "-C", str(work), f"BIN={bin_dir}", f"STAMP={stamp}", *arguments],
        capture_output=True,
        text=True,
        env={**clean, "PYTHONPATH": str(ROOT), **(env or {})},
        timeout=120,
        check=False,
    )
    return result.stdout + result.stderr


ECHO = 'echo crossdesk "$@"'


def test_make_run_passes_args_to_the_sandbox(tmp_path: Path) -> None:
    output = make(tmp_path, "run", "ARGS=--port 9000 --reset", crossdesk=ECHO)
    assert output.splitlines() == ["crossdesk sandbox --port 9000 --reset"]


def test_make_run_passes_args_to_the_bot(tmp_path: Path) -> None:
    output = make(tmp_path, "run", "ARGS=--help", crossdesk=ECHO, env={"SLACK_BOT_TOKEN": "xoxb-test"})
    assert output.splitlines() == ["crossdesk run --help"]


def test_make_run_without_args_runs_the_plain_command(tmp_path: Path) -> None:
    assert make(tmp_path, "run", crossdesk=ECHO).splitlines() == ["crossdesk sandbox"]


def test_make_check_config_without_a_file_says_how_to_start_from_the_example(tmp_path: Path) -> None:
    output = make(tmp_path, "check-config", crossdesk=f'exec "{sys.executable}" -m bot.runtime.cli "$@"')
    assert "error: crossdesk.yaml: file not found" in output
    assert f"  cp {EXAMPLE_PATH} crossdesk.yaml" in output.splitlines()
