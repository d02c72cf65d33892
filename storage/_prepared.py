"""Statements built once, and on SQLite run straight on the driver's connection.

Every new ticket runs the same handful of statements (its department's numbers, the ticket, its audit event,
its event id, its outbox rows; then the outcomes of its Slack calls). Measured on the bench machine, one
statement through SQLAlchemy's Core cost 0.44 ms when the statement object was built per call (building it,
its cache key, the compiled-cache look-up, an execution context, the result, two greenlet switches), 0.17 ms
when it was built once, and 8 µs when its SQL went to SQLite's connection directly — a batch of eight tickets
paid more for the path to SQLite than for SQLite. See docs/benchmarks.md.

:class:`Prepared` holds a Core statement built once at import. :class:`Statements` runs prepared statements in
a session's transaction: on SQLite, the statement is compiled once by SQLAlchemy's own SQLite compiler (the
SQL text, the order of its parameters and the bind processors of their types, so values are stored exactly as
SQLAlchemy would store them) and executed on the transaction's driver connection; on PostgreSQL the same
statement object goes through SQLAlchemy, whose asyncpg dialect prepares and caches it (there a network round
trip costs more than the Python around it). Errors come out as SQLAlchemy's exceptions on both backends, so a
caller catching ``IntegrityError`` or telling an unreachable database apart sees no difference.

An ``IN`` list (an expanding ``bindparam``) would change the SQL with its length; on SQLite it is therefore
sent as one JSON array and searched as ``IN (SELECT value FROM json_each(?))``, which SQLite answers from the
column's index like a written-out list. Prepared statements run in a transaction begun by
:meth:`storage.database.Database.transaction`, which on SQLite already holds the write lock, so nothing here
waits for another writer.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Column, Table, bindparam, insert
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError, StatementError
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.dml import Insert, UpdateBase
from sqlalchemy.sql.selectable import Select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage._sqlite_inline import InlineConnection

_STATEMENTS_KEY = "crossdesk.statements"  # in ``session.info``: one runner per session (per transaction)


@dataclass(frozen=True)
class _Compiled:
    """A statement as SQLite's driver takes it: SQL text with ``?`` marks, and how to fill them."""

    sql: str
    # Each mark's parameter, in order, with the value written into the statement (``values(status="sent")``)
    # or _MISSING when the caller must give one.
    plan: tuple[tuple[str, Any], ...]
    processing: tuple[tuple[int, Callable[[Any], Any]], ...]  # (mark, bind processor) where the type has one
    result_processors: tuple[Callable[[Any], Any] | None, ...]

    def parameters(self, values: Mapping[str, Any]) -> list[Any]:
        try:
            filled = [values[name] if default is _MISSING else values.get(name, default) for name, default in self.plan]
        except KeyError as error:
            raise KeyError(f"no value for the statement's parameter {error.args[0]!r}") from None
        for index, process in self.processing:
            filled[index] = process(filled[index])
        return filled

    def row(self, raw: Sequence[Any]) -> tuple[Any, ...]:
        return tuple(
            process(value) if process is not None else value
            for value, process in zip(raw, self.result_processors, strict=True)
        )


_MISSING = object()


def _json_list(process: Callable[[Any], Any] | None) -> Callable[[Any], str]:
    """An ``IN`` list's values as the one JSON parameter ``json_each`` reads, each stored as its type stores it."""

    def to_json(values: Any) -> str:
        return json.dumps([process(value) for value in values] if process is not None else list(values))

    return to_json


class Prepared:
    """A Core statement built once (at import), compiled for SQLite the first time it runs there."""

    def __init__(self, statement: UpdateBase | Select[Any], *, returning_ids: UpdateBase | None = None) -> None:
        self.statement = statement
        # For an insert: the same insert giving back the new rows' ids in the order of the rows (PostgreSQL).
        self.returning_ids = returning_ids
        self._sqlite: _Compiled | None = None

    def for_sqlite(self, dialect: Dialect) -> _Compiled:
        if self._sqlite is None:
            compiled = self.statement.compile(dialect=dialect)
            binds = [(name, compiled.binds[name]) for name in compiled.positiontup or ()]
            columns: list[Column[Any]] = list(getattr(self.statement, "exported_columns", ()))
            sql = compiled.string
            processors: list[Callable[[Any], Any] | None] = []
            for name, bind in binds:
                process: Callable[[Any], Any] | None = bind.type.bind_processor(dialect)
                if bind.expanding:
                    # SQLAlchemy leaves a placeholder where it would write the list out at execution.
                    placeholder = f"__[POSTCOMPILE_{name}]"
                    if placeholder not in sql:
                        raise RuntimeError(f"no {placeholder} in the compiled statement; SQLAlchemy changed: {sql}")
                    sql = sql.replace(placeholder, "SELECT value FROM json_each(?)")
                    process = _json_list(process)
                processors.append(process)
            self._sqlite = _Compiled(
                sql=sql,
                plan=tuple((name, _MISSING if bind.required else bind.value) for name, bind in binds),
                processing=tuple((index, process) for index, process in enumerate(processors) if process is not None),
                result_processors=tuple(column.type.result_processor(dialect, None) for column in columns),
            )
        return self._sqlite


