"""``.ci/run`` as CI runs it: lint, the whole suite, then every SQLite test again with the fast path switched off.

The script runs for real from the project's root with stand-ins for ``make`` and the PostgreSQL tools first on
``PATH``; each stand-in records how it was called and with which switch, and nothing is linted or tested.
"""

from __future__ import annotations

import os
import shlex
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RECORD = 'printf "%s|%s|%s\\n" "${CROSSDESK_SQLITE_FAST_PATH-unset}" "${TEST_POSTGRES_URL-unset}" "$*" >> "$LOG"'


def test_ci_runs_the_suite_again_on_sqlite_with_the_fast_path_off(tmp_path: Path) -> None:
    bin_dir, log = tmp_path / "bin", tmp_path / "calls.log"
    bin_dir.mkdir()
    for tool in ("make", "pg_isready", "pg_ctlcluster", "apt-get"):
        (bin_dir / tool).write_text(f"#!/bin/sh\n{RECORD if tool == 'make' else ''}\nexit 0\n")
        (bin_dir / tool).chmod(0o755)
    environment = {key: value for key, value in os.environ.items() if key != "CROSSDESK_SQLITE_FAST_PATH"}
    environment.update(PATH=f"{bin_dir}:{os.environ['PATH']}", LOG=str(log), TEST_POSTGRES_URL="postgresql://pg/test")
    done = subprocess.run(
        [str(ROOT / ".ci" / "run")], capture_output=True, text=True, env=environment, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr

    calls = [line.split("|", 2) for line in log.read_text().splitlines()]
    assert [arguments for _, _, arguments in calls][:1] == ["lint"]
    tests = [(switch, postgres, arguments) for switch, postgres, arguments in calls if arguments.startswith("test")]
    assert len(tests) == 2
    (first_switch, first_postgres, first), (second_switch, second_postgres, second) = tests
    # First the whole suite on the fast path, PostgreSQL included.
    assert (first_switch, first_postgres) == ("on", "postgresql://pg/test")
    assert "-m" not in shlex.split(first) and "--ignore" not in first
    # Then every SQLite test with the switch off: only the PostgreSQL tests and the browser are left out.
    assert (second_switch, second_postgres) == ("off", "")
    pytest_arguments = shlex.split(second.removeprefix("test PYTEST_ARGS="))
    assert pytest_arguments[pytest_arguments.index("-m") + 1] == "not postgres"
    assert [a for a in pytest_arguments if a.startswith("--ignore")] == ["--ignore=tests/browser"]
    assert not [a for a in pytest_arguments if a.startswith("tests/") or a in ("-k", "-x")]
