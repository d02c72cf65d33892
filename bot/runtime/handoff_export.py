"""``crossdesk export --handoff-map``: the hand-off map of a span of days as rows, one per ordered pair of departments,
read by the same reader as the digest and ``/metrics`` (``bot.schedule.handoff_source``), so the three agree."""

from __future__ import annotations

import argparse
from datetime import UTC, date, datetime

from bot.runtime.config_watch import recorded_configuration
from bot.schedule.handoff_map import HandoffMap
from bot.schedule.handoff_source import DIGEST_DAYS, HandoffSource, digest_window, local_days
from config.schema import WorkspaceConfig
from storage.database import Database

HANDOFF_FIELDS = (
    "from_department",
    "to_department",
    "consults_asked",
    "consults_answered",
    "median_answer_hours",  # working hours, paused time left out; empty when none was answered
    "answered_within_sla",
    "within_sla_ratio",
    "bounces",
)


def a_date(text: str) -> date:
    """``--from`` and ``--to``: a day as ``YYYY-MM-DD``, refused with the form expected."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date; write it as YYYY-MM-DD, e.g. 2026-11-30") from None


def window_problem(first: date | None, last: date | None, *, handoff_map: bool) -> str | None:
    """What is wrong with ``--from`` / ``--to``, checked before anything is read; ``None`` when nothing is."""
    if (first or last) and not handoff_map:
        return "--from and --to go with --handoff-map"
    if first and last and first > last:
        return f"--from {first.isoformat()} is after --to {last.isoformat()}"
    return None


def window(
    first: date | None, last: date | None, workspace: WorkspaceConfig, now: datetime
) -> tuple[datetime, datetime]:
    """``[start, end)`` of the local days ``first`` to ``last`` (both included) in the workspace's time zone; without
    them the digest's days as of ``now``, and one given alone is completed to the digest's length of days."""
    if first is None and last is None:
        return digest_window(now, workspace)
    if last is None:
        assert first is not None
        last = date.fromordinal(first.toordinal() + DIGEST_DAYS - 1)
    if first is None:
        first = date.fromordinal(last.toordinal() - DIGEST_DAYS + 1)
    return local_days(first, last, workspace)


def rows_of(handoffs: HandoffMap) -> list[dict[str, object]]:
    """One row per pair, asking department first, in the workspace's order."""
    return [
        {
            "from_department": pair.asking,
            "to_department": pair.answering,
            "consults_asked": pair.asked,
            "consults_answered": pair.answered,
            "median_answer_hours": None if pair.median_hours is None else round(pair.median_hours, 2),
            "answered_within_sla": pair.within_sla,
            "within_sla_ratio": None if pair.within_sla_ratio is None else round(pair.within_sla_ratio, 4),
            "bounces": pair.bounces,
        }
        for pair in handoffs.pairs
    ]


async def handoff_rows(
    db: Database, workspace: WorkspaceConfig, first: date | None, last: date | None
) -> tuple[list[dict[str, object]], str]:
    """The rows of the days ``first`` to ``last`` (the digest's days without them), and what they cover, in words.
    The departments are those the bots run (under ``config_source: database``, as edited from Slack)."""
    workspace = await recorded_configuration(db, workspace)
    start, end = window(first, last, workspace, datetime.now(UTC))
    rows = rows_of(await HandoffSource(db, workspace).between(start, end))
    days = (
        f"{start.astimezone(workspace.tz).date()} to {date.fromordinal(end.astimezone(workspace.tz).toordinal() - 1)}"
    )
    return rows, f"{len(rows)} pairs of departments, {days} ({workspace.timezone})"
