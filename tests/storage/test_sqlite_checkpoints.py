"""WAL checkpoints run on their own thread (storage/sqlite_checkpoints.py), never inside a commit on the loop."""

from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path

from sqlalchemy import text

from bot.sandbox.polling import eventually_blocking
from storage.database import Database
from storage.sqlite_checkpoints import WalCheckpointer


def grown_database(path: Path, rows: int) -> sqlite3.Connection:
    """A WAL database with automatic checkpoints off and ``rows`` rows written since its last checkpoint."""
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA wal_autocheckpoint=0")
    connection.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.executemany("INSERT INTO notes (body) VALUES (?)", [("x" * 500,) for _ in range(rows)])
    return connection


def test_a_log_past_the_threshold_is_checkpointed_from_the_thread(tmp_path: Path) -> None:
    database = tmp_path / "grown.db"
    writer = grown_database(database, rows=2000)
    size_before = os.stat(database).st_size
    checkpointer = WalCheckpointer(str(database), threshold_bytes=64 * 1024, interval=0.01)
    checkpointer.start()
    try:
        eventually_blocking(lambda: checkpointer.checkpoints >= 1, failure="no checkpoint from the thread")
    finally:
        checkpointer.stop()
    # The pages went into the database file, and the writer itself never checkpointed.
    assert os.stat(database).st_size > size_before + 500 * 1000
    assert writer.execute("SELECT count(*) FROM notes").fetchone() == (2000,)
    writer.close()


def test_a_small_log_is_left_alone(tmp_path: Path) -> None:
    database = tmp_path / "small.db"
    writer = grown_database(database, rows=10)
    checkpointer = WalCheckpointer(str(database), threshold_bytes=1 << 30)
    assert checkpointer.turn() is False and checkpointer.checkpoints == 0
    writer.executemany("INSERT INTO notes (body) VALUES (?)", [("x" * 500,) for _ in range(200)])
    checkpointer = WalCheckpointer(str(database), threshold_bytes=64 * 1024)
    assert checkpointer.turn() is True and checkpointer.checkpoints == 1
    writer.close()


def test_stopping_checkpoints_once_more_and_ends_the_thread(tmp_path: Path) -> None:
    database = tmp_path / "stopped.db"
    writer = grown_database(database, rows=10)
    checkpointer = WalCheckpointer(str(database), threshold_bytes=1 << 30, interval=0.01)
    checkpointer.start()
    eventually_blocking(lambda: checkpointer.turns > 0, failure="the thread never took a turn")
    checkpointer.stop()
    assert checkpointer.checkpoints == 1
    assert not any(thread.name == "crossdesk-sqlite-checkpoints" for thread in threading.enumerate())
    writer.close()


def test_a_database_that_does_not_exist_yet_is_waited_for_not_created(tmp_path: Path) -> None:
    missing = tmp_path / "later.db"
    checkpointer = WalCheckpointer(str(missing))
    assert checkpointer.turn() is False
    assert not missing.exists() and checkpointer.checkpoints == 0


async def test_the_bots_connections_leave_checkpoints_to_the_thread(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'bot.db'}")
    try:
        async with db.transaction() as session:
            connection = await session.connection()
            assert (await connection.execute(text("PRAGMA wal_autocheckpoint"))).scalar_one() == 0
            assert (await connection.execute(text("PRAGMA journal_mode"))).scalar_one() == "wal"
        assert any(thread.name == "crossdesk-sqlite-checkpoints" for thread in threading.enumerate())
    finally:
        await db.dispose()
