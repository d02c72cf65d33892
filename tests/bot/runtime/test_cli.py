"""The ``crossdesk`` command as an operator runs it: real subprocesses, real exit codes and messages."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from config.loader import EXAMPLE_PATH
from storage.migrate import head_revision

ROOT = Path(__file__).resolve().parents[3]


def crossdesk(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL", "CROSSDESK_"))}
    clean.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "bot.runtime.cli", *args],
        capture_output=True,
        text=True,
        env=clean,
        cwd=cwd or ROOT,
        timeout=120,
        check=False,
    )


def test_check_config_accepts_the_example_with_a_one_line_summary() -> None:
    result = crossdesk("check-config", str(EXAMPLE_PATH))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("\n") == 1
    assert "OK — 3 departments (SUP, ENG, SALES)" in result.stdout


def test_check_config_lists_every_problem_with_its_line(tmp_path: Path) -> None:
    bad = tmp_path / "crossdesk.yaml"
    bad.write_text("triage_department: OPS\nadmins: [alice]\ndepartments:\n  - {key: SUP, name: S, owners: []}\n")
    result = crossdesk("check-config", str(bad))
    assert result.returncode == 1
    lines = result.stdout.strip().splitlines()
    assert f"error: {bad}:1: triage_department: unknown department OPS (known: SUP)" in lines
    assert any(line.startswith(f"error: {bad}:2: admins[0]:") for line in lines)
    assert f"error: {bad}:4: departments[SUP].owners: must not be empty" in lines
    assert len(lines) == 3


def broken_example(tmp_path: Path, line: int, old: str, new: str) -> Path:
    """The example file with one mistake a new admin makes on ``line`` (the example's own line numbers)."""
    lines = EXAMPLE_PATH.read_text(encoding="utf-8").splitlines(keepends=True)
    assert old in lines[line - 1], (line, lines[line - 1])
    lines[line - 1] = lines[line - 1].replace(old, new)
    bad = tmp_path / "crossdesk.yaml"
    bad.write_text("".join(lines), encoding="utf-8")
    return bad


def test_check_config_points_at_the_line_of_a_yaml_syntax_error(tmp_path: Path) -> None:
    # PyYAML notices the missing } only at the next key, three lines later (line 66).
    bad = broken_example(tmp_path, 63, '"18:00"}', '"18:00"')
    result = crossdesk("check-config", str(bad))
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"error: {bad}:63: not valid YAML: the '{{' on this line is not closed: add the missing '}}' "
        "(or a ',' between two entries)"
    ]


def test_check_config_reports_a_missing_required_key_as_missing_from_the_file(tmp_path: Path) -> None:
    bad = broken_example(tmp_path, 21, "triage_department: SUP", "")
    result = crossdesk("check-config", str(bad))
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"error: {bad}: triage_department: missing from the file (this key is required)"
    ]


def test_check_config_names_departments_by_key_in_plain_words(tmp_path: Path) -> None:
    bad = broken_example(tmp_path, 46, "owners: [U0ERIN]", "owners: []")
    result = crossdesk("check-config", str(bad))
    assert result.returncode == 1
    assert result.stdout.splitlines() == [f"error: {bad}:46: departments[SALES].owners: must not be empty"]
    bad = broken_example(tmp_path, 12, "language: en", "language: fr")
    result = crossdesk("check-config", str(bad))
    assert result.stdout.splitlines() == [f"error: {bad}:12: language: must be 'en' or 'zh' (not 'fr')"]


