"""The shared goals as numbers: each goal's value for every department and for the company, judged met, near or
missed against its target, with the change since the previous window. Pure: the counts come from
``storage/goal_metrics.py`` (read by ``bot/schedule/goal_source.py``); the digest's scorecard, the weekly review and
``crossdesk report`` all draw what this module computes, so they never disagree.

What each metric means (a window is ``[end - window, end)``; every share counts each ticket once, in the department
it was in at the moment that decided it):

* ``ack_within_sla`` / ``resolve_within_sla``: of the tickets whose acknowledge (resolve) deadline was decided in the
  window — met, or passed unmet — the share met. The deadlines are the SLA clock's: working hours and holidays,
  paused time added back. Consults are left out (they have their own goal).
* ``consult_within_sla``: the same for consults answered against ``sla.consult``.
* ``csat``: the mean of the 1–5 ratings answered in the window; no value without an answer.
* ``complaint_resolve_median``: the median working time complaints resolved in the window took from their (latest)
  start, time paused left out; written like an SLA duration, a day being a working day.
* ``bounce_rate``: of the tickets a department handled in the window (arrived, or passed on), the share it passed on
  to another department.
* ``open`` / ``overdue``: the work on hand at the window's end.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum

from bot.surfaces.i18n import Translator
from bot.tickets.sla import WorkingCalendar, working_time_between
from config.goals import Goal, TargetKind
from storage.goal_metrics import Ratio, Resolution, Scores, StatusMove, Workload

# How far on the wrong side of its target a value may be and still be "near": 5 points of a share, 0.2 of a 1–5
# score, 10 % of a duration, 10 % of a count (at least one ticket).
NEAR_SHARE = 0.05
NEAR_SCORE = 0.2
NEAR_DURATION = 0.10
NEAR_COUNT = 0.10
# Changes smaller than this are "no change" (a share moving by less than half a point, a score by 0.05).
_STEADY = {TargetKind.SHARE: 0.005, TargetKind.SCORE: 0.05, TargetKind.DURATION: 60.0, TargetKind.COUNT: 0.5}


class Verdict(StrEnum):
    MET = "met"
    NEAR = "near"
    MISSED = "missed"
    NONE = "none"  # nothing to judge in the window (no ticket decided, no rating answered)


class Trend(StrEnum):
    UP = "up"
    DOWN = "down"
    STEADY = "steady"


def near_margin(goal: Goal) -> float:
    """How far past the target a value is still near it, in the target's own unit."""
    if goal.kind == TargetKind.SHARE:
        return NEAR_SHARE
    if goal.kind == TargetKind.SCORE:
        return NEAR_SCORE
    if goal.kind == TargetKind.DURATION:
        return goal.target * NEAR_DURATION
    return max(1.0, goal.target * NEAR_COUNT)


def judge(goal: Goal, value: float | None) -> Verdict:
    if value is None:
        return Verdict.NONE
    if goal.is_met(value):
        return Verdict.MET
    shortfall = value - goal.target if goal.at_most else goal.target - value
    return Verdict.NEAR if shortfall <= near_margin(goal) + 1e-9 else Verdict.MISSED


@dataclass(frozen=True)
class Cell:
    """One goal for one department (or the company): its value now and in the previous window."""

    goal: Goal
    value: float | None
    previous: float | None
    sample: int  # what the value stands on: tickets judged, ratings, complaints, tickets handled or open

    @property
    def verdict(self) -> Verdict:
        return judge(self.goal, self.value)

    @property
    def trend(self) -> Trend | None:
        """Which way the number moved since the previous window; ``None`` when either has no value."""
        if self.value is None or self.previous is None:
            return None
        change = self.value - self.previous
        if abs(change) < _STEADY[self.goal.kind]:
            return Trend.STEADY
        return Trend.UP if change > 0 else Trend.DOWN

    @property
    def improved(self) -> bool | None:
        """Whether the move is for the better (down is better for at-most goals)."""
        trend = self.trend
        if trend is None or trend == Trend.STEADY:
            return None
        return (trend == Trend.DOWN) == self.goal.at_most


@dataclass(frozen=True)
class Row:
    key: str  # the department's key, or ``COMPANY``
    name: str
    cells: tuple[Cell, ...]


COMPANY = "*"


@dataclass(frozen=True)
class Scorecard:
    """Every goal for every department, and the company's row: what the picture, the text and the report show."""

    goals: tuple[Goal, ...]
    departments: tuple[Row, ...]
    company: Row
    end: datetime  # every goal's window ends here
    windows: tuple[timedelta, ...]  # each goal's window (the report's period for all, in a report)
    language: str
    timezone: str

    @property
    def rows(self) -> tuple[Row, ...]:
        return (*self.departments, self.company)

    def met(self) -> int:
        """Goals the company meets."""
        return sum(1 for cell in self.company.cells if cell.verdict == Verdict.MET)

    def judged(self) -> int:
        return sum(1 for cell in self.company.cells if cell.verdict != Verdict.NONE)


