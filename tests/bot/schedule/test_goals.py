"""The shared goals' numbers against the hand-computed fortnight of ``tests/support/goal_fixture.py``, on SQLite and
PostgreSQL; and the pure parts (judging, durations, pauses) on their own."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.schedule.goal_source import GoalSource
from bot.schedule.goals import (
    COMPANY,
    Cell,
    Trend,
    Verdict,
    WorkingLedger,
    as_sla_seconds,
    complaint_durations,
    format_value,
    judge,
)
from bot.surfaces.i18n import Translator
from bot.tickets.sla import WorkingCalendar, working_time_between
from config.goals import Goal
from config.schema import WorkspaceConfig
from storage.database import Database
from storage.goal_metrics import Resolution, StatusMove
from tests.support.goal_fixture import END, EXPECTED, EXPECTED_VERDICTS, GOALS, at, play


async def test_every_number_of_the_fortnight(db: Database, workspace: WorkspaceConfig) -> None:
    played = await play(db, workspace)
    card = await GoalSource(db, played.workspace, "en").scorecard(END)

    assert [row.key for row in card.departments] == ["SUP", "ENG", "SALES"]
    assert card.company.key == COMPANY
    found: dict[str, dict[str, tuple[float | None, float | None]]] = {}
    verdicts: dict[str, list[str]] = {}
    for index, goal in enumerate(card.goals):
        for row in card.rows:
            cell = row.cells[index]
            found.setdefault(goal.metric, {})[row.key] = (cell.value, cell.previous)
            verdicts.setdefault(goal.metric, []).append(cell.verdict.value)
    for metric, rows in EXPECTED.items():
        for key, (value, previous) in rows.items():
            got_value, got_previous = found[metric][key]
            assert got_value == pytest.approx(value), (metric, key, "value")
            assert got_previous == pytest.approx(previous), (metric, key, "previous")
    assert {metric: tuple(found) for metric, found in verdicts.items()} == EXPECTED_VERDICTS
    assert card.met() == 3 and card.judged() == 8


async def test_the_fortnight_as_each_week_ended(db: Database, workspace: WorkspaceConfig) -> None:
    """The review's history: the week before ends where this week's previous window is, so the numbers agree."""
    played = await play(db, workspace)
    history = await GoalSource(db, played.workspace, "en").history(END, weeks=2)
    assert history.ends == (END - timedelta(days=7), END)
    earlier, latest = history.cards
    ack = 0  # the first goal
    assert earlier.company.cells[ack].value == pytest.approx(0.5)
    assert latest.company.cells[ack].previous == pytest.approx(0.5)
    assert latest.company.cells[ack].value == pytest.approx(4 / 7)


async def test_a_report_period_replaces_every_window(db: Database, workspace: WorkspaceConfig) -> None:
    """Two weeks at once: both weeks' tickets count, and the previous window is the fortnight before (empty)."""
    played = await play(db, workspace)
    card = await GoalSource(db, played.workspace, "en").scorecard(END, period=timedelta(days=14))
    ack = card.company.cells[0]
    assert (ack.value, ack.previous, ack.sample) == (pytest.approx(5 / 9), None, 9)
    assert card.windows == (timedelta(days=14),) * len(GOALS)


# ---------------------------------------------------------------------- pure parts


def goal(metric: str, target: object) -> Goal:
    return Goal(name=metric, metric=metric, target=target)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("metric", "target", "value", "verdict"),
    [
        ("ack_within_sla", "95%", 0.95, Verdict.MET),
        ("ack_within_sla", "95%", 0.90, Verdict.NEAR),  # 5 points short
        ("ack_within_sla", "95%", 0.899, Verdict.MISSED),
        ("bounce_rate", "10%", 0.15, Verdict.NEAR),  # at most: 5 points over
        ("bounce_rate", "10%", 0.16, Verdict.MISSED),
        ("csat", 4.5, 4.3, Verdict.NEAR),
        ("csat", 4.5, 4.2, Verdict.MISSED),
        ("complaint_resolve_median", "2d", 2 * 86400 * 1.1, Verdict.NEAR),  # 10 % over
        ("complaint_resolve_median", "2d", 2 * 86400 * 1.11, Verdict.MISSED),
        ("open", 0, 1, Verdict.NEAR),  # a count is near within one ticket at least
        ("open", 0, 2, Verdict.MISSED),
        ("overdue", 20, 22, Verdict.NEAR),
        ("overdue", 20, 23, Verdict.MISSED),
        ("csat", 4.5, None, Verdict.NONE),
    ],
)
def test_met_near_and_missed(metric: str, target: object, value: float | None, verdict: Verdict) -> None:
    assert judge(goal(metric, target), value) == verdict


