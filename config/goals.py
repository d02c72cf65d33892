"""Shared goals in the workspace file: the same targets held by every department, and by the company as a whole.

A goal names a metric, a target and a window (``{name: Acknowledge on time, metric: ack_within_sla, target: 95%,
window: 7d}``). What a target means depends on its metric — a share, a 1–5 score, a duration or a count — and so
does its direction: most goals are met at or above the target, the ones that count trouble (bounces, slow
complaints, open or overdue work) at or below it. Both are decided here, once, so the digest, the weekly review
and the report never disagree about whether a goal was met.
"""

from __future__ import annotations

import re
from datetime import timedelta
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_serializer, field_validator, model_validator

from config.durations import format_duration, parse_duration

GoalMetric = Literal[
    "ack_within_sla",
    "resolve_within_sla",
    "csat",
    "consult_within_sla",
    "complaint_resolve_median",
    "bounce_rate",
    "open",
    "overdue",
]
GOAL_METRICS: tuple[GoalMetric, ...] = (
    "ack_within_sla",
    "resolve_within_sla",
    "csat",
    "consult_within_sla",
    "complaint_resolve_median",
    "bounce_rate",
    "open",
    "overdue",
)
MAX_GOALS = 12  # a scorecard's columns: more would not read on a phone
MAX_GOAL_WINDOW = timedelta(days=90)
_SHARE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*%\s*$")


class TargetKind(StrEnum):
    SHARE = "share"  # a fraction 0–1, written 95%
    SCORE = "score"  # a satisfaction score 1–5
    DURATION = "duration"  # written 2d, 4h
    COUNT = "count"  # a number of tickets


KIND_OF_METRIC: dict[str, TargetKind] = {
    "ack_within_sla": TargetKind.SHARE,
    "resolve_within_sla": TargetKind.SHARE,
    "consult_within_sla": TargetKind.SHARE,
    "bounce_rate": TargetKind.SHARE,
    "csat": TargetKind.SCORE,
    "complaint_resolve_median": TargetKind.DURATION,
    "open": TargetKind.COUNT,
    "overdue": TargetKind.COUNT,
}
# Met when the value is at most the target (lower is better); every other metric is met at or above it.
AT_MOST: frozenset[str] = frozenset({"bounce_rate", "complaint_resolve_median", "open", "overdue"})


class Goal(BaseModel):
    """One shared goal. ``target`` is held as a number: a share as a fraction (0.95), a score (4.5), a duration
    in seconds, or a count."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=80)
    metric: GoalMetric
    target: float
    window: timedelta = timedelta(days=7)

    @field_validator("name")
    @classmethod
    def _name_not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("a goal's name must not be empty or only spaces")
        return value.strip()

    @field_validator("window", mode="before")
    @classmethod
    def _window(cls, value: object) -> object:
        window = value if isinstance(value, timedelta) else parse_duration(value)  # type: ignore[arg-type]
        if window < timedelta(days=1) or window > MAX_GOAL_WINDOW:
            raise ValueError(f"window {format_duration(window)} must be between 1d and {MAX_GOAL_WINDOW.days}d")
        return window

    @model_validator(mode="before")
    @classmethod
    def _target_for_metric(cls, data: object) -> object:
        if not isinstance(data, dict) or "target" not in data or data.get("metric") not in KIND_OF_METRIC:
            return data  # the field errors say what is missing or unknown
        return {**data, "target": parse_target(data["target"], KIND_OF_METRIC[str(data["metric"])])}

    @field_serializer("target")
    def _target_as_written(self, target: float) -> str | float:
        """Dumped the way the file writes it, so a dumped workspace validates again (and export-config reads well)."""
        return target if self.kind == TargetKind.SCORE else format_target(self)

    @property
    def kind(self) -> TargetKind:
        return KIND_OF_METRIC[self.metric]

    @property
    def at_most(self) -> bool:
        return self.metric in AT_MOST

    def is_met(self, value: float) -> bool:
        return value <= self.target if self.at_most else value >= self.target


def parse_target(value: object, kind: TargetKind) -> float:
    """A target as written in the file → the number :class:`Goal` holds; ``ValueError`` says how to write it."""
    if kind == TargetKind.SHARE:
        if isinstance(value, str) and (match := _SHARE.match(value)):
            share = float(match.group(1)) / 100
        elif isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value <= 1:
            share = float(value)
        else:
            raise ValueError(f"target {value!r} must be a percentage such as 95%")
        if not 0 <= share <= 1:
            raise ValueError(f"target {value!r} must be between 0% and 100%")
        return share
    if kind == TargetKind.SCORE:
        if isinstance(value, bool) or not isinstance(value, int | float) or not 1 <= value <= 5:
            raise ValueError(f"target {value!r} must be a satisfaction score from 1 to 5, such as 4.5")
        return float(value)
    if kind == TargetKind.DURATION:
        if not isinstance(value, str):
            raise ValueError(f"target {value!r} must be a duration such as 2d or 4h")
        return parse_duration(value).total_seconds()
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"target {value!r} must be a whole number of tickets, 0 or more")
    return float(value)


def format_target(goal: Goal) -> str:
    """The target written the way the file writes it (95%, 4.5, 2d, 10)."""
    if goal.kind == TargetKind.SHARE:
        return f"{goal.target * 100:g}%"
    if goal.kind == TargetKind.DURATION:
        return format_duration(timedelta(seconds=goal.target))
    if goal.kind == TargetKind.COUNT:
        return str(int(goal.target))
    return f"{goal.target:g}"
