"""Where the shared goals are read, for every place that shows them: the digest's scorecard, the weekly review and
``crossdesk report`` — one reader, so they never disagree on a number.

Each goal is computed over its own window ending at the moment asked for, and over the window before (for the
change). Goals sharing a window share its statements, and only the metrics some goal names are read. Reads go
through ``Database.read()``: the scorecard never waits for the writer's turn.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.customers.complaints import ComplaintTimes
from bot.schedule import goals as goal_values
from bot.schedule.goals import Scorecard, WindowCounts
from bot.schedule.handoff_map import HandoffMap
from bot.tickets.sla import WorkingCalendar
from bot.tickets.states import ACTIVE_STATUSES, Status
from config.goals import Goal
from config.schema import WorkspaceConfig
from storage import goal_metrics
from storage.consults import CONSULT, TICKET
from storage.database import Database
from storage.goal_metrics import Ratio, Scores

PAUSED = (Status.WAITING.value, Status.BLOCKED.value)
ACTIVE = tuple(status.value for status in ACTIVE_STATUSES)
EVERY_STATUS = tuple(status.value for status in Status)
WEEK = timedelta(days=7)
REVIEW_WEEKS = 8


@dataclass(frozen=True)
class GoalHistory:
    """Every goal's value at the end of each of the last weeks, oldest first: the weekly review's small multiples."""

    ends: tuple[datetime, ...]
    cards: tuple[Scorecard, ...]  # one per end, each with the change since the week before


@dataclass(frozen=True)
class WeeklyReview:
    """The weekly review (``bot/schedule/weekly_review.py``): the goals' history, and what else the last week holds."""

    history: GoalHistory
    names: Mapping[str, str]  # department key → name
    satisfaction: Mapping[str, Scores]  # per department with an answer in the last week
    complaints: Mapping[str, int]  # by lifecycle stage, opened in the last week (every stage, zero included)
    language: str
    timezone: str
    handoffs: HandoffMap | None = None  # who waited on whom over the last week (``None``: not read)
    # The complaints opened in the last week: median time to first response and to resolve, measured apart.
    complaint_times: ComplaintTimes | None = None

    @property
    def end(self) -> datetime:
        return self.history.ends[-1]


class GoalSource:
    def __init__(self, db: Database, workspace: WorkspaceConfig, language: str) -> None:
        self.db = db
        self.workspace = workspace
        self.language = language

    @property
    def goals(self) -> tuple[Goal, ...]:
        return tuple(self.workspace.goals)

    async def scorecard(self, end: datetime, *, period: timedelta | None = None) -> Scorecard:
        """Every goal as of ``end``, each over its own window — or, for a report, all over ``period`` — with the
        window before it for the change."""
        async with self.db.read() as session:
            return await self._card(session, end, period, {})

    async def history(
        self,
        end: datetime,
        weeks: int = REVIEW_WEEKS,
        *,
        period: timedelta | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> GoalHistory:
        """Every goal at the end of each of the last ``weeks`` weeks (the last one ending at ``end``), each over its
        own window. With ``period`` (a report), the points are that far apart instead, each over that period, so the
        last is the report's own scorecard. ``progress(done, of)`` hears of each point computed."""
        step = period or WEEK
        ends = tuple(end - step * back for back in reversed(range(weeks)))
        cache: dict[tuple[datetime, datetime], WindowCounts] = {}
        cards = []
        async with self.db.read() as session:
            for done, moment in enumerate(ends, start=1):
                cards.append(await self._card(session, moment, period, cache))
                if progress is not None:
                    progress(done, len(ends))
        return GoalHistory(ends, tuple(cards))

    async def _card(
        self,
        session: AsyncSession,
        end: datetime,
        period: timedelta | None,
        cache: dict[tuple[datetime, datetime], WindowCounts],
    ) -> Scorecard:
        goals = self.goals
        windows = [period or goal.window for goal in goals]
        wanted: dict[tuple[datetime, datetime], set[str]] = {}
        for goal, window in zip(goals, windows, strict=True):
            for span in ((end - window, end), (end - 2 * window, end - window)):
                wanted.setdefault(span, set()).add(goal.metric)
        for span, metrics in wanted.items():
            known = cache.get(span)
            if known is None or not metrics <= known.metrics:
                cache[span] = await self.counts(session, span[0], span[1], metrics)
        current = [cache[(end - window, end)] for window in windows]
        previous = [cache[(end - 2 * window, end - window)] for window in windows]
        return goal_values.scorecard(
            goals,
            [(department.key, department.name) for department in self.workspace.departments],
            current,
            previous,
            end=end,
            windows=windows,
            language=self.language,
            timezone=self.workspace.timezone,
        )

    async def counts(self, session: AsyncSession, start: datetime, end: datetime, metrics: set[str]) -> WindowCounts:
        """The raw counts of ``metrics`` over ``[start, end)``."""
        counts = WindowCounts(metrics=frozenset(metrics))
        if "ack_within_sla" in metrics:
            acknowledged = await goal_metrics.deadline_outcomes(session, "acknowledge", start, end, EVERY_STATUS)
            counts.acknowledge = _of_kind(acknowledged, TICKET)
        if metrics & {"resolve_within_sla", "consult_within_sla"}:
            resolved = await goal_metrics.deadline_outcomes(session, "resolve", start, end, EVERY_STATUS)
            counts.resolve, counts.consult = _of_kind(resolved, TICKET), _of_kind(resolved, CONSULT)
        if "csat" in metrics:
            counts.ratings = await goal_metrics.ratings(session, start, end)
        if "complaint_resolve_median" in metrics:
            resolutions, moves = await goal_metrics.complaint_resolutions(session, start, end, PAUSED)
            calendar = WorkingCalendar.from_workspace(self.workspace)
            counts.complaints = goal_values.complaint_durations(resolutions, moves, PAUSED, calendar)
        if "bounce_rate" in metrics:
            counts.bounces, counts.company_bounces = await goal_metrics.bounces(session, start, end)
        if metrics & {"open", "overdue"}:
            counts.workload = await goal_metrics.workload_at(session, end, ACTIVE)
        return counts


def _of_kind(outcomes: dict[tuple[str, str], Ratio], kind: str) -> dict[str, Ratio]:
    return {department: ratio for (of, department), ratio in outcomes.items() if of == kind}
