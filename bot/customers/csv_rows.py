"""Reading a customers CSV (``name,aliases,stage,manager,external_id``) row by row, never the whole file at once, and
what is wrong with each row on its own: the header, an empty or too long name, an unknown stage, a manager that is
not a Slack member id. Pure: no database (``bot.customers.importer`` checks the rows against it)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TextIO

from config.customers import MAX_ALIASES, MAX_EXTERNAL_ID, keys_of, name_problem, stage_of
from config.ids import is_user_id

COLUMNS = ("name", "aliases", "stage", "manager", "external_id")
# ``crossdesk export --customers`` writes these too; an export imports again, and they are left as they are.
EXPORTED_ONLY = ("open_tickets", "closed_tickets", "at_risk_since", "created_at")
ALIAS_SEPARATORS = (";", "|", "；")  # a comma is the CSV's own; "；" is the full-width one Chinese keyboards type


@dataclass(frozen=True)
class CustomerRow:
    """One row of the file as it will be written: ``None`` (and ``()`` for aliases) for an empty cell, which an
    update leaves as the customer has it."""

    line: int
    name: str
    aliases: tuple[str, ...] | None
    stage: str | None
    manager_id: str | None
    external_id: str | None

    @property
    def keys(self) -> list[str]:
        return keys_of(self.name, self.aliases or ())


@dataclass(frozen=True)
class Problem:
    line: int
    column: str
    message: str

    def shown(self, source: str) -> str:
        return (
            f"{source}:{self.line}: {self.column}: {self.message}"
            if self.column
            else f"{source}:{self.line}: {self.message}"
        )


def split_aliases(cell: str) -> list[str]:
    for separator in ALIAS_SEPARATORS[1:]:
        cell = cell.replace(separator, ALIAS_SEPARATORS[0])
    return [part.strip() for part in cell.split(ALIAS_SEPARATORS[0]) if part.strip()]


def read(stream: TextIO) -> Iterator[CustomerRow | Problem]:
    """Each row of ``stream`` checked on its own: one :class:`Problem` per thing wrong with it (with the line the row
    starts on), then the :class:`CustomerRow` (its bad cells left empty) whenever its name is good, so the names are
    checked against the other rows' too. A bad header is one problem and the end."""
    reader = csv.reader(stream)
    try:
        header = next(reader)
    except StopIteration:
        yield Problem(1, "", "the file is empty: the first line must be the header " + ",".join(COLUMNS))
        return
    except csv.Error as error:
        yield Problem(1, "", f"not a CSV file: {error}")
        return
    columns = [column.strip().lower().lstrip("\ufeff") for column in header]
    unknown = [column for column in columns if column not in COLUMNS + EXPORTED_ONLY]
    if "name" not in columns or unknown or len(set(columns)) != len(columns):
        detail = f"unknown column(s) {', '.join(repr(c) for c in unknown)}; " if unknown else ""
        yield Problem(1, "", f"{detail}the header must name the columns {','.join(COLUMNS)} (name is required)")
        return
    line = reader.line_num + 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield Problem(line, "", f"not valid CSV: {error}")
            return
        start, line = line, reader.line_num + 1
        if not any(cell.strip() for cell in cells):
            continue  # a blank line, as spreadsheets leave at the end
        if len(cells) > len(columns):
            yield Problem(start, "", f"{len(cells)} cells but the header names {len(columns)} columns")
            continue
        yield from _checked(start, dict(zip(columns, (cell.strip() for cell in cells), strict=False)))


def _checked(line: int, cells: dict[str, str]) -> Iterator[CustomerRow | Problem]:
    problems: list[Problem] = []
    name = cells.get("name", "")
    problem = name_problem(name)
    if problem:
        problems.append(Problem(line, "name", f"the name {problem}"))
    aliases: tuple[str, ...] | None = None
    if cells.get("aliases"):
        aliases = tuple(split_aliases(cells["aliases"]))
        if len(aliases) > MAX_ALIASES:
            problems.append(Problem(line, "aliases", f"{len(aliases)} aliases; at most {MAX_ALIASES}"))
        for number, alias in enumerate(aliases, start=1):
            alias_problem = name_problem(alias)
            if alias_problem:
                problems.append(Problem(line, "aliases", f"alias {number} {alias_problem}"))
    stage = None
    try:
        stage = stage_of(cells.get("stage"))
    except ValueError as error:
        problems.append(Problem(line, "stage", str(error)))
    manager = cells.get("manager") or None
    if manager is not None and not is_user_id(manager):
        problems.append(Problem(line, "manager", f"{manager!r} must be a Slack member id such as U0123ABCD"))
    external_id = cells.get("external_id") or None
    if external_id is not None and len(external_id) > MAX_EXTERNAL_ID:
        problems.append(Problem(line, "external_id", f"longer than {MAX_EXTERNAL_ID} characters"))
    yield from problems
    if not any(problem.column == "name" for problem in problems):
        manager = manager if manager is None or is_user_id(manager) else None
        yield CustomerRow(line, name.strip(), aliases, stage, manager, external_id)
