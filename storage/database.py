"""The async engines, transactions that write and sessions that only read, on SQLite (default, WAL) and
PostgreSQL alike."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession

from config.settings import sqlite_fast_path_from_environment
from storage._sqlite_inline import inline_creator
from storage.sqlite_checkpoints import WalCheckpointer

SQLITE_BUSY_TIMEOUT_MS = 30_000
# PostgreSQL's SQLSTATE for a write refused in a read-only transaction; SQLite says "attempt to write a readonly
# database" (SQLITE_READONLY) when ``PRAGMA query_only`` is on.
_PG_READ_ONLY_TRANSACTION = "25006"


def is_unavailable(error: BaseException) -> bool:
    """Whether ``error`` means the database could not be reached or used just now (worth retrying later)."""
    return isinstance(error, OperationalError | InterfaceError | PoolTimeout | ConnectionError | OSError) or (
        isinstance(error, DBAPIError) and error.connection_invalidated
    )


def is_database_error(error: BaseException) -> bool:
    """Any failure talking to the database: unreachable, refused login, missing database, bad SQL state."""
    return is_unavailable(error) or isinstance(error, DBAPIError)


class DatabaseUrlError(ValueError):
    """``DATABASE_URL`` names a database we cannot use."""


class WriteInRead(RuntimeError):
    """Something inside :meth:`Database.read` tried to write: a bug in the caller, whose work belongs in
    :meth:`Database.transaction`. Raised instead of the database's own refusal, which would otherwise pass for an
    outage (a 503, and Slack retrying a request that can never succeed)."""


def refused_as_read_only(error: DBAPIError) -> bool:
    """Whether the database refused ``error``'s statement because the transaction or connection only reads."""
    original = error.orig
    if getattr(original, "sqlstate", None) == _PG_READ_ONLY_TRANSACTION:
        return True
    return "readonly database" in str(original).lower()


def async_url(url: str) -> URL:
    """Turn the URL an operator writes (``sqlite:///x.db``, ``postgresql://u@h/db``) into an async one.

    An explicit ``+aiosqlite`` or ``+asyncpg`` is kept; any other driver is refused with a reason rather
    than failing later with an import error.
    """
    try:
        parsed = make_url(url)
    except Exception as error:  # sqlalchemy raises ArgumentError with an unhelpful text
        raise DatabaseUrlError(f"DATABASE_URL {url!r} is not a database URL: {error}") from None
    backend, _, driver = parsed.drivername.partition("+")
    if backend == "postgres":
        backend = "postgresql"
    wanted = {"sqlite": "aiosqlite", "postgresql": "asyncpg"}.get(backend)
    if wanted is None:
        raise DatabaseUrlError(f"DATABASE_URL must start with sqlite:// or postgresql:// (got {backend}://)")
    if driver and driver != wanted:
        raise DatabaseUrlError(f"DATABASE_URL driver +{driver} is not supported; leave it out or use +{wanted}")
    return parsed.set(drivername=f"{backend}+{wanted}")


def is_sqlite(url: URL) -> bool:
    return url.get_backend_name() == "sqlite"


def sqlite_file(url: URL) -> tuple[str, bool]:
    """The file a SQLite URL names, and whether it is a ``file:`` URI (``?uri=true``)."""
    database = url.database or ""
    if database in ("", ":memory:"):
        raise DatabaseUrlError("an in-memory SQLite database cannot be shared; use sqlite:///path/to/file.db")
    return database, str(url.query.get("uri", "")).lower() in ("true", "1")