# ---------------------------------------------------------------------- raw counts → values


@dataclass
class WindowCounts:
    """What ``storage/goal_metrics.py`` read for one window; only ``metrics`` (those some goal needs) are filled in."""

    metrics: frozenset[str] = frozenset()
    acknowledge: Mapping[str, Ratio] = field(default_factory=dict)
    resolve: Mapping[str, Ratio] = field(default_factory=dict)
    consult: Mapping[str, Ratio] = field(default_factory=dict)
    ratings: Mapping[str, Scores] = field(default_factory=dict)
    complaints: Mapping[str, Sequence[float]] = field(default_factory=dict)  # durations, see complaint_durations
    bounces: Mapping[str, Ratio] = field(default_factory=dict)
    company_bounces: Ratio = field(default_factory=lambda: Ratio(0, 0))
    workload: Mapping[str, Workload] = field(default_factory=dict)

    def departments(self) -> set[str]:
        seen: set[str] = set()
        for part in (self.acknowledge, self.resolve, self.consult, self.ratings, self.complaints, self.bounces):
            seen |= set(part)
        return seen | set(self.workload)


def _share(ratio: Ratio | None) -> tuple[float | None, int]:
    if ratio is None or ratio.total == 0:
        return None, 0
    return ratio.hits / ratio.total, ratio.total


def _summed(ratios: Iterable[Ratio]) -> Ratio:
    hits = total = 0
    for ratio in ratios:
        hits, total = hits + ratio.hits, total + ratio.total
    return Ratio(hits, total)


def value_of(metric: str, counts: WindowCounts, department: str | None) -> tuple[float | None, int]:
    """(value, sample) of ``metric`` for ``department``, or for the company when ``department`` is ``None``."""
    shares = {"ack_within_sla": counts.acknowledge, "resolve_within_sla": counts.resolve}
    shares["consult_within_sla"] = counts.consult
    if metric in shares:
        by_department = shares[metric]
        return _share(_summed(by_department.values()) if department is None else by_department.get(department))
    if metric == "bounce_rate":
        return _share(counts.company_bounces if department is None else counts.bounces.get(department))
    if metric == "csat":
        parts = list(counts.ratings.values()) if department is None else [counts.ratings.get(department)]
        answered = sum(part.answered for part in parts if part)
        total = sum(part.total for part in parts if part)
        return (total / answered if answered else None), answered
    if metric == "complaint_resolve_median":
        if department is None:
            spans = [span for spans in counts.complaints.values() for span in spans]
        else:
            spans = list(counts.complaints.get(department, ()))
        return (statistics.median(spans) if spans else None), len(spans)
    if metric in ("open", "overdue"):
        loads = list(counts.workload.values()) if department is None else [counts.workload.get(department)]
        number = sum(getattr(load, metric) for load in loads if load)
        return float(number), number
    raise ValueError(f"unknown goal metric {metric!r}")


def complaint_durations(
    resolutions: Sequence[Resolution], moves: Iterable[StatusMove], paused: Iterable[str], calendar: WorkingCalendar
) -> dict[str, list[float]]:
    """Per department, how long each complaint took: working time from its start to its resolution, without the
    working time it spent paused, as seconds of an SLA duration (a whole working day counts as ``1d``), so the
    value compares with a target written ``2d``."""
    if not resolutions:
        return {}
    pauses = frozenset(paused)
    by_ticket: dict[int, list[StatusMove]] = {}
    for move in moves:
        by_ticket.setdefault(move.ticket_id, []).append(move)
    first = min(resolution.started_at for resolution in resolutions).astimezone(calendar.tz).date()
    last = max(resolution.resolved_at for resolution in resolutions).astimezone(calendar.tz).date()
    ledger = WorkingLedger(calendar, first, last)
    durations: dict[str, list[float]] = {}
    for resolution in resolutions:
        worked = ledger.between(resolution.started_at, resolution.resolved_at)
        for begin, end in _paused_spans(by_ticket.get(resolution.ticket_id, ()), resolution, pauses):
            worked -= ledger.between(begin, end)
        durations.setdefault(resolution.department_key, []).append(as_sla_seconds(worked, calendar))
    return durations


