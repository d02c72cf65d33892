"""SQLite's WAL checkpoints on a thread of their own, so the event loop never waits for one.

By default SQLite checkpoints inside the commit that takes the write-ahead log past 1,000 pages: that commit
copies the log's pages into the database file and syncs the file, and here commits run on the event loop's
thread (:mod:`storage._sqlite_inline`). Measured on the bench machine, eight tickets to a commit: commits took
0.16 ms at the median and 23 ms at the 99th percentile — while one of them checkpointed, every request in
flight waited for the disk. See docs/benchmarks.md.

The bot's connections therefore turn automatic checkpoints off (``PRAGMA wal_autocheckpoint=0``, set in
:mod:`storage.database`) and :class:`WalCheckpointer` runs a ``PASSIVE`` checkpoint from a thread whenever the
log has grown past the size SQLite would have checkpointed at. A passive checkpoint never blocks a writer or
a reader (it copies what no reader still needs and leaves the rest for the next one), and ``sqlite3`` lets go
of the GIL while SQLite works, so the loop keeps answering requests. Durability is unchanged: with
``synchronous=NORMAL`` the log is synced at checkpoints, wherever they run.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading

log = logging.getLogger(__name__)

# SQLite's own default: a checkpoint once the log holds 1,000 pages (of 4 KiB).
DEFAULT_THRESHOLD_BYTES = 1000 * 4096


class WalCheckpointer:
    """Checkpoints one SQLite database's write-ahead log from a daemon thread while it runs.

    ``database`` is what ``sqlite3.connect`` takes (a path, or a ``file:`` URI with ``uri=True``). Started with
    :meth:`start`, stopped with :meth:`stop` (which checkpoints once more); a database that does not exist yet
    is waited for.
    """

    def __init__(
        self,
        database: str,
        *,
        uri: bool = False,
        threshold_bytes: int = DEFAULT_THRESHOLD_BYTES,
        interval: float = 0.2,
    ) -> None:
        self._database = database
        self._uri = uri
        self._threshold = threshold_bytes
        self._interval = interval
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._wal_path: str | None = None
        self._connection: sqlite3.Connection | None = None  # used by one thread at a time: the checkpoints' own
        self.turns = 0  # how many looks the thread took, and how many checkpoints ran (for tests and curiosity)
        self.checkpoints = 0

    def start(self) -> None:
        if self._thread is None:
            self._stopping.clear()  # started again after a stop
            self._thread = threading.Thread(target=self._run, name="crossdesk-sqlite-checkpoints", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=10)
        self._thread = None

    def turn(self) -> bool:
        """One look: checkpoint if the log has grown past the threshold. Whether a checkpoint ran."""
        self._connection = self._connection or self._connect()
        if self._connection is None or self._wal_size() < self._threshold:
            return False
        return self._checkpoint(self._connection)

    def _run(self) -> None:
        failing = False
        try:
            while not self._stopping.wait(self._interval):
                try:
                    self.turn()
                    failing = False
                    self.turns += 1
                except Exception:  # keep going: a thread that died would let the log grow without end
                    if not failing:
                        log.exception("SQLite checkpoint failed; trying again")
                    failing = True
            if self._connection is not None:
                self._checkpoint(self._connection)
        finally:
            if self._connection is not None:
                self._connection.close()
                self._connection = None

    def _connect(self) -> sqlite3.Connection | None:
        """A connection of its own, once the database file exists (the first migration creates it)."""
        if not self._uri and not os.path.exists(self._database):
            return None
        connection = sqlite3.connect(
            self._database, uri=self._uri, timeout=0, isolation_level=None, check_same_thread=False
        )
        files = {name: path for _, name, path in connection.execute("PRAGMA database_list")}
        self._wal_path = f"{files['main']}-wal" if files.get("main") else None
        return connection

    def _wal_size(self) -> int:
        if self._wal_path is None:
            return 0
        try:
            return os.stat(self._wal_path).st_size
        except FileNotFoundError:
            return 0

    def _checkpoint(self, connection: sqlite3.Connection) -> bool:
        try:
            connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        except sqlite3.OperationalError as error:  # another checkpoint is running: the next turn will do
            log.debug("SQLite checkpoint skipped: %s", error)
            return False
        self.checkpoints += 1
        return True
