"""What ``crossdesk import-customers`` prints: each problem with its line, a progress line on stderr while a large
file is read and written, and what was (or, with ``--dry-run``, would be) made and changed."""

from __future__ import annotations

import asyncio
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from bot.customers.importer import CustomerImporter, ImportReport
from storage.database import Database, DatabaseUrlError
from storage.migrate import upgrade

PROGRESS_EVERY = 10_000  # rows between two progress lines when stderr is not a terminal


class ProgressLine:
    """``checked 40,000 rows`` on stderr: rewritten in place on a terminal, a line every
    :data:`PROGRESS_EVERY` rows otherwise (a log keeps each)."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.live = out.isatty()
        self.last: tuple[str, int] | None = None

    def __call__(self, what: str, done: int) -> None:
        if self.live:
            self.out.write(f"\rimport-customers: {what} {done:,} rows")
            self.last = (what, done)
        elif done >= PROGRESS_EVERY and (what, done // PROGRESS_EVERY) != self.last:
            self.last = (what, done // PROGRESS_EVERY)
            self.out.write(f"import-customers: {what} {done:,} rows\n")
        self.out.flush()

    def end(self) -> None:
        if self.live and self.last is not None:
            self.out.write("\n")


def run_import(path: Path, database_url: str, *, dry_run: bool, sqlite_fast_path: bool = True) -> int:
    """Run the import; the exit code: 0 done (or a clean dry run), 1 problems (nothing written)."""
    if not path.is_file():
        print(f"error: {path}: file not found", file=sys.stderr)
        return 1
    progress = ProgressLine(sys.stderr)

    async def run() -> ImportReport:
        db = Database(database_url, sqlite_fast_path=sqlite_fast_path)
        try:
            await upgrade(db)
            return await CustomerImporter(db, lambda: datetime.now(UTC), progress).run(path, dry_run=dry_run)
        finally:
            await db.dispose()

    try:
        report = asyncio.run(run())
    except DatabaseUrlError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except UnicodeDecodeError:
        print(f"error: {path}: not UTF-8 text; save the file as CSV UTF-8", file=sys.stderr)
        return 1
    finally:
        progress.end()
    for problem in report.problems:
        print(f"error: {problem.shown(str(path))}", file=sys.stderr)
    if report.problems:
        lines = len({problem.line for problem in report.problems})
        print(f"{path}: {lines} row(s) with problems; nothing was imported", file=sys.stderr)
        return 1
    verb = "would make" if dry_run else "made"
    print(
        f"{path}: {report.rows:,} rows: {verb} {report.created:,} customers, "
        f"{'would update' if dry_run else 'updated'} {report.updated:,}"
        + (f" ({report.unchanged:,} already as the file says)" if report.unchanged else "")
        + (" — dry run, nothing written" if dry_run else "")
    )
    return 0
