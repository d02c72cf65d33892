"""``crossdesk sandbox`` as a newcomer runs it: a real process that prints its URL, serves the page and the bot,
stops everything on Ctrl-C, and picks up where it left off when started again."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx

from bot.sandbox.polling import eventually_blocking

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def _run_once(cwd: Path, port: int, *args: str, text: str) -> tuple[int, str, list[dict[str, object]]]:
    """Start the sandbox, post ``text`` in #intake, wait for the bot's card, Ctrl-C; (exit code, stderr, messages)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL", "CROSSDESK_"))}
    env["PYTHONPATH"] = str(ROOT)
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.runtime.cli", "sandbox", "--port", str(port), *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        assert process.stdout is not None
        announced = process.stdout.readline()  # blocks until the sandbox is up (or the process died)
        assert f"open {base}/" in announced, process.stderr.read() if process.stderr else ""
        page = httpx.get(f"{base}/", timeout=10)
        assert page.status_code == 200 and "Crossdesk" in page.text
        posted = httpx.post(
            f"{base}/sandbox/message", json={"as": "U0REQUESTER", "channel": "C0INTAKE", "text": text}, timeout=20
        )
        assert posted.json() == {"ok": True}

        def every_message_has_its_card() -> list[dict[str, Any]]:
            state = httpx.get(f"{base}/sandbox/state", params={"as": "U0REQUESTER", "channel": "C0INTAKE"}).json()
            found: list[dict[str, Any]] = state["messages"]
            return found if found and all(m["reply_count"] for m in found) else []

        messages = eventually_blocking(
            every_message_has_its_card, timeout=20, interval=0.05, failure=f"no card for {text!r}"
        )
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    return process.returncode, stderr, messages


def test_the_sandbox_stops_cleanly_on_ctrl_c_and_starts_again_where_it_was(tmp_path: Path) -> None:
    port = _free_port()
    code, stderr, messages = _run_once(tmp_path, port, "--reset", text="refund for ACME")
    assert code in (0, 130), stderr
    assert "Traceback" not in stderr, stderr
    assert _port_is_free(port)
    assert [m["text"] for m in messages] == ["refund for ACME"]
    assert (tmp_path / ".sandbox" / "crossdesk.db").exists()

    code, stderr, messages = _run_once(tmp_path, port, text="a second refund")
    assert code in (0, 130) and "Traceback" not in stderr, stderr
    assert [m["text"] for m in messages] == ["refund for ACME", "a second refund"]
    assert _port_is_free(port)


def test_the_sandbox_runs_with_the_database_as_the_configurations_source(tmp_path: Path) -> None:
    """``--config-source database``: the file seeds the database, so App Home's Admin view can edit the teams."""
    code, stderr, messages = _run_once(
        tmp_path, _free_port(), "--reset", "--config-source", "database", text="refund for ACME"
    )
    assert code in (0, 130), stderr
    assert messages and "the workspace file seeds the database" in stderr
    code, stderr, _ = _run_once(tmp_path, _free_port(), "--config-source", "database", text="another refund")
    assert code in (0, 130), stderr
    assert "running the configuration recorded in the database" in stderr