def test_the_change_reads_for_better_or_worse_by_direction() -> None:
    share, bounces = goal("ack_within_sla", "95%"), goal("bounce_rate", "10%")
    assert Cell(share, 0.81, 0.88, 10).trend == Trend.DOWN and Cell(share, 0.81, 0.88, 10).improved is False
    assert Cell(bounces, 0.05, 0.08, 10).trend == Trend.DOWN and Cell(bounces, 0.05, 0.08, 10).improved is True
    assert Cell(share, 0.81, 0.812, 10).trend == Trend.STEADY
    assert Cell(share, 0.81, None, 10).trend is None


def test_values_read_in_both_languages() -> None:
    en, zh = Translator("en"), Translator("zh")
    median = goal("complaint_resolve_median", "2d")
    assert format_value(goal("ack_within_sla", "95%"), 0.814, en) == "81%"
    assert format_value(median, 86400 + 4.5 * 3600, en) == "1d 5h"
    assert format_value(median, 86400 + 4.5 * 3600, zh) == "1天5小时"
    assert format_value(median, 2 * 3600, en) == "2h"
    assert format_value(goal("csat", 4.5), None, en) == "—"


def test_complaint_time_is_working_time_without_the_pauses(workspace: WorkspaceConfig) -> None:
    calendar = WorkingCalendar.from_workspace(workspace)
    started, resolved = at(9, 28, 10), at(10, 2, 16)  # over the holiday
    moves = [
        StatusMove(1, at(9, 29, 10), "acknowledged", "waiting"),
        StatusMove(1, at(9, 30, 10), "waiting", "acknowledged"),
        StatusMove(1, at(9, 20, 10), "acknowledged", "blocked"),  # before its start: an earlier cycle, left out
    ]
    moves.sort(key=lambda move: move.at)
    spans = complaint_durations([Resolution(1, "SUP", started, resolved)], moves, ["waiting", "blocked"], calendar)
    assert spans == {"SUP": [2 * 86400 + 6 * 3600]}  # 33 working hours, 9 of them waiting: 24 = 2 days and 6 hours


def test_a_pause_still_going_at_resolution_ends_there(workspace: WorkspaceConfig) -> None:
    calendar = WorkingCalendar.from_workspace(workspace)
    started, resolved = at(9, 29, 9), at(10, 2, 12)
    moves = [StatusMove(1, at(9, 29, 17), "acknowledged", "waiting"), StatusMove(1, resolved, "waiting", "resolved")]
    spans = complaint_durations([Resolution(1, "SALES", started, resolved)], moves, ["waiting", "blocked"], calendar)
    assert spans == {"SALES": [8 * 3600]}


def test_sla_seconds_count_working_days_as_days(workspace: WorkspaceConfig) -> None:
    calendar = WorkingCalendar.from_workspace(workspace)  # a 9-hour working day
    assert as_sla_seconds(timedelta(hours=9), calendar) == 86400
    assert as_sla_seconds(timedelta(hours=10), calendar) == 86400 + 3600
    assert as_sla_seconds(timedelta(hours=-1), calendar) == 0


def test_goals_without_data_have_no_verdict_and_no_trend() -> None:
    cell = Cell(goal("csat", 4.5), None, 4.0, 0)
    assert cell.verdict == Verdict.NONE and cell.trend is None


def test_datetime_helpers_are_utc() -> None:
    assert at(10, 5).tzinfo == UTC and at(10, 5) == datetime(2026, 10, 4, 16, tzinfo=UTC)


def test_the_ledger_counts_what_the_sla_clock_counts(workspace: WorkspaceConfig) -> None:
    """Many spans, over weekends, the holiday and whole months, against ``working_time_between`` itself."""
    calendar = WorkingCalendar.from_workspace(workspace)
    first = at(9, 1)
    ledger = WorkingLedger(calendar, first.astimezone(calendar.tz).date(), at(11, 30).astimezone(calendar.tz).date())
    moments = [first + timedelta(minutes=37 * step * step) for step in range(60)]
    for start in moments[::3]:
        for end in moments:
            assert ledger.between(start, end) == working_time_between(start, end, calendar), (start, end)
    later = at(12, 25, 12)  # outside the days prepared: counted the slow way
    assert ledger.between(first, later) == working_time_between(first, later, calendar)