def test_check_config_without_a_file_says_how_to_start_from_the_example(tmp_path: Path) -> None:
    result = crossdesk("check-config", "crossdesk.yaml", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.splitlines()[0] == "error: crossdesk.yaml: file not found"
    assert f"  cp {EXAMPLE_PATH} crossdesk.yaml" in result.stdout.splitlines()


def test_run_names_each_missing_variable_and_exits_at_once(tmp_path: Path) -> None:
    result = crossdesk("run", cwd=tmp_path)
    assert result.returncode == 1
    assert "missing environment variable SLACK_BOT_TOKEN" in result.stderr
    assert "missing environment variable SLACK_SIGNING_SECRET" in result.stderr
    assert not (tmp_path / "crossdesk.db").exists()  # nothing was started or created


def test_run_with_a_bad_workspace_file_reports_it(tmp_path: Path) -> None:
    bad = tmp_path / "w.yaml"
    bad.write_text("departments: []\n")
    env = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "secret", "CROSSDESK_CONFIG": str(bad)}
    result = crossdesk("run", env=env, cwd=tmp_path)
    assert result.returncode == 1
    assert f"{bad}: triage_department: missing from the file (this key is required)" in result.stderr
    assert "xoxb-1" not in result.stderr + result.stdout


def test_run_refuses_a_user_token_and_a_bad_database_url(tmp_path: Path) -> None:
    env = {"SLACK_BOT_TOKEN": "xoxp-user", "SLACK_SIGNING_SECRET": "s", "DATABASE_URL": "mysql://x@y/z"}
    result = crossdesk("run", env=env, cwd=tmp_path)
    assert result.returncode == 1
    assert "SLACK_BOT_TOKEN must be a bot token starting with xoxb-" in result.stderr
    assert "DATABASE_URL must start with sqlite:// or postgresql://" in result.stderr


def test_socket_mode_needs_no_signing_secret(tmp_path: Path) -> None:
    env = {"SLACK_APP_TOKEN": "xapp-1", "CROSSDESK_CONFIG": str(tmp_path / "missing.yaml")}
    result = crossdesk("run", env=env, cwd=tmp_path)
    assert result.returncode == 1
    assert "SLACK_BOT_TOKEN" in result.stderr and "SLACK_SIGNING_SECRET" not in result.stderr
    assert "missing.yaml: file not found" in result.stderr


def test_migrate_then_export(tmp_path: Path) -> None:
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'c.db'}"}
    first = crossdesk("migrate", env=env, cwd=tmp_path)
    head = head_revision()
    assert first.returncode == 0 and f"migrated from empty to {head}" in first.stdout
    again = crossdesk("migrate", env=env, cwd=tmp_path)
    assert again.returncode == 0 and f"up to date (revision {head})" in again.stdout
    exported = crossdesk("export", "--format", "json", env=env, cwd=tmp_path)
    assert exported.returncode == 0 and json.loads(exported.stdout) == []
    csv_file = tmp_path / "tickets.csv"
    as_csv = crossdesk("export", "--output", str(csv_file), env=env, cwd=tmp_path)
    assert as_csv.returncode == 0
    assert csv_file.read_text().startswith("key,department_key,status,priority,owner_id")
    missing = crossdesk("export", "--history", "sup-9", env=env, cwd=tmp_path)
    assert missing.returncode == 1 and missing.stderr == "error: no ticket SUP-9\n" and missing.stdout == ""


def test_sandbox_refuses_a_port_that_cannot_exist() -> None:
    """The sandbox itself is tested in tests/sandbox/test_cli_sandbox.py (it runs until Ctrl-C)."""
    result = crossdesk("sandbox", "--port", "70000")
    assert result.returncode == 2
    assert "--port must be between 0 and 65535" in result.stderr


@pytest.mark.parametrize("args", [["--help"], ["run", "--help"], ["check-config", "--help"]])
def test_help(args: list[str]) -> None:
    result = crossdesk(*args)
    assert result.returncode == 0 and "usage: crossdesk" in result.stdout


def test_database_problems_are_one_line_without_the_password(tmp_path: Path) -> None:
    env = {"DATABASE_URL": "postgresql://nobody:hunter2secret@127.0.0.1:1/none"}
    result = crossdesk("migrate", env=env, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith("error: cannot use the database (postgresql://nobody:***@127.0.0.1:1/none)")
    assert "Traceback" not in result.stderr and "hunter2secret" not in result.stderr
    run = crossdesk("run", env={**env, "SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"}, cwd=tmp_path)
    assert run.returncode == 1 and "error: cannot use the database" in run.stderr
    assert "Traceback" not in run.stderr and "hunter2secret" not in run.stderr
    assert "using the bundled example" in run.stderr
