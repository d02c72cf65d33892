"""``crossdesk sandbox`` as a newcomer runs it: a real process that prints its URL, serves the page and the bot,
and stops everything on Ctrl-C."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import httpx

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


def test_the_sandbox_serves_the_page_and_stops_cleanly_on_ctrl_c(tmp_path: Path) -> None:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL", "CROSSDESK_"))}
    env["PYTHONPATH"] = str(ROOT)
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "sandbox", "--port", str(port), "--reset"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        announced = process.stdout.readline()  # blocks until the sandbox is up (or the process died)
        assert f"open http://127.0.0.1:{port}/" in announced, process.stderr.read() if process.stderr else ""
        page = httpx.get(f"http://127.0.0.1:{port}/", timeout=10)
        assert page.status_code == 200 and "Crossdesk" in page.text
        posted = httpx.post(
            f"http://127.0.0.1:{port}/sandbox/message",
            json={"as": "U0REQUESTER", "channel": "C0INTAKE", "text": "refund for ACME"},
            timeout=20,
        )
        assert posted.json() == {"ok": True}
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode in (0, 130), stderr
    assert "Traceback" not in stderr, stderr
    assert _port_is_free(port)
    assert (tmp_path / ".sandbox" / "crossdesk.db").exists()
