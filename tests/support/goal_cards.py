"""Scorecards made by hand, for the pictures' and the review's tests: every goal of ``goal_fixture.GOALS`` missing,
coming near and meeting its target in turn, for any number of departments (Chinese names by default)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from itertools import cycle

from bot.schedule.goal_source import GoalHistory
from bot.schedule.goals import COMPANY, Cell, Row, Scorecard
from tests.support.goal_fixture import GOALS

NAMES = ["客户支持", "研发", "销售", "财务", "法务", "人事", "运维", "产品", "市场", "采购", "物流", "质量"]
# A value for each goal that misses, comes near and meets in turn (targets of tests/support/goal_fixture.py).
VALUES = {
    "ack_within_sla": (0.5, 0.87, 0.95),
    "resolve_within_sla": (0.5, 0.77, 0.9),
    "csat": (3.0, 3.5, 4.6),
    "consult_within_sla": (0.2, 0.86, 1.0),
    "complaint_resolve_median": (3 * 86400, 102600, 3600),
    "bounce_rate": (0.5, 0.24, 0.05),
    "open": (9, 2, 0),
    "overdue": (5, 1, 0),
}


def card_of(count: int, language: str = "zh", names: list[str] | None = None, *, shift: int = 0) -> Scorecard:
    """A scorecard of ``count`` departments; ``shift`` starts the turns elsewhere (another week's card)."""
    names = names or [NAMES[index % len(NAMES)] + (str(index) if index >= len(NAMES) else "") for index in range(count)]
    turns = cycle(range(3))
    for _ in range(shift % 3):
        next(turns)

    def cells() -> tuple[Cell, ...]:
        return tuple(Cell(goal, VALUES[goal.metric][next(turns)], VALUES[goal.metric][0], 5) for goal in GOALS)

    rows = tuple(Row(f"D{index}", name, cells()) for index, name in enumerate(names))
    return Scorecard(
        goals=tuple(GOALS),
        departments=rows,
        company=Row(COMPANY, "", cells()),
        end=datetime(2026, 10, 4, 10, tzinfo=UTC),
        windows=(timedelta(days=7),) * len(GOALS),
        language=language,
        timezone="Asia/Shanghai",
    )


def history_of(count: int, language: str = "zh", weeks: int = 8, names: list[str] | None = None) -> GoalHistory:
    """``weeks`` scorecards a week apart, the last ending when :func:`card_of`'s does."""
    last = card_of(count, language, names)
    ends = tuple(last.end - timedelta(days=7 * back) for back in reversed(range(weeks)))
    cards = tuple(
        replace(card_of(count, language, names, shift=weeks - 1 - index), end=end) for index, end in enumerate(ends)
    )
    return GoalHistory(ends, cards)
