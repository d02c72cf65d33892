"""SQLite statements run on the event loop's own thread, for SQLAlchemy's ``sqlite+aiosqlite`` dialect.

aiosqlite runs every statement on a worker thread and wakes the event loop when it is done. A statement on a
local SQLite file takes microseconds; the hop to the thread and back, and the two threads handing the GIL to
each other, took longer than the statements themselves: under load the profile showed the loop idle a third
of the time, every request waiting for the one transaction in flight to come back from its thread (see
docs/benchmarks.md). This connection has the interface SQLAlchemy's dialect expects of an aiosqlite
connection (coroutines for execute, fetch, commit, …) but does the work at once, so a statement costs a
function call.

What must never block the loop is waiting for a lock: the file is opened with a busy timeout of zero, and a
statement that finds the database locked (another process is writing) waits with ``asyncio.sleep`` and tries
again, up to ``busy_timeout`` seconds, instead of sleeping inside SQLite. Statements that take long (the
daily digest's reports over a large table) do hold the loop for as long as they run; every query on a hot
path is indexed (the scale figures in docs/benchmarks.md are the cost).
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any

# The first waits are short (a writer's transaction takes a millisecond or two); later ones back off.
_FIRST_WAIT = 0.001
_LONGEST_WAIT = 0.05


def _is_locked(error: sqlite3.OperationalError) -> bool:
    text = str(error).lower()
    return "database is locked" in text or "database table is locked" in text or "busy" in text


async def _retrying(work: Callable[[], Any], busy_timeout: float) -> Any:
    """``work()``, again after a short asynchronous wait for as long as the database is locked."""
    deadline: float | None = None
    wait = _FIRST_WAIT
    while True:
        try:
            return work()
        except sqlite3.OperationalError as error:
            if not _is_locked(error):
                raise
            now = time.monotonic()
            if deadline is None:
                deadline = now + busy_timeout
            if now >= deadline:
                raise
            await asyncio.sleep(min(wait, deadline - now))
            wait = min(wait * 2, _LONGEST_WAIT)


class InlineCursor:
    """An aiosqlite-shaped cursor over a ``sqlite3`` cursor."""

    def __init__(self, cursor: sqlite3.Cursor, busy_timeout: float) -> None:
        self._cursor = cursor
        self._busy_timeout = busy_timeout

    async def __aenter__(self) -> InlineCursor:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        self._cursor.close()

    async def execute(self, sql: str, parameters: Sequence[Any] | None = None) -> InlineCursor:
        if parameters is None:
            await _retrying(lambda: self._cursor.execute(sql), self._busy_timeout)
        else:
            await _retrying(lambda: self._cursor.execute(sql, parameters), self._busy_timeout)
        return self

    async def executemany(self, sql: str, parameters: Iterable[Sequence[Any]]) -> InlineCursor:
        rows = list(parameters)  # an iterator could not be replayed after a locked database
        await _retrying(lambda: self._cursor.executemany(sql, rows), self._busy_timeout)
        return self

    async def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    async def fetchone(self) -> Any:
        return self._cursor.fetchone()

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        return self._cursor.fetchmany(size if size is not None else self._cursor.arraysize)

    async def close(self) -> None:
        self._cursor.close()

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    @property
    def arraysize(self) -> int:
        return self._cursor.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._cursor.arraysize = value


class _RunNow:
    """Stands in for aiosqlite's queue of work for its thread: SQLAlchemy's dialect puts the change of
    ``isolation_level`` there as ``(future, function)``; here it is done at once."""

    def put_nowait(self, item: tuple[asyncio.Future[Any], Callable[[], Any]]) -> None:
        future, function = item
        try:
            future.set_result(function())
        except Exception as error:
            future.set_exception(error)


class InlineConnection:
    """An aiosqlite-shaped connection whose coroutines run their statement before they return."""

    def __init__(self, connection: sqlite3.Connection, busy_timeout: float) -> None:
        self._conn = connection
        self._connection: sqlite3.Connection | None = connection  # None once closed, as in aiosqlite
        self._tx = _RunNow()
        self._busy_timeout = busy_timeout

    @property
    def isolation_level(self) -> str | None:
        return self._conn.isolation_level

    def cursor(self) -> InlineCursor:
        return InlineCursor(self._conn.cursor(), self._busy_timeout)

    async def create_function(self, *args: Any, **kwargs: Any) -> None:
        self._conn.create_function(*args, **kwargs)

    async def commit(self) -> None:
        await _retrying(self._conn.commit, self._busy_timeout)

    async def rollback(self) -> None:
        self._conn.rollback()

    async def close(self) -> None:
        if self._connection is not None:
            self._connection = None
            self._conn.close()

    def stop(self) -> None:
        """Close at once (SQLAlchemy's terminate)."""
        if self._connection is not None:
            self._connection = None
            self._conn.close()


def inline_creator(path: str, busy_timeout: float, uri: bool = False) -> Callable[[], Any]:
    """The ``async_creator`` for ``create_async_engine``: a new inline connection to ``path`` per call."""

    async def connect() -> InlineConnection:
        # check_same_thread=False: the pool may close a connection from a garbage collector's thread.
        raw = sqlite3.connect(path, timeout=0, isolation_level=None, check_same_thread=False, uri=uri)
        return InlineConnection(raw, busy_timeout)

    return connect
