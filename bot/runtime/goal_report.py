"""``crossdesk report --from DATE --to DATE --out report.html``: the shared goals of a span of days as one
self-contained HTML page (``bot/surfaces/report_html.py``), or with ``--csv`` as a table — read by the reader the
digest's scorecard uses (``bot/schedule/goal_source.py``), so the meeting and the channel see the same numbers.

Under ``config_source: database`` the departments are those the bots run (edited from Slack), not the file's.
Every goal is computed over the whole span (both days included, in the workspace's time zone, up to now) and
compared with the span of the same length before it; the page adds the seven spans before that as a trend. A line on
standard error says what it is doing while it reads a large history.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TextIO

from bot.runtime.config_watch import recorded_configuration
from bot.runtime.handoff_export import a_date
from bot.schedule.goal_source import GoalSource
from bot.schedule.goals import Scorecard, format_value
from bot.schedule.handoff_source import local_days
from config.schema import WorkspaceConfig
from storage.database import Database

EXIT_OK, EXIT_PROBLEM, EXIT_USAGE = 0, 1, 2
TREND_POINTS = 8  # the report's period and the seven before it
REPORT_FIELDS = (
    "department_key",
    "department",
    "goal",
    "metric",
    "target",
    "at_most",
    "value",
    "value_text",
    "verdict",
    "previous",
    "previous_text",
    "sample",
    "period_start",
    "period_end",
)


class Progress:
    """One line on standard error that says what the report is doing: rewritten in place on a terminal, a line per
    step when the output goes to a file or a pipe."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.in_place = stream.isatty()

    def __call__(self, text: str) -> None:
        if self.in_place:
            self.stream.write(f"\r\033[K{text}")
        else:
            self.stream.write(f"{text}\n")
        self.stream.flush()

    def done(self, text: str) -> None:
        self(text)
        if self.in_place:
            self.stream.write("\n")


@dataclass(frozen=True)
class Report:
    card: Scorecard
    start: datetime
    html: str | None  # the page; ``None`` for ``--csv``
    rows: list[dict[str, object]]


def period_of(first: date, last: date, workspace: WorkspaceConfig, now: datetime) -> tuple[datetime, datetime]:
    """``[start, end)`` of the local days ``first`` to ``last``; a span reaching past ``now`` ends now."""
    start, end = local_days(first, last, workspace)
    return start, min(end, now)


def rows_of(card: Scorecard, start: datetime) -> list[dict[str, object]]:
    """A row per department (and the company, key ``*``) and goal: raw numbers (a share as a fraction, a time in
    seconds of an SLA duration) and as the page writes them."""
    from bot.surfaces.i18n import Translator

    t = Translator(card.language)
    rows: list[dict[str, object]] = []
    for row in card.rows:
        for cell in row.cells:
            goal = cell.goal
            rows.append(
                {
                    "department_key": row.key,
                    "department": t.t("goals.company") if row is card.company else row.name,
                    "goal": goal.name,
                    "metric": goal.metric,
                    "target": goal.target,
                    "at_most": goal.at_most,
                    "value": None if cell.value is None else round(cell.value, 6),
                    "value_text": format_value(goal, cell.value, t),
                    "verdict": cell.verdict.value,
                    "previous": None if cell.previous is None else round(cell.previous, 6),
                    "previous_text": format_value(goal, cell.previous, t),
                    "sample": cell.sample,
                    "period_start": start.isoformat(),
                    "period_end": card.end.isoformat(),
                }
            )
    return rows


async def build(
    db: Database,
    workspace: WorkspaceConfig,
    first: date,
    last: date,
    *,
    now: datetime,
    as_csv: bool,
    progress: Callable[[str], None],
) -> Report:
    """The report of the local days ``first`` to ``last`` as of ``now``."""
    start, end = period_of(first, last, workspace, now)
    period = end - start
    source = GoalSource(db, workspace, workspace.language)
    progress(f"crossdesk report: reading {len(workspace.goals)} goals for {first} to {last} …")
    card = await source.scorecard(end, period=period)
    if as_csv:
        return Report(card, start, None, rows_of(card, start))

    def point(done: int, of: int) -> None:
        progress(f"crossdesk report: the periods before, {done} of {of} …")

    history = await source.history(end, TREND_POINTS, period=period, progress=point)
    from bot.schedule.scorecard_chart import scorecard_png  # late: matplotlib, only when drawing
    from bot.schedule.trend_chart import trends_png
    from bot.surfaces.report_html import report_html

    progress("crossdesk report: drawing the scorecard and the trend …")
    picture = await asyncio.to_thread(scorecard_png, card)
    trend = await asyncio.to_thread(trends_png, history, "report_page.chart.title")
    page = report_html(card, start, picture, trend, now)
    return Report(card, start, page, rows_of(card, start))


def cmd_report(args: argparse.Namespace) -> int:
    # The CLI's own readers of the environment and the workspace file (imported here: the CLI imports this module).
    from bot.runtime.cli import _settings, _workspace

    settings = _settings(sys.stderr)
    if settings is None:
        return EXIT_PROBLEM
    if args.since > args.until:
        print(f"error: --from {args.since} is after --to {args.until}", file=sys.stderr)
        return EXIT_USAGE
    workspace = _workspace(settings.workspace_path(), sys.stderr)
    if workspace is None:
        return EXIT_PROBLEM
    if not workspace.goals:
        print("error: the workspace file has no goals: add `goals:` (see docs/guide.md, Shared goals)", file=sys.stderr)
        return EXIT_PROBLEM
    now = datetime.now(UTC)
    if local_days(args.since, args.since, workspace)[0] >= now:
        print(f"error: --from {args.since} has not begun yet", file=sys.stderr)
        return EXIT_USAGE
    out = args.out or ("report.csv" if args.csv else "report.html")
    progress = Progress(sys.stderr)

    async def run() -> Report:
        db = Database(settings.database_url, sqlite_fast_path=settings.sqlite_fast_path)
        try:
            running = await recorded_configuration(db, workspace)
            return await build(db, running, args.since, args.until, now=now, as_csv=args.csv, progress=progress)
        finally:
            await db.dispose()

    report = asyncio.run(run())
    text = report.html if report.html is not None else _csv(report.rows)
    if out == "-":
        sys.stdout.write(text)
    else:
        Path(out).write_text(text, encoding="utf-8")
    what = "table" if args.csv else "page"
    progress.done(f"crossdesk report: wrote the {what} of {args.since} to {args.until} to {out}")
    return EXIT_OK


def _csv(rows: list[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(REPORT_FIELDS))
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def add_command(commands: Any) -> None:
    """``crossdesk report`` in the CLI's parser."""
    report = commands.add_parser(
        "report", help="the shared goals of a span of days as a self-contained HTML page (or a CSV table)"
    )
    report.add_argument("--from", dest="since", type=a_date, required=True, metavar="DATE", help="first day")
    report.add_argument("--to", dest="until", type=a_date, required=True, metavar="DATE", help="last day (included)")
    report.add_argument("--out", "-o", help="file to write, - for standard output (default report.html, report.csv)")
    report.add_argument("--csv", action="store_true", help="the table of every number instead of the page")
    report.set_defaults(func=cmd_report)
