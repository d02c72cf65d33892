"""``crossdesk import-customers FILE.csv [--dry-run]``: customers from a CSV file, checked in full before anything
is written.

Two passes over the file, each streamed in batches (a file of a hundred thousand rows is never held in memory; only
the names seen so far are, to find one given twice). The first checks every row — on its own
(``bot.customers.csv_rows``), against the rows before it, and against the database — and reports each problem
with its line; with any problem, or ``--dry-run``, nothing is written. The second writes every batch in one
transaction: a row whose external id, else name, is a known customer's updates that customer (an empty cell leaves
its field as it is), any other row makes a new one. Every customer made or changed is recorded as the import's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice
from pathlib import Path
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.customers.csv_rows import COLUMNS, CustomerRow, Problem, read
from config.customers import fold_name
from storage import customers as customer_rows
from storage.customers import IMPORT_ACTOR, NewCustomer
from storage.database import Database
from storage.models import Customer

BATCH = 2000
_COLUMN_ORDER = {column: position for position, column in enumerate(COLUMNS)}
Progress = Callable[[str, int], None]  # (what is being done, rows done so far)


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)


@dataclass(frozen=True)
class _Planned:
    row: CustomerRow
    target: int | None  # the customer it updates, or None for a new one


@dataclass
class _Seen:
    """What earlier rows of the file named: each folded name with its line, each external id with its line."""

    keys: dict[str, int] = field(default_factory=dict)
    external: dict[str, int] = field(default_factory=dict)


class CustomerImporter:
    def __init__(self, db: Database, now: Callable[[], datetime], progress: Progress | None = None) -> None:
        self.db = db
        self.now = now
        self.progress = progress or (lambda _what, _done: None)

    async def run(self, path: Path, *, dry_run: bool = False) -> ImportReport:
        """Check the whole file; then, unless it has a problem or this is a dry run, write it."""
        report = ImportReport()
        updates: dict[int, int] = {}  # line → the customer it updates; every other good row makes a new one
        seen = _Seen()
        async with self.db.read() as session:
            for batch in _batches(path, report):
                for planned in await _plan(session, batch, seen):
                    if isinstance(planned, Problem):
                        report.problems.append(planned)
                    elif planned.target is None:
                        report.created += 1
                    else:
                        report.updated += 1
                        updates[planned.row.line] = planned.target
                self.progress("checked", report.rows)
        report.problems.sort(key=lambda problem: (problem.line, _COLUMN_ORDER.get(problem.column, -1)))
        if report.problems or dry_run:
            return report
        await self._write(path, updates, report)
        return report

    async def _write(self, path: Path, updates: dict[int, int], report: ImportReport) -> None:
        """The second pass, in one transaction: what the first planned, without asking the database again. Should
        another process take one of the names meanwhile, a unique key refuses it and nothing is written."""
        report.created = report.updated = written = 0
        now = self.now()
        async with self.db.transaction() as session:
            for batch in _batches(path, ImportReport()):
                rows = [row for row in batch if isinstance(row, CustomerRow)]
                new = [_new(row) for row in rows if row.line not in updates]
                report.created += await customer_rows.add_many(session, new, IMPORT_ACTOR, now)
                for row in rows:
                    if row.line in updates:
                        changed = await _update(session, updates[row.line], row, now)
                        report.updated += changed
                        report.unchanged += not changed
                written += len(rows)
                self.progress("written", written)


def _batches(path: Path, report: ImportReport) -> Iterator[list[CustomerRow | Problem]]:
    with path.open(encoding="utf-8-sig", newline="") as stream:
        rows = read(stream)
        while batch := list(islice(rows, BATCH)):
            report.rows += sum(isinstance(row, CustomerRow) for row in batch)
            yield batch


async def _plan(session: AsyncSession, batch: list[CustomerRow | Problem], seen: _Seen) -> list[_Planned | Problem]:
    """Each row of ``batch``: what it will do (make or update which customer), or what stops it."""
    rows = [row for row in batch if isinstance(row, CustomerRow)]
    owners = await customer_rows.owners_of(session, [key for row in rows for key in row.keys])
    external = await customer_rows.external_owners(session, [r.external_id for r in rows if r.external_id])
    names = await _names(session, {*owners.values(), *external.values()})
    plans: list[_Planned | Problem] = [row for row in batch if isinstance(row, Problem)]
    for row in rows:
        problems = _against_earlier(row, seen)
        target = external.get(row.external_id) if row.external_id else owners.get(fold_name(row.name))
        texts = [("name", row.name), *(("aliases", alias) for alias in row.aliases or ())]
        for column, text in texts:
            owner = owners.get(fold_name(text))
            if owner is not None and owner != target:
                problems.append(Problem(row.line, column, f"{text!r} is already a name of {names[owner]}"))
        plans.extend(problems or [_Planned(row, target)])
    return plans


def _against_earlier(row: CustomerRow, seen: _Seen) -> list[Problem]:
    problems: list[Problem] = []
    texts = [("name", row.name), *(("aliases", alias) for alias in row.aliases or ())]
    for column, text in texts:
        key = fold_name(text)
        earlier = seen.keys.setdefault(key, row.line)
        if earlier != row.line:
            problems.append(Problem(row.line, column, f"{text!r} is already a name on line {earlier}"))
    if row.external_id:
        earlier = seen.external.setdefault(row.external_id, row.line)
        if earlier != row.line:
            problems.append(Problem(row.line, "external_id", f"{row.external_id!r} is already on line {earlier}"))
    return problems


async def _names(session: AsyncSession, ids: set[int]) -> dict[int, str]:
    return {customer_id: customer.name for customer_id, customer in (await customer_rows.by_ids(session, ids)).items()}


def _new(row: CustomerRow) -> NewCustomer:
    return NewCustomer(row.name, row.aliases or (), row.stage, row.manager_id, row.external_id)


async def _update(session: AsyncSession, customer_id: int, row: CustomerRow, now: datetime) -> bool:
    """A known customer takes the row's filled-in cells; ``True`` when anything changed."""
    customer: Customer | None = await customer_rows.by_id(session, customer_id, for_update=True)
    assert customer is not None, "planned in this transaction"
    wanted: dict[str, Any] = {"name": row.name, "stage": row.stage, "manager_id": row.manager_id}
    wanted.update(aliases=list(row.aliases) if row.aliases is not None else None, external_id=row.external_id)
    changed = False
    for name, value in wanted.items():
        if value is not None:
            changed |= await customer_rows.change(session, customer, name, value, IMPORT_ACTOR, now)
    return changed