def create_engine(
    url: str,
    *,
    pool_size: int = 10,
    max_overflow: int | None = None,
    connect_timeout: float = 10.0,
    echo: bool = False,
    sqlite_fast_path: bool = True,
) -> AsyncEngine:
    """An engine tuned for its backend.

    SQLite gets WAL (readers see the last commit while a write is under way), foreign keys, and ``BEGIN
    IMMEDIATE`` so a transaction takes the write lock when it starts instead of failing halfway when it first
    writes: SQLite allows one writer, and this makes it wait its turn rather than deadlock. This engine is the
    writer's; reads have one of their own (:func:`create_read_engine`), so they never wait for it. On the fast
    path (``sqlite_fast_path``) its statements run on the event loop's thread (:mod:`storage._sqlite_inline`),
    which waits for a lock with asyncio; off it, plain aiosqlite runs them on its worker thread, where SQLite's own
    busy timeout waits.

    PostgreSQL gets a pool of ``pool_size`` connections plus ``max_overflow`` (default: as many again), a
    check before each checkout (a connection the server or a proxy dropped is replaced, not failed on),
    and a short connect timeout so an unreachable server fails a request instead of holding it.
    """
    parsed = async_url(url)
    if is_sqlite(parsed):
        busy_timeout = SQLITE_BUSY_TIMEOUT_MS / 1000
        if sqlite_fast_path:
            database, uri = sqlite_file(parsed)
            engine = create_async_engine(
                parsed, echo=echo, async_creator=inline_creator(database, busy_timeout, uri=uri)
            )
            # Zero: a locked database must not be waited for inside SQLite, on the event loop's thread; the
            # connection waits with asyncio instead (storage/_sqlite_inline.py).
            _tune_sqlite(engine, busy_timeout_ms=0)
        else:
            sqlite_file(parsed)  # the same refusal of an in-memory database
            engine = create_async_engine(parsed, echo=echo, connect_args={"timeout": busy_timeout})
            _tune_sqlite(engine, busy_timeout_ms=SQLITE_BUSY_TIMEOUT_MS)
        return engine
    return create_async_engine(
        parsed,
        echo=echo,
        pool_size=pool_size,
        max_overflow=pool_size if max_overflow is None else max_overflow,
        pool_pre_ping=True,
        pool_timeout=connect_timeout,
        connect_args={"timeout": connect_timeout},
    )


def _tune_sqlite(engine: AsyncEngine, *, busy_timeout_ms: int) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control from the driver so "begin" below decides how a transaction starts.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        # Checkpoints run on a thread of their own (storage/sqlite_checkpoints.py), not inside a commit on the loop.
        cursor.execute("PRAGMA wal_autocheckpoint=0")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def create_read_engine(url: URL, *, echo: bool = False, pool_size: int = 5) -> AsyncEngine:
    """SQLite's engine for :meth:`Database.read`: plain aiosqlite, every connection ``PRAGMA query_only=ON``, every
    transaction a deferred ``BEGIN``.

    Its own pool, so a read never waits for a connection the writer holds. A deferred ``BEGIN`` takes no lock:
    under WAL the transaction's first statement fixes the snapshot it reads (the last commit), and every later
    statement in it reads the same one, whatever commits meanwhile. ``query_only`` makes SQLite refuse any write
    on these connections. Statements run on aiosqlite's worker thread, where SQLite lets go of the GIL: a long
    read (the digest's reports over a large table) leaves the event loop free to answer requests and write,
    where on the loop's own thread (:mod:`storage._sqlite_inline`, the writer's fast path) it would hold it.
    """
    sqlite_file(url)
    engine = create_async_engine(
        url,
        echo=echo,
        pool_size=pool_size,
        connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
    )

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # "begin" below starts every transaction
        cursor = dbapi_connection.cursor()
        # A reader waits for a lock only in SQLite's rare moments (a log being recovered), on its worker thread.
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA query_only=ON")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN")

    return engine


