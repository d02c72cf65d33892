"""Complaints as a process: how fast a complaint is first answered and how fast it is resolved, measured apart
(a complaint answered in ten minutes and resolved in a week is another story than one left alone for a day and then
fixed at once), overall and per department, for the digest, the weekly scorecard and the report to use.

Times are wall-clock, from the moment the complaint was opened: the customer waits through nights and weekends too.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import median

from storage import customer_work
from storage.customer_work import ComplaintSteps
from storage.database import Database


@dataclass(frozen=True)
class ComplaintTimes:
    """How a set of complaints was handled: how many, how many were answered and resolved, and the median time to
    each (``None`` while none was)."""

    opened: int
    answered: int
    resolved: int
    first_response: timedelta | None
    resolution: timedelta | None


@dataclass(frozen=True)
class ComplaintReport:
    overall: ComplaintTimes
    by_department: dict[str, ComplaintTimes]


def _median(spans: list[timedelta]) -> timedelta | None:
    return timedelta(seconds=median(span.total_seconds() for span in spans)) if spans else None


def times_of(steps: Iterable[ComplaintSteps]) -> ComplaintTimes:
    """The medians of ``steps``; pure."""
    steps = list(steps)
    responses = [s.first_response_at - s.created_at for s in steps if s.first_response_at is not None]
    resolutions = [s.first_resolved_at - s.created_at for s in steps if s.first_resolved_at is not None]
    return ComplaintTimes(
        opened=len(steps),
        answered=len(responses),
        resolved=len(resolutions),
        first_response=_median(responses),
        resolution=_median(resolutions),
    )


def report_of(steps: Iterable[ComplaintSteps]) -> ComplaintReport:
    """Overall and per department (where the complaint is now); pure."""
    steps = list(steps)
    grouped: dict[str, list[ComplaintSteps]] = defaultdict(list)
    for step in steps:
        grouped[step.department_key].append(step)
    return ComplaintReport(times_of(steps), {key: times_of(group) for key, group in sorted(grouped.items())})


async def complaint_report(db: Database, start: datetime, end: datetime) -> ComplaintReport:
    """Complaints opened in ``[start, end)``: time to first response and time to resolve, overall and per
    department."""
    async with db.read() as session:
        steps = await customer_work.complaint_steps(session, start, end)
    return report_of(steps)