def prepared_insert(table: Table, *, leave_out: tuple[str, ...] = ("id",)) -> Prepared:
    """An insert of every column of ``table`` but ``leave_out`` (its generated key), one row per parameter set."""
    values = {column.key: bindparam(column.key, type_=column.type) for column in table.c if column.key not in leave_out}
    statement: Insert = insert(table).values(values)
    returning = statement.returning(table.c.id, sort_by_parameter_order=True) if "id" in table.c else None
    return Prepared(statement, returning_ids=returning)


class Statements:
    """Runs :class:`Prepared` statements in one session's transaction (get it with :meth:`of`)."""

    def __init__(self, connection: AsyncConnection, driver: InlineConnection | None) -> None:
        self._connection = connection
        self._driver = driver
        self._dialect = connection.dialect

    @classmethod
    async def of(cls, session: AsyncSession) -> Statements:
        """The runner for ``session``'s transaction (begun here if it was not yet), made once per session."""
        runner = session.info.get(_STATEMENTS_KEY)
        if isinstance(runner, Statements) and not runner._connection.closed:
            return runner
        connection = await session.connection()
        driver = None
        if connection.dialect.name == "sqlite":
            raw = (await connection.get_raw_connection()).driver_connection
            driver = raw if isinstance(raw, InlineConnection) else None
        runner = cls(connection, driver)
        session.info[_STATEMENTS_KEY] = runner
        return runner

    async def rows(self, prepared: Prepared, values: Mapping[str, Any] | None = None) -> list[tuple[Any, ...]]:
        """Run a statement that returns rows (a select, or a change with ``RETURNING``) once."""
        values = values or {}
        if self._driver is None:
            result = await self._connection.execute(prepared.statement, dict(values))
            return [tuple(row) for row in result.all()]
        compiled = prepared.for_sqlite(self._dialect)
        parameters = compiled.parameters(values)
        cursor = self._driver.cursor()
        try:
            await cursor.execute(compiled.sql, parameters)
            found = await cursor.fetchall()
        except sqlite3.Error as error:
            raise _translated(error, compiled.sql, parameters) from error
        finally:
            await cursor.close()
        return [compiled.row(row) for row in found]

    async def run(self, prepared: Prepared, rows: Sequence[Mapping[str, Any]]) -> None:
        """Run a statement once per parameter set in ``rows`` (SQLite's ``executemany``); nothing comes back."""
        if not rows:
            return
        if self._driver is None:
            await self._connection.execute(prepared.statement, [dict(row) for row in rows])
            return
        compiled = prepared.for_sqlite(self._dialect)
        parameters = [compiled.parameters(row) for row in rows]
        cursor = self._driver.cursor()
        try:
            await cursor.executemany(compiled.sql, parameters)
        except sqlite3.Error as error:
            raise _translated(error, compiled.sql, parameters) from error
        finally:
            await cursor.close()

    async def insert(self, prepared: Prepared, rows: Sequence[Mapping[str, Any]]) -> list[int]:
        """Insert ``rows`` with a :func:`prepared_insert`; their new ids, in the order of ``rows``."""
        if not rows:
            return []
        if self._driver is None:
            assert prepared.returning_ids is not None, "not a prepared_insert of a table with an id"
            result = await self._connection.execute(prepared.returning_ids, [dict(row) for row in rows])
            return [int(row_id) for (row_id,) in result.all()]
        compiled = prepared.for_sqlite(self._dialect)
        cursor = self._driver.cursor()
        ids: list[int] = []
        parameters: list[Any] = []
        try:
            # One row at a time: each insert tells its own rowid, at a few microseconds a row.
            for row in rows:
                parameters = compiled.parameters(row)
                await cursor.execute(compiled.sql, parameters)
                row_id = cursor.lastrowid
                assert row_id is not None
                ids.append(row_id)
        except sqlite3.Error as error:
            raise _translated(error, compiled.sql, parameters) from error
        finally:
            await cursor.close()
        return ids


def _translated(error: sqlite3.Error, sql: str, parameters: Any) -> StatementError:
    """SQLAlchemy's exception for a driver error (``IntegrityError`` for a unique key, and so on)."""
    return DBAPIError.instance(sql, parameters, error, sqlite3.Error, hide_parameters=True)
