"""The hand-off map: which department waits on which, and how long — computed from the rows
``storage.handoff_map`` reads, with no database and no Slack.

For every ordered pair of departments (A asks B): consults asked in the window, consults answered in it, the median
time to answer, the share answered within the consult's SLA, and the tickets A handed to B (bounces). Time to answer
is counted on the same clock as the consult's deadline (``bot.tickets.sla``): working time in the consult owner's
time zone, on the workspace's working hours and holidays, without the time the consult was paused (waiting on
whoever asked, or blocked). A consult is on time when that time is within its resolve target (``sla.consult``,
shortened by an urgent priority), which is exactly when it was answered before its deadline.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.tickets.sla import WorkingCalendar, sla_target, working_time_between, zone_named
from config.schema import WorkspaceConfig
from storage.consults import CONSULT
from storage.handoff_map import ANSWERED, ConsultTimeline, Pair


@dataclass(frozen=True, kw_only=True)
class Figures:
    """What the map says of a pair, or of all pairs together."""

    asked: int = 0  # consults asked in the window
    answered: int = 0  # consults answered (for the first time) in the window
    within_sla: int = 0  # of those answered, how many on time
    median_answer: timedelta | None = None  # working time to answer, over those answered; None: none answered
    bounces: int = 0  # tickets handed from one department to the other in the window

    @property
    def within_sla_ratio(self) -> float | None:
        """The share of answered consults answered on time; ``None`` when none was answered."""
        return self.within_sla / self.answered if self.answered else None

    @property
    def median_hours(self) -> float | None:
        return None if self.median_answer is None else self.median_answer.total_seconds() / 3600


@dataclass(frozen=True, kw_only=True)
class PairNumbers(Figures):
    """One ordered pair: ``asking`` asked ``answering`` (consults), or handed tickets to it (bounces)."""

    asking: str
    answering: str


@dataclass(frozen=True)
class HandoffMap:
    """The hand-off map of a window ``[start, end)``."""

    start: datetime
    end: datetime
    departments: tuple[str, ...]  # every department in a pair: the workspace's order, then any no longer in it
    names: Mapping[str, str]  # department key → name (the key itself for a department no longer configured)
    pairs: tuple[PairNumbers, ...]  # pairs with anything to show, asking department first, in ``departments`` order
    totals: Figures

    @property
    def is_empty(self) -> bool:
        """Nothing crossed between departments in the window: no consult asked or answered, no bounce."""
        return not (self.totals.asked or self.totals.answered or self.totals.bounces)

    def pair(self, asking: str, answering: str) -> PairNumbers | None:
        return next((p for p in self.pairs if (p.asking, p.answering) == (asking, answering)), None)

    @property
    def slowest(self) -> PairNumbers | None:
        """The pair whose answers took longest (median); among equals the one with more answers, then the first."""
        answered = [p for p in self.pairs if p.median_answer is not None]
        if not answered:
            return None
        return max(answered, key=lambda p: (p.median_answer, p.answered))  # max keeps the first among equals

    def name(self, key: str) -> str:
        return self.names.get(key, key)


@dataclass(frozen=True)
class Answer:
    """One consult answered: how long it took in working time, and whether that was on time."""

    pair: Pair
    at: datetime
    took: timedelta
    on_time: bool


def _paused_spans(timeline: ConsultTimeline, until: datetime) -> list[tuple[datetime, datetime]]:
    """When the consult's clock was stopped before ``until``: each pause to its resume (or to ``until``)."""
    spans: list[tuple[datetime, datetime]] = []
    paused_at: datetime | None = None
    for at, action in timeline.events:
        if at >= until:
            break
        if action == "paused" and paused_at is None:
            paused_at = at
        elif action != "paused" and paused_at is not None:  # resumed, or answered (which ends a pause too)
            spans.append((paused_at, at))
            paused_at = None
    if paused_at is not None:
        spans.append((paused_at, until))
    return spans


def answer_of(timeline: ConsultTimeline, workspace: WorkspaceConfig) -> Answer | None:
    """The consult's first answer, timed on its SLA clock; ``None`` while it is unanswered."""
    answered_at = next((at for at, action in timeline.events if action == ANSWERED), None)
    if answered_at is None:
        return None
    calendar = WorkingCalendar.from_workspace(workspace, zone_named(timeline.owner_tz))
    worked = working_time_between(timeline.asked_at, answered_at, calendar)
    for paused, resumed in _paused_spans(timeline, answered_at):
        worked -= working_time_between(max(paused, timeline.asked_at), resumed, calendar)
    allowed = calendar.working_span(sla_target(workspace, timeline.priority, CONSULT).resolve)
    pair = (timeline.asking, timeline.answering)
    return Answer(pair=pair, at=answered_at, took=max(worked, timedelta(0)), on_time=worked <= allowed)


def _median(spans: list[timedelta]) -> timedelta | None:
    return timedelta(seconds=statistics.median(s.total_seconds() for s in spans)) if spans else None


def _figures(asked: int, answers: list[Answer], bounces: int) -> Figures:
    return Figures(
        asked=asked,
        answered=len(answers),
        within_sla=sum(answer.on_time for answer in answers),
        median_answer=_median([answer.took for answer in answers]),
        bounces=bounces,
    )


def _pair(pair: Pair, figures: Figures) -> PairNumbers:
    return PairNumbers(
        asking=pair[0],
        answering=pair[1],
        asked=figures.asked,
        answered=figures.answered,
        within_sla=figures.within_sla,
        median_answer=figures.median_answer,
        bounces=figures.bounces,
    )


def build_map(
    consults: Iterable[ConsultTimeline],
    bounces: Mapping[Pair, int],
    workspace: WorkspaceConfig,
    start: datetime,
    end: datetime,
) -> HandoffMap:
    """The map of ``[start, end)`` from the consults asked or answered in it and the bounces counted in it."""
    asked: Counter[Pair] = Counter()
    answers: dict[Pair, list[Answer]] = {}
    for timeline in consults:
        if start <= timeline.asked_at < end:
            asked[(timeline.asking, timeline.answering)] += 1
        answer = answer_of(timeline, workspace)
        if answer is not None and start <= answer.at < end:
            answers.setdefault(answer.pair, []).append(answer)
    moved = {pair: count for pair, count in bounces.items() if count and pair[0] != pair[1]}
    involved = {key for pair in [*asked, *answers, *moved] for key in pair}
    configured = [d.key for d in workspace.departments]
    departments = tuple([k for k in configured if k in involved] + sorted(involved - set(configured)))
    order = {key: index for index, key in enumerate(departments)}
    pairs = tuple(
        _pair(pair, _figures(asked[pair], answers.get(pair, []), moved.get(pair, 0)))
        for pair in sorted({*asked, *answers, *moved}, key=lambda pair: (order[pair[0]], order[pair[1]]))
    )
    every_answer = [answer for found in answers.values() for answer in found]
    totals = _figures(sum(asked.values()), every_answer, sum(moved.values()))
    names = {key: (department.name if (department := workspace.department(key)) else key) for key in departments}
    return HandoffMap(start=start, end=end, departments=departments, names=names, pairs=pairs, totals=totals)
