"""Starting, pinning, watching and stopping the processes of a benchmark run.

With two or more cores the server under test runs alone on core 0 (``taskset -c 0``) and the stand-in and
the load generator share core 1, so the figures are one core's capacity. On one core nothing is pinned.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from sqlalchemy.engine import make_url

from bench.standin import BOT_TOKEN
from bot.sandbox.polling import NotYet, eventually_blocking
from bot.sandbox.slack_requests import SIGNING_SECRET
from config.loader import EXAMPLE_PATH

SERVER_CORE = 0
LOAD_CORE = 1


def pinning() -> bool:
    return (os.cpu_count() or 1) >= 2 and shutil.which("taskset") is not None


def pin_self() -> None:
    """The load generator (this process) goes to the load core."""
    if pinning():
        os.sched_setaffinity(0, {LOAD_CORE})


def _pinned(command: list[str], core: int) -> list[str]:
    return ["taskset", "-c", str(core), *command] if pinning() else command


@dataclass
class Process:
    name: str
    popen: subprocess.Popen[str]
    url: str

    @property
    def pid(self) -> int:
        return self.popen.pid

    def memory_mb(self) -> tuple[float, float]:
        """(resident now, peak resident) in MB, from /proc."""
        now = peak = 0.0
        try:
            for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    now = int(line.split()[1]) / 1024
                elif line.startswith("VmHWM:"):
                    peak = int(line.split()[1]) / 1024
        except OSError:
            pass
        return now, peak

    def cpu_seconds(self) -> float:
        """User + system CPU time of the process so far, from /proc/<pid>/stat."""
        try:
            fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        ticks = os.sysconf("SC_CLK_TCK")
        return (int(fields[11]) + int(fields[12])) / ticks

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()


def _start(name: str, command: list[str], core: int, env: dict[str, str] | None = None) -> Process:
    """Start a process that prints ``{"port": N}`` when it listens (the stand-in and the floors do)."""
    popen = subprocess.Popen(  # noqa: S603 - our own modules, no shell
        _pinned(command, core), stdout=subprocess.PIPE, text=True, env=env
    )
    assert popen.stdout is not None
    line = popen.stdout.readline()
    if not line:
        raise RuntimeError(f"{name} exited before it listened (exit code {popen.wait()})")
    port = int(json.loads(line)["port"])
    return Process(name, popen, f"http://127.0.0.1:{port}")


def start_standin() -> Process:
    return _start("stand-in", [sys.executable, "-m", "bench.standin"], LOAD_CORE)


def start_floor(kind: str, api_url: str, settled: bool = False) -> Process:
    command = [sys.executable, "-m", "bench.floors", kind, "--api-url", api_url, *(["--settled"] if settled else [])]
    return _start(f"{kind} floor", command, SERVER_CORE)


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_bot(database_url: str, api_url: str, workdir: Path) -> Process:
    """``crossdesk run`` in HTTP mode, as an operator starts it."""
    port = free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SLACK_", "DATABASE_URL", "CROSSDESK_", "PORT", "HOST", "LOG_"))
    }
    env.update(
        {
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": api_url,
            "DATABASE_URL": database_url,
            "CROSSDESK_CONFIG": str(EXAMPLE_PATH),
            "HOST": "127.0.0.1",
            "PORT": str(port),
            "LOG_LEVEL": "WARNING",
        }
    )
    command = [sys.executable, "-m", "bot.runtime.cli", "run"]
    popen = subprocess.Popen(  # noqa: S603
        _pinned(command, SERVER_CORE), env=env, cwd=workdir, text=True, stdout=subprocess.DEVNULL
    )
    process = Process("bot", popen, f"http://127.0.0.1:{port}")
    wait_healthy(process, timeout=60)
    return process


def wait_healthy(process: Process, timeout: float = 30) -> None:
    """Until ``process`` answers ``/healthz``; a process that exits first fails at once."""

    def healthy() -> bool:
        if process.popen.poll() is not None:
            raise RuntimeError(f"{process.name} exited with {process.popen.returncode} before it was healthy")
        try:
            return httpx.get(f"{process.url}/healthz", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    try:
        eventually_blocking(healthy, timeout=timeout, interval=0.1)
    except NotYet:
        raise RuntimeError(f"{process.name} was not healthy within {timeout}s") from None


@contextmanager
def postgres_database(admin_url: str) -> Iterator[str]:
    """A throwaway PostgreSQL database next to ``admin_url`` (``TEST_POSTGRES_URL``), dropped afterwards."""
    import asyncio

    import asyncpg  # type: ignore[import-untyped]

    url = make_url(admin_url)
    name = f"crossdesk_bench_{uuid.uuid4().hex[:12]}"

    async def execute(statement: str) -> None:
        connection = await asyncpg.connect(
            host=url.host or "127.0.0.1",
            port=url.port or 5432,
            user=url.username or "postgres",
            password=url.password,
            database=url.database or "postgres",
            timeout=10,
        )
        try:
            await connection.execute(statement)
        finally:
            await connection.close()

    asyncio.run(execute(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        asyncio.run(execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
