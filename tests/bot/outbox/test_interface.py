"""The outbox's one door (``bot.outbox.interface``): a queue-only outbox writes pending rows and nothing else, a
failed transaction queues nothing, and no module outside ``bot/outbox`` reaches past the door."""

from __future__ import annotations

import ast
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import col, select

from bot.outbox.interface import QueueOnly
from bot.surfaces.ids import OutboxPurpose
from storage.database import Database
from storage.models import OutboxMessage
from storage.outbox import Call

ROOT = Path(__file__).resolve().parents[3]
NOW = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
# The app assembly builds and runs the sender; everything else sees the outbox through its interface.
ASSEMBLY = {"bot/runtime/services.py": {"sender"}, "bot/runtime/app.py": {"sender"}}
THE_DOOR = {"interface", "writer"}


def _calls() -> list[Call]:
    card = Call("chat.postMessage", {"channel": "C0SUPPORT"}, OutboxPurpose.CARD.value)
    dm = Call("chat.postMessage", {"channel": "U0ALICE", "text": "yours"}, OutboxPurpose.NOTICE.value, after=card)
    return [card, dm]


async def _rows(db: Database) -> list[OutboxMessage]:
    async with db.transaction() as session:
        return list((await session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id)))).all())


async def test_a_queue_only_outbox_writes_pending_rows_for_a_running_bot_to_send(db: Database) -> None:
    outbox = QueueOnly(db)
    async with outbox.committing() as commit:
        await commit.queue(_calls(), NOW)
    outbox.wake()  # nothing here sends; it must not fail either
    await outbox.run()  # returns at once
    card, dm = await _rows(db)
    assert (card.status, card.claimed_until, card.attempts) == ("pending", None, 0)
    assert (dm.status, dm.depends_on_id) == ("pending", card.id)
    assert [row.id for row in commit.rows] == [card.id, dm.id]


async def test_a_transaction_that_fails_queues_nothing(db: Database) -> None:
    with pytest.raises(RuntimeError):
        async with QueueOnly(db).committing() as commit:
            await commit.queue(_calls(), NOW)
            raise RuntimeError("the change was refused after its messages were queued")
    assert await _rows(db) == []


def _outbox_modules_imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module == "bot.outbox":
                names.update(alias.name for alias in node.names)
            elif node.module.startswith("bot.outbox."):
                names.add(node.module.split(".")[2])
        elif isinstance(node, ast.Import):
            names.update(a.name.split(".")[2] for a in node.names if a.name.startswith("bot.outbox."))
    return names


def test_nothing_outside_the_outbox_reaches_past_its_interface() -> None:
    """Leases, outcomes, how rows are handed over and what rides along on SQLite are the outbox's own business."""
    trespassers: dict[str, set[str]] = {}
    for package in ("bot", "handlers"):
        for path in sorted((ROOT / package).rglob("*.py")):
            name = path.relative_to(ROOT).as_posix()
            if name.startswith("bot/outbox/"):
                continue
            beyond = _outbox_modules_imported(path) - THE_DOOR - ASSEMBLY.get(name, set())
            if beyond or ".is_sqlite" in path.read_text(encoding="utf-8"):
                trespassers[name] = beyond or {"is_sqlite"}
    assert trespassers == {}