class Database:
    """Owns the engines; hands out one session per unit of work: :meth:`transaction` for work that writes,
    :meth:`read` for work that only reads.

    ``sqlite_fast_path`` (default: ``CROSSDESK_SQLITE_FAST_PATH``, on unless set to ``off``) chooses how SQLite is
    driven: statements on the event loop's thread and prepared statements on the driver, or plain aiosqlite and
    SQLAlchemy. The repository functions are the same either way, and so are the rows they write
    (tests/storage/test_fast_path.py); PostgreSQL has one path.
    """

    def __init__(
        self,
        url: str,
        *,
        pool_size: int = 10,
        max_overflow: int | None = None,
        connect_timeout: float = 10.0,
        echo: bool = False,
        sqlite_fast_path: bool | None = None,
    ) -> None:
        self.url = async_url(url)
        fast = sqlite_fast_path_from_environment() if sqlite_fast_path is None else sqlite_fast_path
        self.sqlite_fast_path = fast and is_sqlite(self.url)
        self.engine = create_engine(
            url,
            pool_size=pool_size,
            max_overflow=max_overflow,
            connect_timeout=connect_timeout,
            echo=echo,
            sqlite_fast_path=fast,
        )
        self._sessions = async_sessionmaker(self.engine, class_=AsyncSession, expire_on_commit=False)
        self._turns: asyncio.Lock | None = asyncio.Lock() if is_sqlite(self.url) else None
        # SQLite reads on connections of their own; PostgreSQL's come from the one pool (no writer's turn there).
        self._reader: AsyncEngine | None = create_read_engine(self.url, echo=echo) if is_sqlite(self.url) else None
        self._checkpoints: WalCheckpointer | None = None
        if is_sqlite(self.url):
            database, uri = sqlite_file(self.url)
            self._checkpoints = WalCheckpointer(database, uri=uri)
            self._checkpoints.start()

    @property
    def is_sqlite(self) -> bool:
        return is_sqlite(self.url)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A session whose work commits on a clean exit and rolls back on any exception: for work that writes.
        Work that only reads uses :meth:`read`, which never waits for this.

        On SQLite this process's transactions take turns in the event loop: SQLite lets one writer in at a
        time anyway, and a transaction waiting in SQLite's busy handler sleeps in steps of up to 100 ms
        while holding a thread, which under load cost more than the work itself (see docs/benchmarks.md).
        """
        if self._turns is None:
            async with self._sessions() as session, session.begin():
                yield session
            return
        async with self._turns, self._sessions() as session, session.begin():
            yield session

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        """A session that only reads, in one transaction that sees one consistent state, and never waits for the
        writer: for lists, App Home, ``/ticket show``, the digest's reports, ``/metrics``, the export, and every
        look before a change (the change itself then loads again, locked, in :meth:`transaction`).

        On SQLite it is a connection of :func:`create_read_engine` (``query_only``, deferred ``BEGIN``), never
        this process's writer's turn: under WAL it reads the last commit while a write is under way. On
        PostgreSQL it is a ``REPEATABLE READ READ ONLY`` transaction: one snapshot for all its statements.

        Anything inside that writes fails with :class:`WriteInRead`: a statement the database refuses, and, on a
        clean exit, what :meth:`transaction` would have written at its commit (rows added to the session,
        loaded rows changed) is flushed here and refused the same way. The transaction is rolled back at the end.
        """
        engine = self._reader or self.engine
        async with engine.connect() as connection:
            if self._reader is None:
                await connection.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
            async with AsyncSession(bind=connection, expire_on_commit=False) as session:
                try:
                    yield session
                    await session.flush()
                except DBAPIError as error:
                    if refused_as_read_only(error):
                        raise WriteInRead(f"a write inside Database.read(), which only reads: {error.orig}") from error
                    raise

    async def ping(self, timeout: float = 2.0) -> bool:  # noqa: ASYNC109
        """Whether the database answers a trivial query within ``timeout`` seconds (used by ``/healthz``); a read,
        so a busy writer does not make the bot look down."""

        async def select_one() -> None:
            async with self.read() as session:
                await (await session.connection()).execute(text("SELECT 1"))

        try:
            await asyncio.wait_for(select_one(), timeout)
            return True
        except Exception:
            return False

    async def dispose(self) -> None:
        if self._checkpoints is not None:
            await asyncio.to_thread(self._checkpoints.stop)  # its last checkpoint may take a moment
        if self._reader is not None:
            await self._reader.dispose()
        await self.engine.dispose()