class WorkingLedger:
    """Working time between moments of the days ``first`` to ``last``, for many spans at once: what
    :func:`bot.tickets.sla.working_time_between` counts, with each day's window worked out once and the whole days
    between summed in advance, so a complaint open for a year costs no more than one open for an hour."""

    def __init__(self, calendar: WorkingCalendar, first: date, last: date) -> None:
        self.calendar = calendar
        self.first = first
        self._windows: list[tuple[datetime, datetime] | None] = []
        self._before = [timedelta(0)]  # working time of the days before each day
        day = first
        while day <= last:
            window = calendar.window(day) if calendar.is_working_day(day) else None
            self._windows.append(window)
            self._before.append(self._before[-1] + (window[1] - window[0] if window else timedelta(0)))
            day += timedelta(days=1)

    def _index(self, moment: datetime) -> int:
        return (moment.astimezone(self.calendar.tz).date() - self.first).days

    def between(self, start: datetime, end: datetime) -> timedelta:
        if end <= start:
            return timedelta(0)
        first, last = self._index(start), self._index(end)
        if first < 0 or last >= len(self._windows):
            return working_time_between(start, end, self.calendar)  # outside the days prepared
        if first == last:
            return self._overlap(first, start, end)
        whole_days = self._before[last] - self._before[first + 1]
        return self._overlap(first, start, end) + whole_days + self._overlap(last, start, end)

    def _overlap(self, index: int, start: datetime, end: datetime) -> timedelta:
        window = self._windows[index]
        if window is None:
            return timedelta(0)
        return max(min(window[1], end) - max(window[0], start), timedelta(0))


def _paused_spans(
    moves: Iterable[StatusMove], resolution: Resolution, paused: frozenset[str]
) -> list[tuple[datetime, datetime]]:
    """When the complaint's clock stood still between its start and its resolution: from each move into a paused
    status to the move out of it (a resolution while paused ends the pause there)."""
    spans: list[tuple[datetime, datetime]] = []
    since: datetime | None = None
    for move in moves:
        if not resolution.started_at <= move.at <= resolution.resolved_at:
            continue
        if since is None and move.to_status in paused:
            since = move.at
        elif since is not None and move.from_status in paused and move.to_status not in paused:
            spans.append((since, move.at))
            since = None
    if since is not None:
        spans.append((since, resolution.resolved_at))
    return spans


def as_sla_seconds(worked: timedelta, calendar: WorkingCalendar) -> float:
    """Working time written as the SLA writes durations: whole working days as days, the rest as it is."""
    worked = max(worked, timedelta(0))
    days, rest = divmod(worked, calendar.working_day)
    return days * 86400 + rest.total_seconds()


def scorecard(
    goals: Sequence[Goal],
    departments: Sequence[tuple[str, str]],
    current: Sequence[WindowCounts],
    previous: Sequence[WindowCounts],
    *,
    end: datetime,
    windows: Sequence[timedelta],
    language: str,
    timezone: str,
) -> Scorecard:
    """The scorecard from each goal's counts (``current[i]``, ``previous[i]`` for ``goals[i]``): a row for every
    department (``(key, name)`` in order; one seen in the counts but not listed is added after, by key) and the
    company's row."""
    listed = [key for key, _ in departments]
    seen: set[str] = set()
    for counts in current:
        seen |= counts.departments()
    names = dict(departments)
    keys = listed + sorted(seen - set(listed))

    def row(key: str | None) -> tuple[Cell, ...]:
        cells = []
        for goal, now, before in zip(goals, current, previous, strict=True):
            value, sample = value_of(goal.metric, now, key)
            cells.append(Cell(goal, value, value_of(goal.metric, before, key)[0], sample))
        return tuple(cells)

    return Scorecard(
        goals=tuple(goals),
        departments=tuple(Row(key, names.get(key, key), row(key)) for key in keys),
        company=Row(COMPANY, "", row(None)),
        end=end,
        windows=tuple(windows),
        language=language,
        timezone=timezone,
    )


# ---------------------------------------------------------------------- words


def format_value(goal: Goal, value: float | None, translator: Translator) -> str:
    """A value as people read it: 81%, 4.3, 1d 4h, 12 — or a dash without one."""
    if value is None:
        return translator.t("goals.no_value")
    if goal.kind == TargetKind.SHARE:
        return translator.t("goals.percent", value=f"{value * 100:.0f}")
    if goal.kind == TargetKind.SCORE:
        return f"{value:.1f}"
    if goal.kind == TargetKind.DURATION:
        days, seconds = divmod(round(value), 86400)
        hours = int(seconds / 3600 + 0.5)
        if days and hours:
            return translator.t("goals.days_hours", days=days, hours=hours)
        if days:
            return translator.t("goals.days", days=days)
        if hours or seconds >= 1800:
            return translator.t("goals.hours", hours=max(hours, 1))
        return translator.t("goals.minutes", minutes=max(seconds // 60, 0))
    return str(int(value))


def format_target(goal: Goal, translator: Translator) -> str:
    return format_value(goal, goal.target, translator)


VERDICT_SYMBOL = {Verdict.MET: "✓", Verdict.NEAR: "~", Verdict.MISSED: "✗", Verdict.NONE: ""}
TREND_SYMBOL = {Trend.UP: "↑", Trend.DOWN: "↓", Trend.STEADY: "→"}
