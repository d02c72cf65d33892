"""Ticket keys stay unique when two separate processes open tickets at the same moment on PostgreSQL."""

from __future__ import annotations

import asyncio
import os
import sys
from collections import Counter
from pathlib import Path

import pytest
from sqlmodel import select

from bot.sandbox.polling import eventually
from config.schema import WorkspaceConfig
from storage import directory
from storage.database import Database
from storage.migrate import upgrade
from storage.models import Ticket

ROOT = Path(__file__).resolve().parents[2]

# Each process opens its tickets concurrently, after waiting for the same start signal (a file).
OPENER = """
import asyncio, sys, time
from pathlib import Path
from datetime import UTC, datetime
from bot.runtime.clock import SystemClock
from bot.tickets.opening import Source, TicketRequest
from bot.runtime.services import Services
from bot.runtime.slack_client import SlackIdentity
from config.loader import EXAMPLE_PATH, load_workspace
from storage.database import Database

async def main(url: str, name: str, count: int, go: str) -> None:
    db = Database(url)
    service = Services.build(load_workspace(EXAMPLE_PATH), db, SystemClock(), SlackIdentity()).tickets
    async with db.engine.connect():
        pass  # connect before the start signal so both processes begin together
    Path(go + "." + name).touch()
    while not Path(go).exists():
        time.sleep(0.005)
    requests = [
        service.open_ticket(TicketRequest(text=f"refund {name} {i}", requester_id="U0ERIN", source=Source.COMMAND))
        for i in range(count)
    ]
    await asyncio.gather(*requests)
    await db.dispose()

asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]))
"""


@pytest.mark.postgres
@pytest.mark.parametrize("backend", ["postgres"])  # only PostgreSQL has concurrent writers
async def test_two_processes_never_share_a_ticket_number(
    database_url: str, workspace: WorkspaceConfig, tmp_path: Path
) -> None:
    db = Database(database_url)
    await upgrade(db)
    async with db.transaction() as session:
        await directory.sync_workspace(session, workspace)
    go = tmp_path / "go"
    script = tmp_path / "opener.py"
    script.write_text(OPENER)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    per_process = 25
    processes = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            str(script),
            database_url,
            name,
            str(per_process),
            str(go),
            env=env,
            cwd=ROOT,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        for name in ("a", "b")
    ]
    await eventually(
        lambda: all((tmp_path / f"go.{name}").exists() for name in ("a", "b")),
        timeout=60,
        interval=0.01,
        failure="the opener processes did not get ready",
    )
    go.touch()  # both are connected and waiting: start them together
    outputs = [await process.communicate() for process in processes]
    for process, (_, stderr) in zip(processes, outputs, strict=True):
        assert process.returncode == 0, stderr.decode()
    async with db.transaction() as session:
        tickets = (await session.exec(select(Ticket))).all()
    await db.dispose()
    keys = [t.key for t in tickets]
    assert len(keys) == 2 * per_process and len(set(keys)) == len(keys)
    assert sorted(t.number for t in tickets) == list(range(1, 2 * per_process + 1))
    owners = Counter(t.owner_id for t in tickets)
    assert owners == {"U0ALICE": per_process, "U0BOB": per_process}  # the round robin stays fair too
